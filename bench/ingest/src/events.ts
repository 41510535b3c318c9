import { createHash } from 'node:crypto'
import { uuidv7 } from '@echotrail/core'

/**
 * The one event generator every method uses: a request event as an API middleware
 * records it (the fields of BatAudit's "Your First Event" plus user fields, a request
 * id and query params), about 400–600 bytes of JSON, each with a fresh UUIDv7
 * `event_id` and the current time as `timestamp`.
 */
export type BenchEvent = Record<string, unknown> & { event_id: string; timestamp: string }

const SERVICES = ['checkout-api', 'accounts-api', 'search-api', 'billing-api', 'catalog-api'] as const
const RESOURCES = ['orders', 'users', 'invoices', 'products', 'carts', 'shipments', 'reviews'] as const
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
const STATUSES = [200, 200, 200, 200, 200, 201, 204, 304, 400, 401, 403, 404, 409, 422, 500, 503] as const
const ROLES = [['customer'], ['customer', 'beta-tester'], ['admin'], ['support', 'viewer'], ['owner', 'admin', 'billing']] as const
const FIRST = ['ada', 'grace', 'alan', 'edsger', 'barbara', 'donald', 'margaret', 'ken', 'linus', 'radia'] as const
const LAST = ['lovelace', 'hopper', 'turing', 'dijkstra', 'liskov', 'knuth', 'hamilton', 'thompson', 'torvalds', 'perlman'] as const
const AGENTS = [
  'Mozilla/5.0 (Macintosh) Safari/605.1',
  'Mozilla/5.0 (Windows NT 10.0) Chrome/126.0',
  'okhttp/4.12.0',
  'python-requests/2.32.3',
] as const
const SORTS = ['created_at', '-created_at', 'name', '-updated_at'] as const

// A small seeded PRNG: the same mix of events in every run, fresh ids and times.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!
const hex = (rnd: () => number, n: number): string => {
  let s = ''
  for (let i = 0; i < n; i++) s += Math.floor(rnd() * 16).toString(16)
  return s
}

/** Makes `count` events, each with a new UUIDv7 and the current time. */
export function generateEvents(count: number, seed = 1): BenchEvent[] {
  const rnd = mulberry32(seed)
  const out: BenchEvent[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const resource = pick(rnd, RESOURCES)
    const id = hex(rnd, 10)
    const first = pick(rnd, FIRST)
    const last = pick(rnd, LAST)
    const user = `usr_${hex(rnd, 12)}`
    const withId = rnd() < 0.7
    out[i] = {
      event_id: uuidv7(),
      timestamp: new Date().toISOString(),
      path: withId ? `/api/v1/${resource}/${resource.slice(0, 3)}_${id}` : `/api/v1/${resource}`,
      method: pick(rnd, METHODS),
      status_code: pick(rnd, STATUSES),
      response_time: Math.round(rnd() * 40_000) / 100,
      identifier: user,
      service_name: pick(rnd, SERVICES),
      environment: 'prod',
      user_email: `${first}.${last}@example.com`,
      user_name: `${first[0]!.toUpperCase()}${first.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)}`,
      user_roles: [...pick(rnd, ROLES)],
      user_type: 'customer',
      tenant_id: `tnt_${hex(rnd, 8)}`,
      ip: `203.0.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`,
      user_agent: pick(rnd, AGENTS),
      request_id: `req_${hex(rnd, 12)}`,
      query_params: { page: String(1 + Math.floor(rnd() * 20)), limit: '50', sort: pick(rnd, SORTS) },
    }
  }
  return out
}

/** Byte sizes of the events' JSON: mean, min, max. */
export function sizeStats(events: readonly BenchEvent[]): { mean: number; min: number; max: number } {
  let sum = 0
  let min = Infinity
  let max = 0
  for (const e of events) {
    const n = Buffer.byteLength(JSON.stringify(e))
    sum += n
    if (n < min) min = n
    if (n > max) max = n
  }
  return { mean: sum / Math.max(1, events.length), min, max }
}

/** The `events` columns the collector's INSERT writes (events.repo.ts), in order. */
export const EVENT_COLUMNS = [
  'project_id', 'seq', 'event_id', 'occurred_at', 'received_at',
  'service_name', 'environment', 'method', 'path', 'route', 'status_code', 'response_time_ms', 'identifier', 'session_id',
  'request_id', 'tenant_id', 'action', 'category', 'severity', 'outcome', 'actor', 'actor_type', 'resource_type', 'resource_id',
  'source', 'orphan', 'event', 'hash',
] as const

/** `COPY events (...) FROM <source>` over EVENT_COLUMNS in text format. */
export const copySql = (source: string) => `COPY events (${EVENT_COLUMNS.join(', ')}) FROM ${source}`

// COPY text format: backslash, tab, newline and carriage return are escaped; \N is null.
const NEEDS_ESCAPE = /[\\\t\n\r]/
function copyText(value: unknown): string {
  if (value === undefined || value === null) return '\\N'
  const s = String(value)
  if (!NEEDS_ESCAPE.test(s)) return s
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

/**
 * The row the collector would store for `e`, as one line of COPY text: the stored
 * document (the event with the derived action/category/severity/outcome/tags, its
 * times and source), the promoted columns and a 32-byte hash. The hash here is plain
 * SHA-256 of the JSON (the collector hashes the JCS form): same width, no ledger.
 */
export function copyLine(e: BenchEvent, projectId: string, seq: number, receivedAtIso: string): string {
  const { timestamp, ...fields } = e
  const status = e.status_code as number
  const method = e.method as string
  const outcome = status >= 400 ? 'failure' : 'success'
  const category = method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'DATA_ACCESS' : 'DATA_MODIFY'
  const severity = status >= 500 ? 'ERROR' : outcome === 'failure' ? 'WARNING' : 'INFO'
  const doc = {
    ...fields,
    action: 'http.request',
    category,
    severity,
    outcome,
    compliance_tags: category === 'DATA_MODIFY' ? ['SOX'] : [],
    event_id: e.event_id,
    occurred_at: timestamp,
    received_at: receivedAtIso,
    source: 'backend',
  }
  const json = JSON.stringify(doc)
  const hash = createHash('sha256').update(json).digest('hex')
  return [
    projectId, seq, e.event_id, timestamp, receivedAtIso,
    copyText(e.service_name), copyText(e.environment), copyText(method), copyText(e.path), copyText(e.route),
    status, e.response_time, copyText(e.identifier), '\\N', copyText(e.request_id), copyText(e.tenant_id),
    'http.request', category, severity, outcome, '\\N', '\\N', '\\N', '\\N',
    'backend', 'f', copyText(json), `\\\\x${hash}`,
  ].join('\t') + '\n'
}

/** COPY text for `events`, cut into `parts` payloads of ~1 MiB chunks each. */
export function copyPayloads(events: readonly BenchEvent[], projectId: string, firstSeq: number, parts: number): Buffer[][] {
  const receivedAt = new Date().toISOString()
  const out: Buffer[][] = []
  const per = Math.ceil(events.length / parts)
  for (let p = 0; p < parts; p++) {
    const chunks: Buffer[] = []
    let pending: string[] = []
    let pendingBytes = 0
    for (let i = p * per; i < Math.min(events.length, (p + 1) * per); i++) {
      const line = copyLine(events[i]!, projectId, firstSeq + i, receivedAt)
      pending.push(line)
      pendingBytes += line.length
      if (pendingBytes >= 1 << 20) {
        chunks.push(Buffer.from(pending.join('')))
        pending = []
        pendingBytes = 0
      }
    }
    if (pending.length > 0) chunks.push(Buffer.from(pending.join('')))
    out.push(chunks)
  }
  return out
}
