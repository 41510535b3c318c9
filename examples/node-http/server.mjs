// A plain node:http server; every request becomes one audit event (route template /users/:id).
import { createServer } from 'node:http'
import { withEchotrail } from '@echotrail/node/http'

const USERS = { 1: { id: '1', name: 'Ada Lovelace' }, 2: { id: '2', name: 'Grace Hopper' } }

const listener = withEchotrail(
  (req, res) => {
    const match = /^\/users\/([^/?]+)/.exec(req.url ?? '/')
    const user = match ? USERS[match[1]] : undefined
    res.writeHead(user ? 200 : 404, { 'content-type': 'application/json' })
    res.end(JSON.stringify(user ?? { error: 'not found' }))
  },
  {
    apiKey: process.env.ECHOTRAIL_API_KEY ?? '',
    ...(process.env.ECHOTRAIL_ENDPOINT ? { endpoint: process.env.ECHOTRAIL_ENDPOINT } : {}),
    service: 'example-node-http',
    route: (req) => (/^\/users\/[^/?]+/.test(req.url ?? '') ? '/users/:id' : undefined),
  },
)

const server = createServer(listener)
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address()
  console.log(`listening on http://${address}:${port}`)
})

// Deliver what is queued before exiting.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close()
    server.closeAllConnections()
    void listener.client.shutdown().then(() => process.exit(0))
  })
}
