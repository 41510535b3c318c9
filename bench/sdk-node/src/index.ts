// bench/sdk-node: req/s and CPU µs per request of Express 5 and Fastify apps, bare vs with
// the SDK, app pinned to CPU 0 and load generator (this process) to CPU 1, configurations
// interleaved over rounds, medians printed. Every request is recorded (no sampling).
import autocannon from 'autocannon'
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { createClient } from '@echotrail/node'
import { createRequestCapture } from '@echotrail/node/http'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4)
const pin = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && process.env.BENCH_NO_PIN === undefined
if (pin && process.env.BENCH_PINNED === undefined) {
  // Re-exec this process on CPU 1; the apps go to CPU 0.
  const r = spawnSync('taskset', ['-c', '1', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' },
  })
  process.exit(r.status ?? 1)
}

// A collector stand-in that accepts every batch (the real one would compete for the cores).
let received = 0
const sink = createServer((req, res) => {
  req.on('data', () => undefined)
  req.on('end', () => {
    received += 1
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":0,"duplicates":0,"rejected":[]}')
  })
})
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r))
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`

const BODY = JSON.stringify({ id: 1, name: 'x'.repeat(900), password: 'hunter2', tags: ['a', 'b'] })
type Case = { name: string; config: string; method: 'GET' | 'POST' }
const CASES: Case[] = [
  { name: 'express bare GET', config: 'express-bare', method: 'GET' },
  { name: 'express empty middleware GET', config: 'express-empty', method: 'GET' },
  { name: 'express + sdk GET', config: 'express-sdk', method: 'GET' },
  { name: 'express bare POST 1KB', config: 'express-bare', method: 'POST' },
  { name: 'express + sdk bodies POST 1KB', config: 'express-sdk-bodies', method: 'POST' },
  { name: 'fastify bare GET', config: 'fastify-bare', method: 'GET' },
  { name: 'fastify + plugin GET', config: 'fastify-sdk', method: 'GET' },
]

async function runCase(c: Case): Promise<{ rps: number; cpuUsPerReq: number }> {
  const app = fileURLToPath(new URL('./app.ts', import.meta.url))
  const args = ['--import', 'tsx', app, c.config, sinkUrl]
  const child = pin ? spawn('taskset', ['-c', '0', process.execPath, ...args]) : spawn(process.execPath, args)
  let out = ''
  child.stdout!.setEncoding('utf8')
  const next = (prefix: string) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const line = out.split('\n').find((l) => l.startsWith(prefix))
        if (line) {
          out = out.replace(`${line}\n`, '')
          child.stdout!.off('data', onData)
          resolve(line.slice(prefix.length + 1))
        }
      }
      const onData = (d: string) => ((out += d), check())
      child.stdout!.on('data', onData)
      check()
    })
  const port = Number(await next('port'))
  const opts = {
    url: `http://127.0.0.1:${port}${c.method === 'GET' ? '/hello' : '/items'}`,
    method: c.method,
    connections: 50,
    pipelining: 1,
    ...(c.method === 'POST' ? { body: BODY, headers: { 'content-type': 'application/json' } } : {}),
  }
  await autocannon({ ...opts, duration: 1 }) // warm-up
  child.stdin!.write('reset\n')
  const result = await autocannon({ ...opts, duration: SECONDS })
  child.stdin!.write('cpu\n')
  const cpuUs = Number(await next('cpu'))
  child.kill()
  return { rps: result.requests.average, cpuUsPerReq: cpuUs / result.requests.total }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const results = new Map<string, { rps: number[]; cpu: number[] }>(CASES.map((c) => [c.name, { rps: [], cpu: [] }]))
for (let round = 1; round <= ROUNDS; round++) {
  for (const c of CASES) {
    const r = await runCase(c)
    results.get(c.name)!.rps.push(r.rps)
    results.get(c.name)!.cpu.push(r.cpuUsPerReq)
  }
  process.stderr.write(`round ${round}/${ROUNDS} done\n`)
}

// SDK CPU per captured event, in-process: begin + end + mask + serialise + enqueue.
function sdkCpuPerEvent(): number {
  const client = createClient({ apiKey: 'et_sk_bench', endpoint: sinkUrl, maxQueueEvents: 1_000_000, maxQueueBytes: 1_000_000_000, flushIntervalMs: 60_000, logger: () => {} })
  const capture = createRequestCapture({ client })
  const headers = { 'user-agent': 'autocannon', accept: 'application/json', host: '127.0.0.1' }
  const run = (n: number) => {
    for (let i = 0; i < n; i++) capture.begin({}, 'GET', `/users/${i}?page=2`, headers, '127.0.0.1')!.end(200)
  }
  run(20_000)
  const n = 100_000
  const before = process.cpuUsage()
  const t = performance.now()
  run(n)
  const d = process.cpuUsage(before)
  void t
  void client.shutdown(1)
  return (d.user + d.system) / n
}

const bare = (name: string) => median(results.get(name)!.rps)
console.log(`bench/sdk-node — ${ROUNDS} rounds × ${SECONDS} s, medians; app on CPU 0, load on CPU 1${pin ? '' : ' (NOT pinned)'}`)
console.log('case'.padEnd(34), 'req/s'.padStart(9), 'CPU µs/req'.padStart(11), 'ratio'.padStart(7))
const base: Record<string, string> = {
  'express empty middleware GET': 'express bare GET',
  'express + sdk GET': 'express bare GET',
  'express + sdk bodies POST 1KB': 'express bare POST 1KB',
  'fastify + plugin GET': 'fastify bare GET',
}
for (const c of CASES) {
  const r = results.get(c.name)!
  const ratio = base[c.name] ? (median(r.rps) / bare(base[c.name]!)).toFixed(3) : '1.000'
  console.log(c.name.padEnd(34), median(r.rps).toFixed(0).padStart(9), median(r.cpu).toFixed(1).padStart(11), ratio.padStart(7))
}
console.log(`SDK CPU per captured event (no bodies): ${sdkCpuPerEvent().toFixed(2)} µs; batches received by the sink: ${received}`)
console.log('goals: express+sdk GET ≥ 0.85, express+sdk bodies POST ≥ 0.80, fastify+plugin ≥ 0.80, ≤ 5 µs per event')
sink.close()
