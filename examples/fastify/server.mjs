// A Fastify 5 app; every request becomes one audit event with the Fastify route template.
import Fastify from 'fastify'
import { echotrailFastify } from '@echotrail/node/fastify'

const USERS = { 1: { id: '1', name: 'Ada Lovelace' }, 2: { id: '2', name: 'Grace Hopper' } }

const app = Fastify()
await app.register(echotrailFastify, {
  apiKey: process.env.ECHOTRAIL_API_KEY ?? '',
  ...(process.env.ECHOTRAIL_ENDPOINT ? { endpoint: process.env.ECHOTRAIL_ENDPOINT } : {}),
  service: 'example-fastify',
})
app.get('/users/:id', async (request, reply) => {
  const user = USERS[request.params.id]
  if (user === undefined) return reply.code(404).send({ error: 'not found' })
  return user
})

const url = await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' })
console.log(`listening on ${url}`)

// app.close() shuts the plugin's client down, delivering what is queued.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0), () => process.exit(1))
  })
}
