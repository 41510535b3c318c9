// bench/sdk-browser trace: where the SDK's cost lands in Chromium. Runs the bench's 1,000
// sequential fetches four times (without, with, without, with the script tag) under a
// Chromium trace across processes, and prints CPU time per process and thread, then the
// renderer main thread's self wall time by trace event name, with minus without (mean of
// the two pairs). The V8 profile (BENCH_CPU_PROF in index.ts) sees only JS; this also
// sees the microtask checkpoints, timer and IndexedDB callbacks and Blink's own work.
// Usage: pnpm -C bench/sdk-browser trace   (uses packages/sdk-browser/dist as built)
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@echotrail/test-harness'
import { startBenchServers, timeFetches } from './bench-page.js'

const packageDir = fileURLToPath(new URL('../../../packages/sdk-browser/', import.meta.url))
const iife = readFileSync(`${packageDir}dist/echotrail.min.js`)
const servers = await startBenchServers([iife])
const { ingested } = servers
const browser = await launchChromium()
const context = await browser.newContext()
const run = (page: Awaited<ReturnType<typeof context.newPage>>) => timeFetches(page, 1000)
const allByName: Map<string, number>[] = []
for (const mode of ['without', 'with', 'without', 'with']) {
  const page = await context.newPage()
  await page.goto(`${servers.origin}/page${mode === 'with' ? '?b=0' : ''}`)
  await run(page)
  const before = { ...ingested }
  await browser.browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'IndexedDB', 'loading', 'net'] })
  const ms = await run(page)
  const buf = await browser.browser.stopTracing()
  const trace = JSON.parse(buf.toString()) as { traceEvents: { ph: string; pid: number; tid: number; name: string; dur?: number; tdur?: number; args?: { name?: string } }[] }
  const names = new Map<string, string>()
  const pnames = new Map<number, string>()
  for (const e of trace.traceEvents) {
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?')
    if (e.ph === 'M' && e.name === 'process_name') pnames.set(e.pid, e.args?.name ?? '?')
  }
  const busy = new Map<string, number>()
  const tasks = new Map<string, number>()
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X' || !e.name.includes('RunTask') && e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'ThreadPool_RunTask') continue
    const k = `${pnames.get(e.pid) ?? e.pid} / ${names.get(`${e.pid}:${e.tid}`) ?? e.tid}`
    busy.set(k, (busy.get(k) ?? 0) + (e.tdur ?? e.dur ?? 0))
    tasks.set(k, (tasks.get(k) ?? 0) + 1)
  }
  const byName = new Map<string, number>()
  // Self time per name on the renderer main thread (wall time, nesting by ts/dur).
  const mains = (trace.traceEvents as unknown as { ph: string; pid: number; tid: number; name: string; ts: number; dur?: number }[])
    .filter((e) => e.ph === 'X' && e.dur !== undefined && names.get(`${e.pid}:${e.tid}`) === 'CrRendererMain')
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
  const stack: { end: number; name: string; child: number; dur: number }[] = []
  const pop = () => { const f = stack.pop()!; byName.set(f.name, (byName.get(f.name) ?? 0) + f.dur - f.child); byName.set('#' + f.name, (byName.get('#' + f.name) ?? 0) + 1) }
  for (const e of mains) {
    while (stack.length && stack[stack.length - 1]!.end <= e.ts) pop()
    if (stack.length) stack[stack.length - 1]!.child += e.dur!
    stack.push({ end: e.ts + e.dur!, name: e.name, child: 0, dur: e.dur! })
  }
  while (stack.length) pop()
  allByName.push(byName)
  console.log(`\n== ${mode}: ${ms.toFixed(0)} ms; ingest ${ingested.requests - before.requests} requests ${((ingested.bytes - before.bytes) / 1000).toFixed(0)} kB`)
  for (const [k, v] of [...busy].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`  ${(v / 1000).toFixed(0).padStart(6)} ms cpu  ${String(tasks.get(k)).padStart(6)} tasks  ${k}`)
  await page.close()
}
const keys = new Set(allByName.flatMap((m) => [...m.keys()]))
const rows = [...keys].map((k) => [k, ((allByName[1]!.get(k) ?? 0) + (allByName[3]!.get(k) ?? 0) - (allByName[0]!.get(k) ?? 0) - (allByName[2]!.get(k) ?? 0)) / 2, ((allByName[0]!.get(k) ?? 0) + (allByName[2]!.get(k) ?? 0)) / 2] as const)
console.log('\nrenderer main thread, with minus without (ms, mean of 2), then without:')
for (const [k, d, w] of rows.filter((r) => !r[0].startsWith('#')).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, 30)) console.log(`  ${(d / 1000).toFixed(1).padStart(7)}  ${(w / 1000).toFixed(1).padStart(7)}  n=${(allByName[1]!.get('#' + k) ?? 0)}/${(allByName[0]!.get('#' + k) ?? 0)}  ${k}`)
await browser.close()
servers.close()
