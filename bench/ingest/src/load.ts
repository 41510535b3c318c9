import { Pool } from 'undici'

/** What a load run saw: events the collector answered 202 for, failures, time, latencies. */
export interface LoadResult {
  sent: number
  accepted: number
  duplicates: number
  failures: number
  /** First failure, for the report. */
  firstFailure: string | undefined
  seconds: number
  /** Per-request latency in ms, sorted ascending. */
  latenciesMs: Float64Array
}

/** Options of a load run. */
export interface LoadOptions {
  url: string
  secretKey: string
  path: '/v1/audit' | '/v1/audit/batch'
  /** Pre-serialized request bodies, sent in order by `concurrency` workers. */
  bodies: readonly Buffer[]
  /** Events in each body (to check `accepted`). */
  eventsPerBody: readonly number[]
  /** Requests in flight at once; also the number of keep-alive connections. */
  concurrency: number
}

/** POSTs every body with `concurrency` requests in flight over keep-alive connections. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(o.url, {
    connections: o.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  })
  const headers = { 'content-type': 'application/json', 'x-api-key': o.secretKey }
  const latencies = new Float64Array(o.bodies.length)
  let next = 0
  let accepted = 0
  let duplicates = 0
  let failures = 0
  let firstFailure: string | undefined
  let sent = 0

  const worker = async () => {
    for (;;) {
      const i = next++
      if (i >= o.bodies.length) return
      const t0 = performance.now()
      try {
        const res = await pool.request({ origin: o.url, path: o.path, method: 'POST', headers, body: o.bodies[i]! })
        const text = await res.body.text()
        latencies[i] = performance.now() - t0
        sent += o.eventsPerBody[i]!
        if (res.statusCode !== 202) {
          failures++
          firstFailure ??= `HTTP ${res.statusCode}: ${text.slice(0, 300)}`
          continue
        }
        const answer = JSON.parse(text) as { accepted: number; duplicates: number; rejected: unknown[] }
        accepted += answer.accepted
        duplicates += answer.duplicates
        if (answer.accepted !== o.eventsPerBody[i] || answer.rejected.length > 0) {
          failures++
          firstFailure ??= `partial answer: ${text.slice(0, 300)}`
        }
      } catch (err) {
        latencies[i] = performance.now() - t0
        sent += o.eventsPerBody[i]!
        failures++
        firstFailure ??= err instanceof Error ? err.message : String(err)
      }
    }
  }

  // Open the connections first so the clock measures ingest, not TCP handshakes.
  await Promise.all(
    Array.from({ length: o.concurrency }, () =>
      pool.request({ origin: o.url, path: '/healthz', method: 'GET' }).then((r) => r.body.dump()),
    ),
  )
  const started = performance.now()
  await Promise.all(Array.from({ length: o.concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  await pool.close()
  latencies.sort()
  return { sent, accepted, duplicates, failures, firstFailure, seconds, latenciesMs: latencies }
}

/** The q-quantile (0..1) of sorted values. */
export function quantile(sorted: Float64Array | readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[idx]!
}

/** Median of values. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
