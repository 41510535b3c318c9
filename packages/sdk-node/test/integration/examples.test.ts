import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SdkTestCollector } from '../support/collector'
import { startTestCollector } from '../support/collector'

const run = promisify(execFile)
const SDK_DIR = fileURLToPath(new URL('../..', import.meta.url))
const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url))
const EXAMPLE_DIR = `${EXAMPLES}next`
const NEXT_BIN = `${EXAMPLE_DIR}/node_modules/next/dist/bin/next`
const NEXT_ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' }

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** `next start` of the built example, resolved once it answers on 127.0.0.1. */
async function startNext(port: number, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: EXAMPLE_DIR, env: { ...NEXT_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  while (!/Ready in/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`next start did not become ready:\n${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return { child, url, output: () => out }
}

/** Starts `node server.mjs` of an example on a free port and resolves with its URL once it listens. */
async function startExample(name: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['server.mjs'], { cwd: `${EXAMPLES}${name}`, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  const deadline = Date.now() + 30_000
  for (;;) {
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1]
    if (url !== undefined) return { child, url, output: () => out }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  child.kill('SIGTERM')
  return exited
}

// The examples run what users install: the built packages, rebuilt here so they are never stale
// (one file, so no other suite sees dist/ mid-build). core's dist, like the collector CLI, comes from `pnpm build`.
beforeAll(async () => {
  await run('pnpm', ['-C', SDK_DIR, 'build'], { env: process.env })
  await run('pnpm', ['-C', `${SDK_DIR}../sdk-express`, 'build'], { env: process.env })
}, 120_000)

describe.each([
  ['node-http', '/users/:id'],
  ['express', '/users/:id'],
  ['fastify', '/users/:id'],
  // node:http has no router: the example sets http.route on the server span itself.
  ['otel', '/users/:id'],
] as const)('the %s example against the real collector', (name, route) => {
  let collector: SdkTestCollector
  beforeAll(async () => {
    collector = await startTestCollector()
  })
  afterAll(async () => {
    await collector?.destroy()
  })

  it('stores exactly one event per request and delivers the queue when stopped', async () => {
    const app = await startExample(name, { ECHOTRAIL_API_KEY: collector.apiKey, ECHOTRAIL_ENDPOINT: collector.url })
    const ids = ['1', '2', '9', '1', '2']
    try {
      for (const id of ids) {
        const res = await fetch(`${app.url}/users/${id}`)
        expect(res.status).toBe(id === '9' ? 404 : 200)
        await res.arrayBuffer()
      }
    } finally {
      // Well inside the 1 s batch timer: what is stored was delivered by shutdown.
      expect(await stop(app.child), app.output()).toBe(0)
    }
    const events = await collector.events()
    expect(events, app.output()).toHaveLength(ids.length)
    expect(events.map((e) => e.path).sort()).toEqual(ids.map((id) => `/users/${id}`).sort())
    for (const e of events) {
      const id = String(e.path).split('/')[2]
      expect(e).toMatchObject({ method: 'GET', route, status_code: id === '9' ? 404 : 200, service_name: `example-${name}`, source: 'backend' })
    }
  })
})

describe('the Next.js example against the real collector', () => {
  let collector: SdkTestCollector
  let next: Awaited<ReturnType<typeof startNext>> | undefined
  beforeAll(async () => {
    await run(process.execPath, [NEXT_BIN, 'build'], { cwd: EXAMPLE_DIR, env: NEXT_ENV, maxBuffer: 16 * 1024 * 1024 })
    collector = await startTestCollector()
    next = await startNext(await freePort(), {
      ECHOTRAIL_API_KEY: collector.apiKey,
      ECHOTRAIL_ENDPOINT: collector.url,
      // Ten minutes: only the per-request flush the adapter hands to after() delivers in time.
      ECHOTRAIL_FLUSH_INTERVAL_MS: '600000',
    })
  }, 300_000)
  afterAll(async () => {
    if (next !== undefined) await stop(next.child)
    await collector?.destroy()
  })

  it('stores exactly one event per request to the route handler, with its route template and status', async () => {
    const ids = ['1', '2', '1', '404', '2', 'abc', '1', '2']
    for (const id of ids) {
      const res = await fetch(`${next!.url}/api/users/${id}?view=full`)
      expect(res.status).toBe(id === '1' || id === '2' ? 200 : 404)
      await res.arrayBuffer()
    }
    await collector.waitForEvents(ids.length, 20_000)
    // Anything extra (a duplicate, a health probe) would arrive by now.
    await new Promise((r) => setTimeout(r, 500))
    const events = await collector.events()
    expect(events, next!.output()).toHaveLength(ids.length)
    expect(events.map((e) => e.path).sort()).toEqual(ids.map((id) => `/api/users/${id}`).sort())
    for (const e of events) {
      const id = String(e.path).split('/')[3]
      expect(e).toMatchObject({
        method: 'GET',
        route: '/api/users/[id]',
        path_params: { id },
        status_code: id === '1' || id === '2' ? 200 : 404,
        query_params: { view: 'full' },
        service_name: 'example-next',
        source: 'backend',
      })
    }
  })
})
