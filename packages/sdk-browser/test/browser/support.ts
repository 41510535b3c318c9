import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { connect, runCliProcess, startCollectorProcess, type TestCollectorProcess } from '@echotrail/test-harness'
import { rollup } from 'rollup'
import nodeResolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'
import { codedErrors, terserOptions } from '../../iife-build.mjs'

const packageDir = fileURLToPath(new URL('../..', import.meta.url))

let iife: Promise<string> | undefined
/**
 * The script-tag build, made from the sources now (never a stale dist/), with the
 * shipped build's coded messages and minifier, so the suites prove what the tag ships.
 */
export function buildIife(): Promise<string> {
  iife ??= (async () => {
    const bundle = await rollup({
      input: `${packageDir}/src/iife.ts`,
      plugins: [
        codedErrors,
        nodeResolve({ browser: true, rootDir: packageDir }),
        typescript({ tsconfig: `${packageDir}/tsconfig.build.json`, declaration: false, outDir: `${packageDir}/dist`, noEmitOnError: true }),
      ],
      onwarn: () => {},
    })
    const { output } = await bundle.generate({ format: 'iife', plugins: [terser(terserOptions)] })
    await bundle.close()
    return output[0].code
  })()
  return iife
}

/** A node:http server on 127.0.0.1 with its origin. */
export interface TestServer {
  readonly server: Server
  readonly origin: string
  readonly port: number
  close(): Promise<void>
}

/** Listens on 127.0.0.1 (`port` 0 = any free one). */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<TestServer> {
  const server = createServer(handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const actual = (server.address() as AddressInfo).port
  return {
    server,
    port: actual,
    origin: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A port nothing listens on: a request to it is refused at once. */
export async function closedPort(): Promise<number> {
  const probe = await listen(() => {})
  await probe.close()
  return probe.port
}

/** Options of the SDK as `data-` attributes of its script tag. */
export type ScriptData = Record<string, string>

const scriptTag = (data: ScriptData | undefined): string =>
  data === undefined
    ? ''
    : `<script src="/sdk.js" ${Object.entries(data)
        .map(([k, v]) => `data-${k}="${v.replace(/"/g, '&quot;')}"`)
        .join(' ')}></script>`

/**
 * The page server: `/page?sdk=<name>` is an empty page, with the SDK configured by the
 * named `data-` set; `/api/*` are the endpoints the pages call.
 */
export async function startPageServer(sdkConfigs: Record<string, ScriptData> = {}, port = 0): Promise<TestServer & { hits: string[] }> {
  const code = await buildIife()
  const hits: string[] = []
  const server = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname.startsWith('/api/')) hits.push(`${req.method} ${url.pathname}`)
    switch (url.pathname) {
      case '/sdk.js':
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(code)
        return
      case '/page': {
        const name = url.searchParams.get('sdk')
        const data = name === null ? undefined : sdkConfigs[name]
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head>${scriptTag(data)}</head><body>test page</body></html>`)
        return
      }
      case '/api/json':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: 'world', n: 1 }))
        return
      case '/api/text':
        readAll(req).then((body) => res.writeHead(201, { 'content-type': 'text/plain' }).end(`got ${req.method} ${body}`))
        return
      case '/api/blob':
        res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([137, 80, 78, 71, 1, 2, 3, 4]))
        return
      case '/api/xml':
        res.writeHead(200, { 'content-type': 'text/xml' }).end('<root><item>1</item></root>')
        return
      case '/api/stream': {
        res.writeHead(200, { 'content-type': 'text/plain' })
        let i = 0
        const timer = setInterval(() => {
          res.write(`chunk${i};`)
          if (++i === 5) {
            clearInterval(timer)
            res.end()
          }
        }, 20)
        return
      }
      case '/api/redirect':
        res.writeHead(302, { location: '/api/json' }).end()
        return
      case '/api/missing':
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"nope"}')
        return
      case '/api/slow':
        setTimeout(() => res.writeHead(200).end('slow'), 1_000).unref()
        return
      case '/api/hang':
        return // never answers
      default:
        res.writeHead(404).end()
    }
  }, port)
  return { ...server, hits }
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => resolve(body))
    req.on('error', () => resolve(body))
  })
}

/** A request the ingest proxy forwarded. */
export interface ProxiedRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
  readonly status: number
  readonly answer: string
}

/**
 * An HTTP proxy in front of the collector on a port that never changes, so a page keeps
 * one endpoint while the collector process is stopped and restarted (on a new port).
 * `goOffline()` closes the port: connections are refused, as when the collector is down.
 */
export interface IngestProxy {
  readonly origin: string
  readonly requests: ProxiedRequest[]
  goOffline(): Promise<void>
  goOnline(upstream: string): Promise<void>
  close(): Promise<void>
}

export async function startIngestProxy(upstream: string): Promise<IngestProxy> {
  let target = upstream
  const requests: ProxiedRequest[] = []
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void readAll(req).then((body) => {
      const to = new URL(req.url ?? '/', target)
      const out = httpRequest(to, { method: req.method, headers: { ...req.headers, host: to.host } }, (answer) => {
        void readAll(answer).then((answerBody) => {
          requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, status: answer.statusCode ?? 0, answer: answerBody })
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          res.end(answerBody)
        })
      })
      out.on('error', () => res.destroy())
      out.end(body)
    })
  }
  let server = await listen(handler)
  const port = server.port
  return {
    origin: server.origin,
    requests,
    goOffline: () => server.close(),
    async goOnline(next) {
      target = next
      server = await listen(handler, port)
    },
    close: () => server.close(),
  }
}

/** A real collector process on a fresh database, with a publishable key for `origins`. */
export async function startCollectorWithKey(origins: string[]): Promise<{ collector: TestCollectorProcess; publishableKey: string }> {
  const collector = await startCollectorProcess()
  const publishableKey = await createPublishableKey(collector, origins)
  return { collector, publishableKey }
}

/** `echotrail keys create --kind publishable --origin …` against `collector`'s store. */
export async function createPublishableKey(collector: TestCollectorProcess, origins: string[]): Promise<string> {
  const args = ['keys', 'create', '--kind', 'publishable', ...origins.flatMap((o) => ['--origin', o])]
  const { code, output } = await runCliProcess(args, collector.env)
  const key = /^(et_pk_[A-Za-z0-9_-]{20,})$/m.exec(output)?.[1]
  if (code !== 0 || !key) throw new Error(`keys create failed (${code}): ${output}`)
  return key
}

/** A stored event row. */
export interface StoredEvent {
  event_id: string
  method: string | null
  path: string | null
  status_code: number | null
  response_time_ms: number | null
  orphan: boolean
  source: string
  action: string
  request_id: string | null
  service_name: string | null
  event: Record<string, unknown>
}

/** Every event the collector stored, oldest first. */
export async function storedEvents(collector: TestCollectorProcess): Promise<StoredEvent[]> {
  const client = await connect(collector.env.DATABASE_URL)
  try {
    const { rows } = await client.query<StoredEvent>(
      `select event_id::text as event_id, method, path, status_code, response_time_ms, orphan, source, action, request_id, service_name, event
         from events order by seq`,
    )
    return rows
  } finally {
    await client.end()
  }
}

/** Polls `storedEvents` until `done` holds, or fails after `timeoutMs` showing what was stored. */
export async function waitForEvents(
  collector: TestCollectorProcess,
  done: (events: StoredEvent[]) => boolean,
  timeoutMs = 30_000,
): Promise<StoredEvent[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const events = await storedEvents(collector)
    if (done(events)) return events
    if (Date.now() > deadline) {
      throw new Error(`events not stored in ${timeoutMs} ms; stored: ${JSON.stringify(events.map((e) => [e.method, e.path, e.status_code, e.orphan]))}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}
