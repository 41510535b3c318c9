// One benchmarked app in its own process (pinned by the parent): `tsx src/app.ts <config> <sinkUrl>`.
// Prints its port, then answers on stdin: "reset" starts a CPU measurement, "cpu" prints
// the CPU µs since then, "stats" flushes the SDK and prints what it recorded.
import Fastify from 'fastify'
import { createRequire } from 'node:module'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { echotrail } from '@echotrail/express'
import type { NodeClient } from '@echotrail/node'
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
// Requests answered, to compare with the events the sink received.
let served = 0
let client: NodeClient | undefined

async function start(): Promise<number> {
  if (config.startsWith('fastify')) {
    const app = Fastify()
    if (config === 'fastify-sdk') await app.register(echotrailFastify, sdk)
    app.get('/hello', async () => (served++, { hello: 'world' }))
    app.post('/items', async (request) => (served++, { got: (request.body as { id: number }).id }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    if (config === 'fastify-sdk') client = app.echotrail
    return (app.server.address() as AddressInfo).port
  }
  const app = express()
  if (config === 'express-empty') app.use((_req: unknown, _res: unknown, next: () => void) => next())
  if (config === 'express-sdk' || config === 'express-sdk-bodies') {
    const middleware = echotrail(config === 'express-sdk' ? sdk : { ...sdk, captureRequestBody: true, captureResponseBody: true })
    client = middleware.client
    app.use(middleware)
  }
  app.use(express.json())
  type Res = { json(body: unknown): void }
  app.get('/hello', (_req: unknown, res: Res) => (served++, res.json({ hello: 'world' })))
  app.post('/items', (req: { body: { id: number } }, res: Res) => (served++, res.json({ got: req.body.id })))
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
  if (line.startsWith('stats')) {
    void (async () => {
      const delivered = client === undefined ? true : await client.flush(10_000)
      const s = client?.stats()
      process.stdout.write(`stats ${JSON.stringify({ served, delivered, sent: s?.sent ?? 0, dropped: s?.dropped ?? 0, queued: s?.queued ?? 0 })}\n`)
    })()
  }
})
// An orderly exit, so that `--cpu-prof` writes its profile; a profiled app also says how
// many requests it answered (warm-up included), to read the profile per request.
process.on('SIGTERM', () => {
  if (process.execArgv.includes('--cpu-prof')) process.stderr.write(`profiled ${config}: ${served} requests\n`)
  process.exit(0)
})
