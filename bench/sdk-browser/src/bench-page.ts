// What every bench/sdk-browser script serves and runs: a stand-in collector, a page server
// and the timed loop of sequential fetches (index.ts, trace.ts and compare.ts).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestBrowser } from '@echotrail/test-harness'

/** A page of the harness's Chromium (playwright-core is the harness's dependency, not ours). */
export type Page = Awaited<ReturnType<Awaited<ReturnType<TestBrowser['newContext']>>['newPage']>>

/** The two local servers of a bench run. */
export interface BenchServers {
  /** Origin of the pages and of `/ping`: `/page` has no SDK, `/page?b=<i>` loads build `i`. */
  origin: string
  /** What the stand-in collector has received so far. */
  ingested: { requests: number; bytes: number }
  close(): void
}

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/**
 * Starts a stand-in collector on its own origin (as in production), answering 202 to
 * every batch so the SDK does all its work (events built, masked, queued in IndexedDB,
 * sent), and a page server that serves each of `builds` (script-tag files) at
 * `/sdk<i>.js`. `head` goes into every page before the tag (compare.ts stubs fetch there).
 */
export async function startBenchServers(builds: readonly Buffer[], head = ''): Promise<BenchServers> {
  const ingested = { requests: 0, bytes: 0 }
  const ingest = createServer((req, res) => {
    ingested.requests++
    req.on('data', (chunk: Buffer) => (ingested.bytes += chunk.length))
    req.on('end', () =>
      res.writeHead(202, { 'content-type': 'application/json', 'access-control-allow-origin': req.headers.origin ?? '*' }).end('{"accepted":0,"duplicates":0,"rejected":[]}'),
    )
  })
  const ingestOrigin = await listen(ingest)
  const pages = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/ping') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    const script = /^\/sdk(\d+)\.js$/.exec(url.pathname)
    if (script) return res.writeHead(200, { 'content-type': 'text/javascript' }).end(builds[Number(script[1])])
    const build = url.searchParams.get('b')
    const tag = build === null ? '' : `<script src="/sdk${build}.js" data-key="et_pk_benchbenchbenchbenchbench" data-endpoint="${ingestOrigin}" data-service="bench"></script>`
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head>${head}${tag}</head><body>bench</body></html>`)
  })
  const origin = await listen(pages)
  return {
    origin,
    ingested,
    close() {
      pages.close()
      ingest.close()
    },
  }
}

/**
 * Milliseconds for `n` sequential, awaited fetches of `/ping` with the body read (the
 * per-request cost a page sees), then `settleMs` of waiting inside the timed window
 * (so a hand-off timer that fires after the last fetch is counted) taken off again.
 */
export const timeFetches = (page: Page, n: number, settleMs = 0): Promise<number> =>
  page.evaluate(
    async ([count, settle]) => {
      const start = performance.now()
      for (let i = 0; i < count; i++) await (await fetch(`/ping?i=${i}`)).text()
      if (settle > 0) await new Promise((resolve) => setTimeout(resolve, settle))
      return performance.now() - start - settle
    },
    [n, settleMs] as const,
  )

/** The median of `values` (the upper one of an even count). */
export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
