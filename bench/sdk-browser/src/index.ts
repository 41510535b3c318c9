// bench/sdk-browser: the script-tag build's size against its budget, and the cost the SDK
// adds to fetch in real Chromium (1,000 fetches to a local server, with and without it).
// Usage: pnpm -C bench/sdk-browser bench   (builds packages/sdk-browser first when needed)
//        BENCH_CPU_PROF=/tmp/page.cpuprofile pnpm -C bench/sdk-browser bench   (also profiles one run with the SDK)
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { launchChromium } from '@echotrail/test-harness'

const GOAL_BYTES = 6 * 1_000
const FETCHES = 1_000
const ROUNDS = Number(process.env.ROUNDS ?? 7)
const RATIO_GOAL = 1.1

const packageDir = fileURLToPath(new URL('../../../packages/sdk-browser/', import.meta.url))
const iifePath = `${packageDir}dist/echotrail.min.js`
if (!existsSync(iifePath) || process.env.REBUILD === '1') {
  const build = spawnSync('pnpm', ['build'], { cwd: packageDir, stdio: 'inherit' })
  if (build.status !== 0) process.exit(1)
}
const iife = readFileSync(iifePath)
const limit = (JSON.parse(readFileSync(`${packageDir}.size-limit.json`, 'utf8')) as { limit: string }[])[0]!.limit
const gzipped = gzipSync(iife, { level: 9 }).length

console.log('@echotrail/browser — dist/echotrail.min.js')
console.log(`  minified ${(iife.length / 1_000).toFixed(2)} kB, min+gzip ${(gzipped / 1_000).toFixed(2)} kB`)
console.log(`  goal ≤ ${GOAL_BYTES / 1_000} kB: ${gzipped <= GOAL_BYTES ? 'met' : `missed by ${((gzipped - GOAL_BYTES) / 1_000).toFixed(2)} kB`}; size-limit budget in pnpm lint: ${limit}`)

// One origin serves the pages and the fetched endpoint; a stand-in collector on another
// origin (as in production) answers 202 to every batch, so the SDK does all its work:
// events built, masked, queued in IndexedDB, sent.
const ingest = createServer((req, res) => {
  req.resume()
  req.on('end', () =>
    res.writeHead(202, { 'content-type': 'application/json', 'access-control-allow-origin': req.headers.origin ?? '*' }).end('{"accepted":0,"duplicates":0,"rejected":[]}'),
  )
})
await new Promise<void>((resolve) => ingest.listen(0, '127.0.0.1', resolve))
const ingestOrigin = `http://127.0.0.1:${(ingest.address() as AddressInfo).port}`
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x')
  if (url.pathname === '/sdk.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(iife)
  if (url.pathname === '/ping') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
  const tag = url.searchParams.has('sdk')
    ? `<script src="/sdk.js" data-key="et_pk_benchbenchbenchbenchbench" data-endpoint="${ingestOrigin}" data-service="bench"></script>`
    : ''
  res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head>${tag}</head><body>bench</body></html>`)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const browser = await launchChromium()
try {
  const context = await browser.newContext()
  const without = await context.newPage()
  await without.goto(`${origin}/page`)
  const withSdk = await context.newPage()
  await withSdk.goto(`${origin}/page?sdk`)
  if (!(await withSdk.evaluate(() => typeof (globalThis as unknown as { Echotrail?: unknown }).Echotrail === 'object'))) throw new Error('SDK did not load')

  // Sequential, awaited fetches with the body read: the per-request cost a page sees.
  const run = (page: typeof without) =>
    page.evaluate(async (n) => {
      const start = performance.now()
      for (let i = 0; i < n; i++) await (await fetch(`/ping?i=${i}`)).text()
      return performance.now() - start
    }, FETCHES)

  await run(without)
  await run(withSdk)
  const samples = { without: [] as number[], with: [] as number[] }
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate who goes first, so drift in the machine's speed hits both alike.
    if (round % 2 === 0) {
      samples.without.push(await run(without))
      samples.with.push(await run(withSdk))
    } else {
      samples.with.push(await run(withSdk))
      samples.without.push(await run(without))
    }
  }
  // BENCH_CPU_PROF=FILE: one more run with the SDK under V8's profiler, written as a
  // .cpuprofile (bench/ingest's show-profile.ts prints its top functions).
  const profileFile = process.env.BENCH_CPU_PROF
  if (profileFile) {
    const cdp = await context.newCDPSession(withSdk)
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
    await cdp.send('Profiler.start')
    await run(withSdk)
    const { profile } = await cdp.send('Profiler.stop')
    writeFileSync(profileFile, JSON.stringify(profile))
    console.log(`  CPU profile of one run with the SDK: ${profileFile}`)
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const a = median(samples.without)
  const b = median(samples.with)
  const stats = await withSdk.evaluate(async () => {
    const E = (globalThis as unknown as { Echotrail: { flush(t: number): Promise<boolean>; stats(): { sent: number; dropped: number } } }).Echotrail
    await E.flush(10_000)
    return E.stats()
  })
  console.log(`\n${FETCHES} sequential fetches in Chromium, median of ${ROUNDS} interleaved rounds`)
  console.log(`  without SDK ${a.toFixed(0)} ms (${((a * 1_000) / FETCHES).toFixed(0)} µs/fetch)`)
  console.log(`  with SDK    ${b.toFixed(0)} ms (${((b * 1_000) / FETCHES).toFixed(0)} µs/fetch)`)
  console.log(`  ratio ${(b / a).toFixed(3)} (goal ≤ ${RATIO_GOAL}: ${b / a <= RATIO_GOAL ? 'met' : 'missed'}); events sent ${stats.sent}, dropped ${stats.dropped}`)
} finally {
  await browser.close()
  server.close()
  ingest.close()
}
