// An Express 5 app; every request becomes one audit event with the Express route template.
import express from 'express'
import { echotrail } from '@echotrail/express'

const USERS = { 1: { id: '1', name: 'Ada Lovelace' }, 2: { id: '2', name: 'Grace Hopper' } }

const recorder = echotrail({
  apiKey: process.env.ECHOTRAIL_API_KEY ?? '',
  ...(process.env.ECHOTRAIL_ENDPOINT ? { endpoint: process.env.ECHOTRAIL_ENDPOINT } : {}),
  service: 'example-express',
})

const app = express()
app.use(recorder)
app.get('/users/:id', (req, res) => {
  const user = USERS[req.params.id]
  if (user === undefined) res.status(404).json({ error: 'not found' })
  else res.json(user)
})

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address()
  console.log(`listening on http://${address}:${port}`)
})

// Deliver what is queued before exiting.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close()
    server.closeAllConnections()
    void recorder.client.shutdown().then(() => process.exit(0))
  })
}
