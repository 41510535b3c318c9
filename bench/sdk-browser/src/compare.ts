// bench/sdk-browser compare: builds of the script tag against each other, interleaved in one
// Chromium, each in its own tab beside a tab without the SDK. By default fetch is stubbed
// before the tag (it answers at once, the SDK's own sends still go out), so the figure is
// the SDK's JavaScript per fetch, hand-offs included (20,000 fetches and a 1.1 s wait for
// the last hand-off per round): steady to ±0.5 µs, so small changes show. NET=1 fetches a
// local server instead, like `bench` (1,000 fetches): the cost a page sees, but noisy
// (±50 µs a run on the 2-vCPU machine).
// Usage: pnpm -C bench/sdk-browser compare A.min.js B.min.js …   (ROUNDS, N, NET=1)
import { readFileSync } from 'node:fs'
import { launchChromium } from '@echotrail/test-harness'
import { median, startBenchServers, timeFetches } from './bench-page.js'

const builds = process.argv.slice(2).map((file) => readFileSync(file))
const NET = process.env.NET === '1'
const N = Number(process.env.N ?? (NET ? 1000 : 20000))
const WAIT = NET ? 0 : 1100
const stub = NET ? '' : `<script>const real = fetch; window.fetch = function (u, init) { return String(u).includes('/v1/') ? real.apply(this, arguments) : Promise.resolve({ status: 200, text: () => Promise.resolve('') }) }</script>`
const servers = await startBenchServers(builds, stub)
const { origin } = servers
const browser = await launchChromium()
const context = await browser.newContext()
const pages = [await context.newPage()]
await pages[0]!.goto(`${origin}/page`)
for (let i = 0; i < builds.length; i++) {
  const p = await context.newPage()
  await p.goto(`${origin}/page?b=${i}`)
  pages.push(p)
}
// Stubbed: the last hand-off (1 s timer) runs inside the timed window.
const run = (page: (typeof pages)[number]) => timeFetches(page, N, WAIT)
for (const p of pages) await run(p)
const samples: number[][] = pages.map(() => [])
for (let round = 0; round < Number(process.env.ROUNDS ?? 5); round++) {
  const order = round % 2 ? [...pages.keys()].reverse() : [...pages.keys()]
  for (const i of order) samples[i]!.push(await run(pages[i]!))
}
const base = median(samples[0]!)
console.log(`without: ${((base * 1000) / N).toFixed(2)} µs/fetch  [${samples[0]!.map((x) => ((x * 1000) / N).toFixed(1)).join(' ')}]`)
for (let i = 1; i < pages.length; i++) console.log(`build ${i - 1} (${process.argv[i + 1]}): +${(((median(samples[i]!) - base) * 1000) / N).toFixed(2)} µs/fetch  [${samples[i]!.map((x) => (((x - base) * 1000) / N).toFixed(1)).join(' ')}]`)
await browser.close()
servers.close()
