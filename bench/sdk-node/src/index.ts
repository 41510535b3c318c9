// bench/sdk-node: req/s and CPU µs per request of Express 5 and Fastify apps, bare vs with
// the SDK, app pinned to CPU 0 and load generator (this process) to CPU 1, configurations
// interleaved over rounds, medians printed. Every request is recorded (no sampling), and the
// bench checks it: the sink counts the events it received against the requests served.
// See README.md for the method and what each column means.
import autocannon from 'autocannon'
import type { ChildProcess } from 'node:child_process'
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startSink } from './sink'
import { threadCpu } from './thread-cpu'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4)
// BENCH_ONLY=<regexp> runs the matching cases only; BENCH_CPU_PROF=<dir> writes a V8 CPU
// profile of every app process and of the per-event measurement there (node --cpu-prof), to explain a ratio.
const ONLY = process.env.BENCH_ONLY === undefined ? undefined : new RegExp(process.env.BENCH_ONLY)
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF
// BENCH_CPU_PROF_INTERVAL_US=<µs> samples more often than V8's 1 ms, for costs of a few µs per request.
const CPU_PROF_FLAGS = process.env.BENCH_CPU_PROF_INTERVAL_US === undefined ? [] : ['--cpu-prof-interval', process.env.BENCH_CPU_PROF_INTERVAL_US]
// Apps resolve @echotrail/* to the built dist (what users install), not to workspace source:
// tsx's transform of source adds a __name() call to every closure the SDK makes per request.
const RUN_TSCONFIG = fileURLToPath(new URL('../tsconfig.run.json', import.meta.url))
const pin = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && process.env.BENCH_NO_PIN === undefined
if (process.env.BENCH_CHILD === undefined) {
  // Re-exec this process on CPU 1 (the apps go to CPU 0) and with the run tsconfig.
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)]
  const [cmd, ...args] = pin ? ['taskset', '-c', '1', ...argv] : argv
  const r = spawnSync(cmd!, args, { stdio: 'inherit', env: { ...process.env, BENCH_CHILD: '1', TSX_TSCONFIG_PATH: RUN_TSCONFIG } })
  process.exit(r.status ?? 1)
}

const sink = await startSink()
const BODY = JSON.stringify({ id: 1, name: 'x'.repeat(900), password: 'hunter2', tags: ['a', 'b'] })
type Case = { name: string; config: string; method: 'GET' | 'POST'; baseline?: string; sdk?: true }
const ALL_CASES: Case[] = [
  { name: 'express bare GET', config: 'express-bare', method: 'GET' },
  { name: 'express empty middleware GET', config: 'express-empty', method: 'GET', baseline: 'express bare GET' },
  { name: 'express + sdk GET', config: 'express-sdk', method: 'GET', baseline: 'express bare GET', sdk: true },
  { name: 'express bare POST 1KB', config: 'express-bare', method: 'POST' },
  { name: 'express + sdk bodies POST 1KB', config: 'express-sdk-bodies', method: 'POST', baseline: 'express bare POST 1KB', sdk: true },
  { name: 'fastify bare GET', config: 'fastify-bare', method: 'GET' },
  { name: 'fastify + plugin GET', config: 'fastify-sdk', method: 'GET', baseline: 'fastify bare GET', sdk: true },
]
const CASES = ALL_CASES.filter((c) => ONLY === undefined || ONLY.test(c.name))

/** Node with tsx and the run tsconfig, pinned to CPU 0 when pinning. */
function spawnPinned(script: string, args: string[], extraNodeArgs: string[] = []): ChildProcess {
  const argv = [process.execPath, ...extraNodeArgs, '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args]
  const [cmd, ...rest] = pin ? ['taskset', '-c', '0', ...argv] : argv
  return spawn(cmd!, rest, { stdio: ['pipe', 'pipe', 'inherit'] })
}

/** Resolves with the rest of the next stdout line of `child` starting with `prefix`. */
function lineOf(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    const onData = (d: string) => {
      out += d
      const line = out.split('\n').find((l) => l.startsWith(`${prefix} `))
      if (line === undefined) return
      child.stdout!.off('data', onData)
      child.off('exit', onExit)
      resolve(line.slice(prefix.length + 1))
    }
    const onExit = () => reject(new Error(`the child exited before printing "${prefix}"`))
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
  })
}

interface Measured {
  rps: number
  cpuUsPerReq: number
  /** Share of one core the app used during the measurement: below ~0.9 the load generator, not the app, was the limit. */
  busy: number
  /** CPU µs per request of the app's other threads (libuv threadpool: gzip; V8 helpers), when /proc tells. */
  poolUsPerReq: number
  served: number
  recorded: number
  dropped: number
}

async function runCase(c: Case): Promise<Measured> {
  const prof = CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', `${CPU_PROF_DIR}/${c.config}-${c.method}-${Date.now()}`, ...CPU_PROF_FLAGS]
  const child = spawnPinned('./app.ts', [c.config, sink.url], prof)
  const port = Number(await lineOf(child, 'port'))
  const eventsBefore = sink.events()
  const opts = {
    url: `http://127.0.0.1:${port}${c.method === 'GET' ? '/hello' : '/items'}`,
    method: c.method,
    connections: 50,
    pipelining: 1,
    ...(c.method === 'POST' ? { body: BODY, headers: { 'content-type': 'application/json' } } : {}),
  }
  await autocannon({ ...opts, duration: 1 }) // warm-up
  const threadsBefore = threadCpu(child.pid)
  child.stdin!.write('reset\n')
  const started = process.hrtime.bigint()
  const result = await autocannon({ ...opts, duration: SECONDS })
  const wallUs = Number(process.hrtime.bigint() - started) / 1_000
  const cpu = lineOf(child, 'cpu')
  child.stdin!.write('cpu\n')
  const cpuUs = Number(await cpu)
  const threadsAfter = threadCpu(child.pid)
  const stats = lineOf(child, 'stats')
  child.stdin!.write('stats\n')
  const s = JSON.parse(await stats) as { served: number; sent: number; dropped: number }
  // SIGTERM: the app exits on its own, so --cpu-prof gets to write its profile.
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  return {
    rps: result.requests.average,
    cpuUsPerReq: cpuUs / result.requests.total,
    busy: cpuUs / wallUs,
    poolUsPerReq: threadsBefore && threadsAfter ? (threadsAfter.othersUs - threadsBefore.othersUs) / result.requests.total : Number.NaN,
    served: s.served,
    recorded: sink.events() - eventsBefore,
    dropped: s.dropped,
  }
}

async function eventCost(): Promise<string> {
  const prof = CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', `${CPU_PROF_DIR}/event-cost-${Date.now()}`, ...CPU_PROF_FLAGS]
  const child = spawnPinned('./event-cost.ts', [sink.url], prof)
  const line = await lineOf(child, 'eventcost')
  await new Promise((r) => child.once('exit', r))
  return line
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const results = new Map<string, Measured[]>(CASES.map((c) => [c.name, []]))
for (let round = 1; round <= ROUNDS; round++) {
  // Every other round runs the cases backwards, so a drift in the machine's load does not
  // always hit the same side of a pair.
  for (const c of round % 2 === 1 ? CASES : [...CASES].reverse()) results.get(c.name)!.push(await runCase(c))
  process.stderr.write(`round ${round}/${ROUNDS} done\n`)
}
const perEvent = await eventCost()

const med = (name: string, key: keyof Measured) => median(results.get(name)!.map((m) => m[key]))
const has = (name: string | undefined): name is string => name !== undefined && results.has(name)
console.log(`bench/sdk-node — ${ROUNDS} rounds × ${SECONDS} s, medians; app on CPU 0, load on CPU 1${pin ? '' : ' (NOT pinned)'}; 50 connections`)
console.log(
  'case'.padEnd(31),
  'req/s'.padStart(7),
  'CPU µs/req'.padStart(11),
  'busy'.padStart(5),
  'ratio'.padStart(6),
  'CPU ratio'.padStart(10),
  'SDK µs/req'.padStart(11),
  'pool µs/req'.padStart(12),
  '  recorded',
)
for (const c of CASES) {
  const rps = med(c.name, 'rps')
  const cpu = med(c.name, 'cpuUsPerReq')
  const ratio = has(c.baseline) ? (rps / med(c.baseline, 'rps')).toFixed(3) : c.baseline === undefined ? '1.000' : '—'
  const cpuRatio = has(c.baseline) ? (med(c.baseline, 'cpuUsPerReq') / cpu).toFixed(3) : c.baseline === undefined ? '1.000' : '—'
  const sdkUs = has(c.baseline) && c.sdk ? (cpu - med(c.baseline, 'cpuUsPerReq')).toFixed(1) : ''
  const runs = results.get(c.name)!
  const served = runs.reduce((n, m) => n + m.served, 0)
  const recorded = runs.reduce((n, m) => n + m.recorded, 0)
  const dropped = runs.reduce((n, m) => n + m.dropped, 0)
  const tally = c.sdk ? `${recorded}/${served}${dropped > 0 ? `, ${dropped} dropped` : ''}` : ''
  console.log(
    c.name.padEnd(31),
    rps.toFixed(0).padStart(7),
    cpu.toFixed(1).padStart(11),
    med(c.name, 'busy').toFixed(2).padStart(5),
    ratio.padStart(6),
    cpuRatio.padStart(10),
    sdkUs.padStart(11),
    (Number.isNaN(med(c.name, 'poolUsPerReq')) ? '—' : med(c.name, 'poolUsPerReq').toFixed(2)).padStart(12),
    ` ${tally}`,
  )
}
const [eventUs, eventStats] = perEvent.split(' ')
console.log(`SDK CPU per captured event (no bodies, delivery included): ${eventUs} µs ${eventStats}`)
console.log('goals: express+sdk GET ≥ 0.85, express+sdk bodies POST ≥ 0.80, fastify+plugin ≥ 0.80, ≤ 5 µs per event')
console.log('ratio: req/s against the bare app; CPU ratio: bare CPU µs/req ÷ this one (the capacity ratio, which a starved load generator cannot flatter); busy < 0.9: the load generator was the limit')
console.log('pool: CPU of the app threads other than the main one (gzip on the libuv threadpool, V8 helpers), included in CPU µs/req: pinned to CPU 0 like the rest')
sink.close()
