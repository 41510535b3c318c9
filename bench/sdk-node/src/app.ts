// One benchmarked app in its own process (pinned by the parent): `tsx src/app.ts <config> <sinkUrl>`.
// Prints its port, then answers "cpu" on stdin with its CPU µs since the last reset.
import Fastify from 'fastify'
import { createRequire } from 'node:module'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { echotrail } from '@echotrail/express'
import { echotrailFastify } from '@echotrail/node/fastify'

// bench/sdk-node has no @types/express; this is the little of Express the bench uses.
type Handler = (...args: never[]) => unknown
interface ExpressApp {
  use(handler: Handler): void
  get(path: string, handler: Handler): void
  post(path: string, handler: Handler): void
  listen(port: number, host: string): Server
}
const express = createRequire(import.meta.url)('express') as { (): ExpressApp; json(): Handler }

const [config = 'express-bare', sink = 'http://127.0.0.1:1'] = process.argv.slice(2)
const sdk = { apiKey: 'et_sk_bench', endpoint: sink, service: 'bench', logger: () => {} }

async function start(): Promise<number> {
  if (config.startsWith('fastify')) {
    const app = Fastify()
    if (config === 'fastify-sdk') await app.register(echotrailFastify, sdk)
    app.get('/hello', async () => ({ hello: 'world' }))
    app.post('/items', async (request) => ({ got: (request.body as { id: number }).id }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    return (app.server.address() as AddressInfo).port
  }
  const app = express()
  if (config === 'express-empty') app.use((_req: unknown, _res: unknown, next: () => void) => next())
  if (config === 'express-sdk') app.use(echotrail(sdk))
  if (config === 'express-sdk-bodies') app.use(echotrail({ ...sdk, captureRequestBody: true, captureResponseBody: true }))
  app.use(express.json())
  type Res = { json(body: unknown): void }
  app.get('/hello', (_req: unknown, res: Res) => res.json({ hello: 'world' }))
  app.post('/items', (req: { body: { id: number } }, res: Res) => res.json({ got: req.body.id }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  return (server.address() as AddressInfo).port
}

let last = process.cpuUsage()
const port = await start()
process.stdout.write(`port ${port}\n`)
process.stdin.setEncoding('utf8')
process.stdin.on('data', (line: string) => {
  if (line.startsWith('reset')) last = process.cpuUsage()
  if (line.startsWith('cpu')) {
    const d = process.cpuUsage(last)
    process.stdout.write(`cpu ${d.user + d.system}\n`)
  }
})
