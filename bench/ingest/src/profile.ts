/**
 * CPU profile of the collector under the HTTP-batch load of the bench: spawns the
 * collector with `--cpu-prof`, posts BENCH_PROFILE_EVENTS events in batches (or one
 * per request with BENCH_PROFILE_MODE=single), stops it so the profile is written,
 * and prints the top self-time functions.
 *
 *   pnpm -C bench/ingest bench:profile
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestDatabase } from '@echotrail/test-harness'
import { canPin, spawnCollector, type CollectorStorage } from './collector-process.js'
import { createCleanup, fmt, intEnv, reexecPinned } from './common.js'
import { cpuShare, cpuSnapshot } from './cpu-usage.js'
import { formatSelfTimes, readProfile } from './cpuprofile.js'
import { generateEvents } from './events.js'
import { runLoad } from './load.js'

await reexecPinned('0')

const events = intEnv('BENCH_PROFILE_EVENTS', 120_000)
const batch = intEnv('BENCH_BATCH', 500)
const senders = intEnv('BENCH_SENDERS', 32)
const connections = intEnv('BENCH_CONNECTIONS', 100)
const top = intEnv('BENCH_PROFILE_TOP', 10)
const single = process.env.BENCH_PROFILE_MODE === 'single'
const backend = process.env.BENCH_PROFILE_BACKEND === 'pglite' ? 'pglite' : 'postgres'
const profDir = process.env.BENCH_PROFILE_DIR ?? '/tmp/prof'
const cleanup = createCleanup()

mkdirSync(profDir, { recursive: true })
const before = new Set(readdirSync(profDir))
let storage: CollectorStorage
if (backend === 'postgres') {
  process.env.ECHOTRAIL_TEST_DATABASE_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const db = await createTestDatabase('et_bench_prof')
  cleanup.add(() => db.drop())
  storage = { databaseUrl: db.url }
} else {
  const dir = mkdtempSync(join(tmpdir(), 'et-bench-prof-'))
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }))
  storage = { dataDir: dir }
}
let skipMs = 0
try {
  const pinned = process.env.BENCH_PINNED !== undefined && canPin()
  const spawnedAt = performance.now()
  const collector = await spawnCollector({
    storage,
    cpu: pinned ? '1' : undefined,
    expectKey: true,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, ...(process.env.BENCH_COLLECTOR_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
  })
  cleanup.add(() => collector.stop())
  const evs = generateEvents(events, 7)
  const bodies: Buffer[] = []
  const counts: number[] = []
  const size = single ? 1 : batch
  for (let i = 0; i < evs.length; i += size) {
    const slice = evs.slice(i, i + size)
    bodies.push(Buffer.from(single ? JSON.stringify(slice[0]) : JSON.stringify({ events: slice })))
    counts.push(slice.length)
  }
  // Samples before the load (process start, migrations, event generation) are left out.
  skipMs = performance.now() - spawnedAt
  const c0 = cpuSnapshot([collector.pid, process.pid])
  const r = await runLoad({
    url: collector.url,
    secretKey: collector.secretKey!,
    path: single ? '/v1/audit' : '/v1/audit/batch',
    bodies,
    eventsPerBody: counts,
    concurrency: single ? connections : senders,
  })
  process.stdout.write(
    `collector on ${backend}, CPUs ${collector.cpus}; ${fmt(events)} events ${single ? `one per request over ${connections} connections` : `in batches of ${batch}, ${senders} in flight`}: ` +
      `${fmt(events / r.seconds)} events/s, ${r.failures} failures\n`,
  )
  const c = cpuShare(c0, cpuSnapshot([collector.pid, process.pid]))
  const pct = (x: number | undefined) => `${Math.round((x ?? NaN) * 100)}%`
  process.stdout.write(
    `CPU during the load (share of one core): collector ${pct(c.byPid.get(collector.pid))}, load generator ${pct(c.byPid.get(process.pid))}, postgres ${pct(c.postgres)}\n`,
  )
  const metrics = await (await fetch(`${collector.url}/metrics`)).text()
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN)
  const commits = metric('echotrail_commits_total')
  const commitEvents = metric('echotrail_commit_events_total')
  const commitSeconds = metric('echotrail_commit_seconds_total')
  process.stdout.write(
    `group commits: ${fmt(commits)}, ${fmt(commitEvents / commits)} events and ${fmt((commitSeconds / commits) * 1000, 1)} ms each on average; ` +
      `${fmt(commitSeconds, 1)} s in commits over ${fmt(r.seconds, 1)} s of load\n`,
  )
  await collector.stop()
} finally {
  await cleanup.run()
}
const fresh = readdirSync(profDir)
  .filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
  .map((f) => join(profDir, f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
if (fresh.length === 0) throw new Error(`no new .cpuprofile in ${profDir}`)
process.stdout.write(`${fresh[0]}\n${formatSelfTimes(readProfile(fresh[0]!), top, skipMs)}\n`)
