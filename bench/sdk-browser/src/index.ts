// bench/sdk-browser: the script-tag build's size against its budget, and the cost the SDK
// adds to fetch in real Chromium (1,000 fetches to a local server, with and without it).
// Usage: pnpm -C bench/sdk-browser bench   (builds packages/sdk-browser first when needed)
//        BENCH_CPU_PROF=/tmp/page.cpuprofile pnpm -C bench/sdk-browser bench   (also profiles one run with the SDK)
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { launchChromium } from '@echotrail/test-harness'
import { median, startBenchServers, timeFetches } from './bench-page.js'

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

const servers = await startBenchServers([iife])

const browser = await launchChromium()
try {
  const context = await browser.newContext()
  const without = await context.newPage()
  await without.goto(`${servers.origin}/page`)
  const withSdk = await context.newPage()
  await withSdk.goto(`${servers.origin}/page?b=0`)
  if (!(await withSdk.evaluate(() => typeof (globalThis as unknown as { Echotrail?: unknown }).Echotrail === 'object'))) throw new Error('SDK did not load')

  const run = (page: typeof without) => timeFetches(page, FETCHES)

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
  servers.close()
}
