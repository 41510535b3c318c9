/**
 * CPU per event of what the collector does to a batch body before the commit: parse
 * the JSON, validate, build, mask and canonicalise, hash, and join the commit's
 * documents. Keeps the last BENCH_RETAIN events alive, as the group commit does while
 * a commit is in flight, so garbage collection costs what it costs under load.
 *
 *   pnpm -C bench/ingest bench:prepare
 */
import { createMasker } from '@echotrail/core'
import { hashCanonicalJson } from '../../../packages/collector/src/server.ts'
import { prepareEvent, type PreparedEvent } from '../../../packages/collector/src/ingest/prepare-event.ts'
import { readJsonBody } from '../../../packages/collector/src/ingest/read-body.ts'
import { intEnv } from './common.js'
import { generateEvents } from './events.js'

const batches = intEnv('BENCH_PREPARE_BATCHES', 400)
const retain = intEnv('BENCH_RETAIN', 6_000)
const bodies = Array.from({ length: 40 }, (_, i) => Buffer.from(JSON.stringify({ events: generateEvents(500, i + 1) })))
const masker = createMasker()
const kept: PreparedEvent[][] = []
let keptEvents = 0

// CPU time, not wall time: other jobs on the machine take turns on the same core.
function run(n: number): number {
  const t = process.cpuUsage()
  for (let b = 0; b < n; b++) {
    const body = readJsonBody(bodies[b % bodies.length]!, undefined) as { events: unknown[] }
    const receivedAtMs = Date.now()
    const ctx = {
      receivedAtMs,
      receivedAtIso: new Date(receivedAtMs).toISOString(),
      oldestAcceptedMs: receivedAtMs - 86_400_000,
      keyKind: 'secret' as const,
      masker,
      hashCanonical: hashCanonicalJson,
    }
    const prepared: PreparedEvent[] = []
    for (const raw of body.events) {
      const r = prepareEvent(raw, ctx)
      if (!r.ok) throw new Error(JSON.stringify(r.issues))
      prepared.push(r.event)
    }
    kept.push(prepared)
    keptEvents += prepared.length
    while (keptEvents > retain) keptEvents -= kept.shift()!.length
    if (b % 8 === 7) {
      // A commit's documents, as group-commit.ts joins them.
      const docs = `[${kept.flat().slice(-4_000).map((e) => e.json).join(',')}]`
      if (docs.length === 0) throw new Error('empty')
    }
  }
  const used = process.cpuUsage(t)
  return (used.user + used.system) / (n * 500)
}

run(60)
const rounds = [run(batches), run(batches), run(batches)].sort((a, b) => a - b)
process.stdout.write(`prepare: ${rounds.map((r) => r.toFixed(2)).join(' ')} µs CPU/event (median ${rounds[1]!.toFixed(2)}), ${retain} events retained\n`)
