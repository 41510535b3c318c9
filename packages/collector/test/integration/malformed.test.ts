import { Agent } from 'node:http'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COLLECTOR_ERRORS, type CollectorErrorCode } from '../../src/errors.js'
import { verifyProject } from '../../src/ledger/verify.js'
import { nodeSha256 } from '../../src/server.js'
import { BACKENDS, startTestCollector, type TestCollector } from '../support/collector.js'
import { CANARY, fuzzRequest, type FuzzRequest } from '../support/malformed-requests.js'
import { rawRequest, type RawResponse } from '../support/http.js'

// DESIGN §3: "never a 500 with a stack trace; never a stored half-event". Both backends
// get the full count (about 20 s each here, PGlite included).
const MALFORMED_REQUESTS = 10_000
const CONNECTIONS = 12
const SEED = Number(process.env.ECHOTRAIL_FUZZ_SEED ?? Date.now() % 2 ** 31)
const ORIGIN = 'http://app.test'
const SEED_EVENT = { path: '/api/users', method: 'GET', status_code: 200, response_time: 45, identifier: 'user-123', service_name: 'my-api', environment: 'production' }
// Fields every stored document has, whatever was sent.
const DOCUMENT_FIELDS = ['event_id', 'occurred_at', 'received_at', 'action', 'category', 'severity', 'outcome', 'source']
// No 5xx at all: with the database up, a 503 means one request's data failed the commit
// it shared with other requests.
const EXPECTED_STATUSES = new Set([202, ...Object.values(COLLECTOR_ERRORS).map((e) => e.status).filter((s) => s < 500)])

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0

/** What is wrong with an answer to `req`, or undefined when it keeps the contract. */
function contractBreach(req: FuzzRequest, res: RawResponse): string | undefined {
  if (!EXPECTED_STATUSES.has(res.status)) return `status ${res.status}`
  if (res.text.includes(CANARY)) return 'the answer repeats a submitted value'
  let body: unknown
  try {
    body = JSON.parse(res.text)
  } catch {
    return 'the answer is not JSON'
  }
  if (!isObject(body)) return 'the answer is not an object'
  if (res.status === 202 && req.path.startsWith('/v1/audit/client-report')) {
    return body.accepted === true && Object.keys(body).length === 1 ? undefined : 'not the client-report 202 shape'
  }
  if (res.status === 202) {
    if (Object.keys(body).sort().join() !== 'accepted,duplicates,rejected') return 'not the 202 shape'
    if (!isCount(body.accepted) || !isCount(body.duplicates) || !Array.isArray(body.rejected)) return 'not the 202 shape'
    for (const r of body.rejected as unknown[]) {
      if (!isObject(r) || !isCount(r.index) || !Array.isArray(r.issues) || r.issues.length === 0) return 'a rejected entry is not { index, issues }'
    }
    const answered = (body.accepted as number) + (body.duplicates as number) + body.rejected.length
    if (req.eventCount !== undefined && answered !== req.eventCount) return `${req.eventCount} events sent, ${answered} answered for`
    if (req.mustStore && (body.rejected.length > 0 || answered !== req.eventCount)) return 'a valid event with odd characters was not stored'
    return undefined
  }
  if (req.mustStore) return `a valid event with odd characters was refused with ${res.status}`
  if (Object.keys(body).join() !== 'error' || !isObject(body.error)) return 'not the error shape'
  const { code, message, issues, ...rest } = body.error
  if (Object.keys(rest).length > 0 || typeof message !== 'string' || (issues !== undefined && !Array.isArray(issues))) return 'not the error shape'
  if (COLLECTOR_ERRORS[code as CollectorErrorCode]?.status !== res.status) return `code ${String(code)} does not go with ${res.status}`
  if (/\bat \S+ \(|\.[cm]?[jt]s:\d+|node:internal/.test(res.text)) return 'the answer holds a stack trace'
  return undefined
}

describe.each(BACKENDS)('fuzzing ingest on %s', (backend) => {
  let t: TestCollector
  let agent: Agent
  beforeAll(async () => {
    t = await startTestCollector(backend)
    agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
  })
  afterAll(async () => {
    agent?.destroy()
    await t?.stop()
  })

  it(`answers ${MALFORMED_REQUESTS.toLocaleString('en')} generated malformed requests over ${CONNECTIONS} connections: never a 500, never a partial event, and it keeps serving`, async () => {
    const publishable = await t.createKey('publishable', { allowedOrigins: [ORIGIN] })
    const arbitrary = fuzzRequest({ secret: t.secretKey, publishable, origin: ORIGIN })
    const target = MALFORMED_REQUESTS
    let malformed = 0
    let sent = 0
    let chunk = 0
    let pending: FuzzRequest[] = []
    // Generated lazily, a chunk at a time: some requests carry 100,000 levels of nesting.
    const next = (): FuzzRequest | undefined => {
      if (malformed >= target) return undefined
      if (pending.length === 0) pending = fc.sample(arbitrary, { numRuns: 100, seed: SEED + chunk++ })
      const req = pending.pop()!
      if (req.malformed) malformed++
      return req
    }

    let accepted = 0
    let refused = 0
    const statuses = new Map<number, number>()
    const breaches: string[] = []
    const started = performance.now()
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        for (let req = next(); req; req = next()) {
          sent++
          let res: RawResponse
          try {
            res = await rawRequest(t.url, { method: req.method, path: req.path, headers: req.headers, body: req.body }, agent)
          } catch (err) {
            breaches.push(`${req.label}: no answer (${String(err)})`)
            continue
          }
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
          const breach = contractBreach(req, res)
          if (breach) breaches.push(`${req.label}: ${breach}: ${res.status} ${res.text.slice(0, 200)}`)
          if (res.status !== 202) refused++
          else if (!req.path.startsWith('/v1/audit/client-report')) {
            const answer = JSON.parse(res.text) as { accepted: number; rejected: unknown[] }
            accepted += answer.accepted
            if (answer.rejected.length > 0) refused++
          }
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const summary = `seed ${SEED} (rerun with ECHOTRAIL_FUZZ_SEED=${SEED}); ${sent} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`
    expect(breaches.slice(0, 10), `${breaches.length} broken answers; ${summary}`).toEqual([])
    expect(malformed).toBeGreaterThanOrEqual(target)
    // The fuzz is only worth something if most requests were refused in whole or part.
    expect(refused, summary).toBeGreaterThan(target / 2)
    expect(accepted, `some events are stored, or the storage checks prove nothing; ${summary}`).toBeGreaterThan(0)

    const db = t.collector.db
    const incomplete = await db.query<{ n: number }>(
      `select count(*)::int as n from events
        where project_id = $1
          and not (event ?& $2::text[]
            and ${DOCUMENT_FIELDS.map((f) => `jsonb_typeof(event->'${f}') = 'string'`).join(' and ')}
            and event->>'event_id' = event_id::text)`,
      [t.projectId, DOCUMENT_FIELDS],
    )
    expect(incomplete.rows[0]!.n, 'stored documents missing a field').toBe(0)
    const stored = await db.query<{ n: number }>(`select count(*)::int as n from events where project_id = $1`, [t.projectId])
    expect(stored.rows[0]!.n, `stored events vs. the sum of accepted; ${summary}`).toBe(accepted)
    const report = await verifyProject(db, t.projectId, { sha256: nodeSha256 })
    expect(report.findings.slice(0, 5)).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.events).toBe(accepted)

    const seed = await rawRequest(t.url, { path: '/v1/audit', headers: { 'content-type': 'application/json', 'x-api-key': t.secretKey }, body: JSON.stringify(SEED_EVENT) })
    expect(seed.status).toBe(202)
    expect(JSON.parse(seed.text)).toEqual({ accepted: 1, duplicates: 0, rejected: [] })
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200)
    console.info(`[malformed ${backend}] ${summary}; ${malformed} malformed, ${refused} refused in whole or part, ${accepted} events stored`)
  }, 180_000)
})
