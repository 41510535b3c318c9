/**
 * Ingest throughput of the collector against the fastest bulk write of the same
 * events, on PostgreSQL and on PGlite. See README.md for what each figure means.
 *
 *   pnpm build && pnpm -C bench/ingest bench
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { createTestDatabase } from '@echotrail/test-harness'
import pg from 'pg'
import { allowedCpus, canPin, migrateStore, spawnCollector, type CollectorProcess, type CollectorStorage } from './collector-process.js'
import { cpuShare, cpuSnapshot } from './cpu-usage.js'
import { copyParallel, createCleanup, fmt, intEnv, reexecPinned, storedCount } from './common.js'
import { copyPayloads, copySql, generateEvents, sizeStats, type BenchEvent } from './events.js'
import { median, quantile, runLoad, type LoadResult } from './load.js'

const LOADGEN_CPU = '0'
const COLLECTOR_CPU = '1'

await reexecPinned(LOADGEN_CPU)

const cfg = {
  events: intEnv('BENCH_EVENTS', 120_000),
  pgliteEvents: intEnv('BENCH_PGLITE_EVENTS', 30_000),
  singleEvents: intEnv('BENCH_SINGLE_EVENTS', 30_000),
  rounds: intEnv('BENCH_ROUNDS', 3),
  batch: intEnv('BENCH_BATCH', 500),
  // Enough batches in flight to cover a group commit's latency (Little's law: about
  // 25k events/s × 250 ms per commit is 6,000+ events waiting, plus those being parsed).
  // With 12, neither the collector nor PostgreSQL was busy more than 60% of the time:
  // every sender was waiting for a commit.
  senders: intEnv('BENCH_SENDERS', 32),
  connections: intEnv('BENCH_CONNECTIONS', 100),
  copyConnections: intEnv('BENCH_COPY_CONNECTIONS', 2),
  warmup: intEnv('BENCH_WARMUP', 5_000),
  backends: (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',').map((s) => s.trim()).filter(Boolean),
  adminUrl: process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
}
const pinned = process.env.BENCH_PINNED !== undefined && canPin()
const collectorCpu = pinned ? COLLECTOR_CPU : undefined
const GOALS = { batchRatio: 0.5, singleEps: 6_000, pgliteRatio: 0.4 }

let seed = 1
const nextSeed = () => seed++

const cleanup = createCleanup()
const out = (line = '') => process.stdout.write(line + '\n')
const t0 = performance.now()
const at = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s`

function batchBodies(events: readonly BenchEvent[], size: number): { bodies: Buffer[]; counts: number[] } {
  const bodies: Buffer[] = []
  const counts: number[] = []
  for (let i = 0; i < events.length; i += size) {
    const slice = events.slice(i, i + size)
    bodies.push(Buffer.from(JSON.stringify({ events: slice })))
    counts.push(slice.length)
  }
  return { bodies, counts }
}

function singleBodies(events: readonly BenchEvent[]): { bodies: Buffer[]; counts: number[] } {
  return { bodies: events.map((e) => Buffer.from(JSON.stringify(e))), counts: events.map(() => 1) }
}

/** Throws when a load run lost or refused anything. */
function checkLoad(label: string, r: LoadResult): void {
  if (r.failures > 0 || r.accepted !== r.sent || r.duplicates > 0) {
    throw new Error(`${label}: ${r.failures} failed requests, ${r.accepted}/${r.sent} accepted, ${r.duplicates} duplicates. First: ${r.firstFailure}`)
  }
}

function storedMark(stored: number, sent: number): string {
  return `stored ${fmt(stored)}/${fmt(sent)} ${stored === sent ? '✓' : '✗ LOST'}`
}

/** Per-round figures of one method. */
interface Series {
  label: string
  values: number[]
  unit: string
}
const series = (label: string, unit = 'events/s'): Series => ({ label, values: [], unit })
const pct = (x: number | undefined) => (x === undefined ? '?' : `${Math.round(x * 100)}%`)
const seriesLine = (s: Series) => {
  const d = s.unit === 'ms' ? 1 : 0
  return `${s.label.padEnd(46)} ${s.values.map((v) => fmt(v, d).padStart(8)).join(' ')}   median ${fmt(median(s.values), d).padStart(8)} ${s.unit}`
}

const results: Record<string, unknown> = { config: cfg, startedAt: new Date().toISOString() }
let lostEvents = false

// ---------------------------------------------------------------- setup
const sample = generateEvents(2_000, 999)
const size = sizeStats(sample)
out('Echotrail ingest bench')
out(`  node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${new Date().toISOString()}`)
out(`  events: request events of ${fmt(size.mean)} B JSON on average (${size.min}–${size.max} B), fresh UUIDv7 event_id and current timestamp each; same generator for every method`)
out(`  PostgreSQL/PGlite batch rounds: ${fmt(cfg.events)} / ${fmt(cfg.pgliteEvents)} events; ${cfg.rounds} interleaved rounds per method; warm-up ${fmt(cfg.warmup)} events (untimed)`)
out(`  (1) baseline: COPY events FROM STDIN (pg-copy-streams, text format), ${cfg.copyConnections} connections in parallel; rows encoded before the clock starts`)
out(`  (2) HTTP batches: POST /v1/audit/batch, ${cfg.batch} events per JSON body, ${cfg.senders} requests in flight (undici Pool, ${cfg.senders} keep-alive connections), secret key`)
out(`  (3) single events: POST /v1/audit, one event per request, ${cfg.connections} keep-alive connections, ${fmt(cfg.singleEvents)} events per round`)
out(`  (4) PGlite: baseline COPY events FROM '/dev/blob' in process; HTTP batches as (2) through a collector on PGlite`)
out(
  pinned
    ? `  pinning: collector process \`taskset -c ${COLLECTOR_CPU}\`; this process (load generator, baseline client, in-process PGlite) on CPUs ${allowedCpus()}; PostgreSQL unpinned (its backends float over all CPUs)`
    : `  pinning: OFF (BENCH_NO_PIN or no taskset): collector, load generator and PostgreSQL share all CPUs`,
)
out('  every HTTP round is checked: stored rows counted in the database must equal the events sent')
out()

// ---------------------------------------------------------------- PostgreSQL
async function postgresPhase(): Promise<{ baseline: Series; batch: Series; single: Series; p50: Series; p99: Series }> {
  const baseline = series(`(1) baseline COPY, ${cfg.copyConnections} connections`)
  const batch = series(`(2) HTTP batch ${cfg.batch}, ${cfg.senders} in flight`)
  const single = series(`(3) HTTP single, ${cfg.connections} connections`)
  const p50 = series('(3) latency p50', 'ms')
  const p99 = series('(3) latency p99', 'ms')

  process.env.ECHOTRAIL_TEST_DATABASE_URL = cfg.adminUrl
  const db = await createTestDatabase('et_bench')
  cleanup.add(() => db.drop())
  const storage: CollectorStorage = { databaseUrl: db.url }
  const collector = await spawnCollector({ storage, cpu: collectorCpu, expectKey: true })
  cleanup.add(() => collector.stop())
  const key = collector.secretKey!

  const admin = new pg.Client({ connectionString: db.url })
  await admin.connect()
  cleanup.add(() => admin.end())
  const settings = (
    await admin.query<{ v: string; sc: string; sb: string }>(
      `select split_part(version(), ' ', 2) as v, current_setting('synchronous_commit') as sc, current_setting('shared_buffers') as sb`,
    )
  ).rows[0]!
  const projectId = (await admin.query<{ id: string }>('select id from projects')).rows[0]!.id
  const copyClients: pg.Client[] = []
  for (let i = 0; i < cfg.copyConnections; i++) {
    const c = new pg.Client({ connectionString: db.url })
    await c.connect()
    cleanup.add(() => c.end())
    copyClients.push(c)
  }
  out(`[postgres] PostgreSQL ${settings.v} (synchronous_commit=${settings.sc}, shared_buffers=${settings.sb}), database ${db.name} (dropped at the end)`)
  out(`[postgres ${at()}] collector pid ${collector.pid} on CPUs ${collector.cpus}, ${collector.url}`)

  const baselineProject = randomUUID()
  let baselineSeq = 1
  // Every timed run starts right after a CHECKPOINT. PostgreSQL logs a page's full image
  // the first time the page changes after a checkpoint, so a run that began just after an
  // automatic one wrote up to twice the WAL of one that began late in the cycle: the
  // baseline's rounds differed by 40% on a quiet machine. Now each method starts in the
  // same state, and a run's own WAL (about 300 MB per 120,000 events) stays below max_wal_size.
  const settle = async () => {
    await admin.query('CHECKPOINT')
  }
  const runBaseline = async (n: number) => {
    const payloads = copyPayloads(generateEvents(n, nextSeed()), baselineProject, baselineSeq, cfg.copyConnections)
    baselineSeq += n
    const before = (await storedCount(admin, baselineProject)).events
    await settle()
    const c0 = cpuSnapshot([process.pid])
    const seconds = await copyParallel(copyClients, payloads)
    const cpu = cpuShare(c0, cpuSnapshot([process.pid]))
    const stored = (await storedCount(admin, baselineProject)).events - before
    if (stored !== n) throw new Error(`baseline stored ${stored} of ${n}`)
    return { eps: n / seconds, cpu: `client ${pct(cpu.byPid.get(process.pid))}, postgres ${pct(cpu.postgres)}` }
  }
  const runHttp = async (events: BenchEvent[], single: boolean) => {
    const { bodies, counts } = single ? singleBodies(events) : batchBodies(events, cfg.batch)
    const before = (await storedCount(admin, projectId)).events
    await settle()
    const c0 = cpuSnapshot([collector.pid, process.pid])
    const r = await runLoad({
      url: collector.url,
      secretKey: key,
      path: single ? '/v1/audit' : '/v1/audit/batch',
      bodies,
      eventsPerBody: counts,
      concurrency: single ? cfg.connections : cfg.senders,
    })
    const c = cpuShare(c0, cpuSnapshot([collector.pid, process.pid]))
    const cpu = `collector ${pct(c.byPid.get(collector.pid))}, load ${pct(c.byPid.get(process.pid))}, postgres ${pct(c.postgres)}`
    const after = await storedCount(admin, projectId)
    const stored = after.events - before
    if (stored !== events.length) lostEvents = true
    checkLoad(single ? 'single' : 'batch', r)
    return { r, stored, eps: events.length / r.seconds, gapless: after.lastSeq === after.events, cpu }
  }

  // Warm-up (untimed): JIT of the collector, the pool's connections, the first pages.
  await runBaseline(cfg.warmup)
  await runHttp(generateEvents(cfg.warmup, nextSeed()), false)
  await runHttp(generateEvents(Math.min(cfg.warmup, 2_000), nextSeed()), true)

  for (let round = 1; round <= cfg.rounds; round++) {
    const { eps: b, cpu: bCpu } = await runBaseline(cfg.events)
    baseline.values.push(b)
    const h = await runHttp(generateEvents(cfg.events, nextSeed()), false)
    batch.values.push(h.eps)
    const s = await runHttp(generateEvents(cfg.singleEvents, nextSeed()), true)
    single.values.push(s.eps)
    const l50 = quantile(s.r.latenciesMs, 0.5)
    const l99 = quantile(s.r.latenciesMs, 0.99)
    p50.values.push(l50)
    p99.values.push(l99)
    out(
      `[postgres ${at()}] round ${round}: (1) ${fmt(b)} ev/s | (2) ${fmt(h.eps)} ev/s, ratio ${(h.eps / b).toFixed(2)}, ${storedMark(h.stored, cfg.events)}` +
        ` | (3) ${fmt(s.eps)} ev/s, p50 ${l50.toFixed(1)} ms, p99 ${l99.toFixed(1)} ms, ${storedMark(s.stored, cfg.singleEvents)}` +
        `${h.gapless && s.gapless ? ', ledger seq gapless ✓' : ', ledger seq ≠ count ✗'}`,
    )
    out(`[postgres]     CPU (share of one core): (1) ${bCpu} | (2) ${h.cpu} | (3) ${s.cpu}`)
  }
  return { baseline, batch, single, p50, p99 }
}

// ---------------------------------------------------------------- PGlite
async function pglitePhase(): Promise<{ baseline: Series; batch: Series }> {
  const baseline = series('(4) PGlite baseline COPY /dev/blob, in process')
  const batch = series(`(4) PGlite HTTP batch ${cfg.batch}, ${cfg.senders} in flight`)
  const root = mkdtempSync(join(tmpdir(), 'et-bench-pglite-'))
  cleanup.add(() => rmSync(root, { recursive: true, force: true }))
  const baseDir = join(root, 'baseline')
  const collDir = join(root, 'collector')

  // Baseline store: the collector's migrations and partitions, then PGlite in this process.
  migrateStore({ dataDir: baseDir })
  const base = await PGlite.create({ dataDir: baseDir })
  cleanup.add(() => base.close())
  const baselineProject = randomUUID()
  let baselineSeq = 1
  const runBaseline = async (n: number) => {
    const [chunks] = copyPayloads(generateEvents(n, nextSeed()), baselineProject, baselineSeq, 1)
    baselineSeq += n
    const blob = new Blob(chunks!)
    const before = (await storedCount(base, baselineProject)).events
    const c0 = cpuSnapshot([process.pid])
    const started = performance.now()
    await base.query(copySql(`'/dev/blob'`), [], { blob })
    const seconds = (performance.now() - started) / 1000
    const cpu = cpuShare(c0, cpuSnapshot([process.pid]))
    const stored = (await storedCount(base, baselineProject)).events - before
    if (stored !== n) throw new Error(`PGlite baseline stored ${stored} of ${n}`)
    return { eps: n / seconds, cpu: `bench process ${pct(cpu.byPid.get(process.pid))}` }
  }

  const storage: CollectorStorage = { dataDir: collDir }
  let collector: CollectorProcess = await spawnCollector({ storage, cpu: collectorCpu, expectKey: true })
  cleanup.add(() => collector.stop())
  const key = collector.secretKey!
  out(`[pglite ${at()}] data folders under ${root} (removed at the end); collector pid ${collector.pid} on CPUs ${collector.cpus}`)

  // PGlite is one process's database: the stored count is read with the collector
  // stopped (SIGTERM drains it), then it is started again and warmed up.
  let projectId: string | undefined
  const countStopped = async () => {
    await collector.stop()
    const db = await PGlite.create({ dataDir: collDir })
    try {
      projectId ??= (await db.query<{ id: string }>('select id from projects')).rows[0]!.id
      return await storedCount(db, projectId)
    } finally {
      await db.close()
    }
  }
  let expected = 0
  const post = async (n: number) => {
    const { bodies, counts } = batchBodies(generateEvents(n, nextSeed()), cfg.batch)
    const c0 = cpuSnapshot([collector.pid, process.pid])
    const r = await runLoad({ url: collector.url, secretKey: key, path: '/v1/audit/batch', bodies, eventsPerBody: counts, concurrency: cfg.senders })
    const c = cpuShare(c0, cpuSnapshot([collector.pid, process.pid]))
    checkLoad('pglite batch', r)
    expected += n
    return { ...r, cpu: `collector ${pct(c.byPid.get(collector.pid))}, load ${pct(c.byPid.get(process.pid))}` }
  }

  await runBaseline(cfg.warmup)
  await post(cfg.warmup)
  for (let round = 1; round <= cfg.rounds; round++) {
    const { eps: b, cpu: bCpu } = await runBaseline(cfg.pgliteEvents)
    baseline.values.push(b)
    const r = await post(cfg.pgliteEvents)
    const eps = cfg.pgliteEvents / r.seconds
    batch.values.push(eps)
    const count = await countStopped()
    const ok = count.events === expected
    if (!ok) lostEvents = true
    out(
      `[pglite ${at()}] round ${round}: (1) ${fmt(b)} ev/s | (2) ${fmt(eps)} ev/s, ratio ${(eps / b).toFixed(2)}, ` +
        `stored total ${fmt(count.events)}/${fmt(expected)} ${ok ? '✓' : '✗ LOST'}${count.lastSeq === count.events ? ', ledger seq gapless ✓' : ', ledger seq ≠ count ✗'}`,
    )
    out(`[pglite]     CPU (share of one core): (1) ${bCpu} | (2) ${r.cpu}`)
    if (round < cfg.rounds) {
      collector = await spawnCollector({ storage, cpu: collectorCpu, expectKey: false })
      await post(Math.min(cfg.warmup, 2_000))
    }
  }
  return { baseline, batch }
}

// ---------------------------------------------------------------- run
const started = performance.now()
let pgRes: Awaited<ReturnType<typeof postgresPhase>> | undefined
let pgliteRes: Awaited<ReturnType<typeof pglitePhase>> | undefined
try {
  if (cfg.backends.includes('postgres')) pgRes = await postgresPhase()
  if (cfg.backends.includes('pglite')) pgliteRes = await pglitePhase()
} finally {
  await cleanup.run()
}

out()
out('Per round (events/s unless marked), then the median:')
const all = [pgRes?.baseline, pgRes?.batch, pgRes?.single, pgRes?.p50, pgRes?.p99, pgliteRes?.baseline, pgliteRes?.batch].filter(
  (s): s is Series => s !== undefined,
)
for (const s of all) out('  ' + seriesLine(s))

out()
out(`Summary (medians of ${cfg.rounds} rounds; ${((performance.now() - started) / 1000).toFixed(0)} s in all; every HTTP event counted in storage${lostEvents ? ' — SOME WERE LOST ✗' : ' ✓'}):`)
const mark = (ok: boolean) => (ok && !lostEvents ? '✓' : '✗')
if (pgRes) {
  const ratio = median(pgRes.batch.values) / median(pgRes.baseline.values)
  const eps = median(pgRes.single.values)
  out(`  (1) baseline COPY, PostgreSQL: ${fmt(median(pgRes.baseline.values))} events/s`)
  out(`  goal (2) ≥ ${GOALS.batchRatio} × (1): ${ratio.toFixed(2)} ${mark(ratio >= GOALS.batchRatio)}   (${fmt(median(pgRes.batch.values))} events/s via HTTP batches)`)
  out(
    `  goal (3) ≥ ${fmt(GOALS.singleEps)} events/s, one event per request: ${fmt(eps)} ${mark(eps >= GOALS.singleEps)}   ` +
      `(p50 ${median(pgRes.p50.values).toFixed(1)} ms, p99 ${median(pgRes.p99.values).toFixed(1)} ms, ${cfg.connections} connections)`,
  )
  results.postgres = { baseline: pgRes.baseline.values, batch: pgRes.batch.values, single: pgRes.single.values, p50: pgRes.p50.values, p99: pgRes.p99.values, ratio, singleEps: eps }
}
if (pgliteRes) {
  const ratio = median(pgliteRes.batch.values) / median(pgliteRes.baseline.values)
  out(
    `  goal (4) PGlite ≥ ${GOALS.pgliteRatio} × its baseline: ${ratio.toFixed(2)} ${mark(ratio >= GOALS.pgliteRatio)}   ` +
      `(${fmt(median(pgliteRes.batch.values))} vs ${fmt(median(pgliteRes.baseline.values))} events/s)`,
  )
  results.pglite = { baseline: pgliteRes.baseline.values, batch: pgliteRes.batch.values, ratio }
}
if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 2))
if (lostEvents) process.exitCode = 1
