import { gzipSync } from 'node:zlib'
import { uuidv7 } from '@echotrail/core'
import fc from 'fast-check'

/**
 * fast-check arbitraries of ingest requests, malformed in every way DESIGN §3 promises to
 * survive: wrong types in every wire field, huge and deeply nested values, invalid UTF-8,
 * U+0000 and lone surrogates, broken gzip, wrong content types, oversized batches, bad keys.
 */

/** Put into submitted string values: no answer may ever repeat it. */
export const CANARY = 'fuzz-c4n4ry'

/** The keys a generated request may use. */
export interface FuzzKeys {
  secret: string
  publishable: string
  /** An origin the publishable key allows. */
  origin: string
}

/** One generated request, and what its answer must be. */
export interface FuzzRequest {
  /** Shape of the request, for failure messages. */
  label: string
  method: string
  path: string
  headers: Record<string, string>
  body: Buffer
  /** Events the body carries when it is JSON the collector will read: the 202 must account for each. */
  eventCount?: number
  /** A valid request whose only oddity is U+0000, lone surrogates or invalid UTF-8 in free text: must be stored. */
  mustStore: boolean
  /** False only for a request with nothing wrong in it. */
  malformed: boolean
}

// A value JSON.stringify writes as a placeholder, replaced by raw bytes afterwards: the
// only way to put invalid UTF-8 or 100,000 levels of nesting (which JSON.stringify
// cannot recurse into) inside an otherwise generated body.
class RawJson {
  constructor(readonly bytes: Buffer) {}
  toJSON(): string {
    return `@@RAW:${this.bytes.toString('base64')}@@`
  }
}
const RAW = /"@@RAW:([A-Za-z0-9+/=]*)@@"/g

/** Serialises a generated value, splicing in the raw bytes of every RawJson. */
export function encodeBody(value: unknown): Buffer {
  const text = JSON.stringify(value) ?? 'null'
  const parts: Buffer[] = []
  let last = 0
  for (const match of text.matchAll(RAW)) {
    parts.push(Buffer.from(text.slice(last, match.index), 'utf8'), Buffer.from(match[1]!, 'base64'))
    last = match.index + match[0].length
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'))
  return Buffer.concat(parts)
}

const nested = (depth: number, kind: 'array' | 'object' | 'mixed', balanced = true): Buffer => {
  const open = kind === 'array' ? '[' : kind === 'object' ? '{"a":' : '[{"a":'
  const close = kind === 'array' ? ']' : kind === 'object' ? '}' : '}]'
  const inner = kind === 'array' ? '' : '1'
  return Buffer.from(open.repeat(depth) + inner + close.repeat(balanced ? depth : Math.max(0, depth - 1)))
}

/** Up to 100,000 levels of arrays or objects, as raw JSON text. */
const deepValue = fc
  .record({ depth: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 200 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }) }), kind: fc.constantFrom('array', 'object', 'mixed') as fc.Arbitrary<'array' | 'object' | 'mixed'> })
  .map(({ depth, kind }) => new RawJson(nested(depth, kind)))

const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0xfe, 0xfe],
  [0x80],
  [0xc0, 0x80], // overlong U+0000
  [0xc3], // cut two-byte sequence
  [0xe2, 0x82], // cut three-byte sequence
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate encoded as UTF-8 (CESU-8)
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // five-byte form
]

/** A JSON string literal holding invalid UTF-8 byte sequences. */
const invalidUtf8String = fc
  .tuple(fc.string({ maxLength: 10 }), fc.array(fc.oneof(fc.constantFrom(...INVALID_UTF8), fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 6 })), { minLength: 1, maxLength: 4 }))
  .map(([text, sequences]) => {
    const safe = JSON.stringify(text).slice(1, -1)
    return new RawJson(Buffer.concat([Buffer.from(`"${CANARY}${safe}`), ...sequences.map((s) => Buffer.from(s)), Buffer.from('"')]))
  })

/** Strings PostgreSQL refuses in jsonb or text as they are: U+0000 and lone surrogates. */
const poisonString = fc
  .array(fc.oneof(fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', 'a\u0000b', '\ufffe', '\u2028', '\\u0000'), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''))

// Pseudo-random printable text, fast to make: repeated text compresses, and PostgreSQL
// would store (and index) it compressed, hiding size limits.
const noise = (length: number, seed: number): string => {
  let x = seed | 1
  const codes = new Uint16Array(length)
  for (let i = 0; i < length; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    codes[i] = 0x21 + ((x >>> 0) % 0x5e)
  }
  return new TextDecoder('utf-16le').decode(codes)
}

/** A string of up to 100,000 UTF-16 units (mostly up to 20,000), cheap to make. */
const longString = fc
  .tuple(
    fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 256, max: 20_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 100_000 }) }),
    fc.constantFrom('x', 'é', '😀', 'ab ', '\u0000', 'noise'),
    fc.integer(),
  )
  .map(([length, unit, seed]) => (unit === 'noise' ? noise(length, seed) : unit.repeat(Math.ceil(length / unit.length))))

/** Every field of the wire format v1 (DESIGN §2). */
export const WIRE_FIELDS = [
  'event_id', 'timestamp', 'path', 'method', 'status_code', 'response_time', 'route', 'identifier', 'service_name',
  'environment', 'user_email', 'user_name', 'user_roles', 'user_type', 'tenant_id', 'ip', 'user_agent', 'request_id',
  'query_params', 'path_params', 'request_body', 'response_body', 'error_message', 'session_id', 'source', 'orphan',
  'action', 'actor_type', 'actor', 'resource_type', 'resource_id', 'target', 'category', 'severity', 'outcome',
  'description', 'metadata', 'compliance_tags',
] as const

/** A value of the wrong type, or the right type gone wrong, for any field. */
const badValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, '', ' ', [], {}, [null], { '': '' }, 'GET', '2024-02-30T25:61:00Z', '00000000-0000-0000-0000-000000000000') },
  { weight: 2, arbitrary: longString },
  { weight: 2, arbitrary: poisonString },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: invalidUtf8String },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), poisonString, fc.constantFrom('__proto__', 'constructor', 'toString', 'extra', 'password')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }) },
)

// A pool small enough that events repeat and exercise duplicate detection.
const EVENT_ID_POOL = Array.from({ length: 40 }, () => uuidv7())

/** A valid request event, before any mutation. */
const validEvent = fc.record(
  {
    path: fc.constantFrom('/api/users', '/api/users/42', '/v1/payments', '/login', '/files/upload'),
    method: fc.constantFrom('GET', 'post', 'DELETE', 'Patch'),
    status_code: fc.integer({ min: 100, max: 599 }),
    response_time: fc.double({ min: 0, max: 1e6, noNaN: true }),
    identifier: fc.string({ maxLength: 100 }),
    service_name: fc.constantFrom('fuzz', 'billing', 'api'),
    environment: fc.constantFrom('prod', 'production', 'test-1'),
    user_email: fc.constant(`${CANARY}@example.test`),
    event_id: fc.oneof(fc.constantFrom(...EVENT_ID_POOL), fc.uuid({ version: 7 })),
    timestamp: fc.oneof(fc.constant(new Date().toISOString()), fc.constant(Date.now() - 1_000), fc.constant('2001-01-01T00:00:00Z')),
    request_body: fc.jsonValue({ maxDepth: 3 }),
    metadata: fc.record({ parameters: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) }),
    description: fc.constant(`${CANARY} description`),
  },
  { requiredKeys: ['path', 'method', 'status_code'] },
)

/** An event with 0–3 fields replaced by bad values, and maybe unknown fields. */
const mutatedEvent = fc
  .tuple(validEvent, fc.shuffledSubarray([...WIRE_FIELDS], { maxLength: 3 }), fc.array(badValue, { minLength: 3, maxLength: 3 }), fc.option(fc.dictionary(fc.string({ maxLength: 10 }), badValue, { maxKeys: 2 }), { freq: 4 }))
  .map(([event, fields, values, unknown]) => {
    const out: Record<string, unknown> = { ...event }
    fields.forEach((field, i) => (out[field] = values[i]))
    if (unknown) for (const [k, v] of Object.entries(unknown)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true })
    return { event: out, mutated: fields.length > 0 || unknown !== null }
  })

/** A valid event whose free text holds U+0000, lone surrogates or invalid UTF-8: it must be stored. */
const poisonedEvent = fc
  .tuple(validEvent, fc.array(fc.tuple(fc.constantFrom('description', 'user_agent', 'error_message', 'request_body', 'metadata', 'favourite_colour'), fc.oneof(poisonString, invalidUtf8String)), { minLength: 1, maxLength: 4 }), poisonString)
  .map(([event, placements, key]) => {
    const out: Record<string, unknown> = { ...event }
    for (const [field, value] of placements) {
      if (field === 'metadata') out.metadata = { [key]: value, note: value }
      else if (field === 'request_body') out.request_body = { [key]: [value, { [key]: value }] }
      else out[field] = value
    }
    return out
  })

interface Payload {
  label: string
  path: string
  body: Buffer
  eventCount?: number
  mustStore: boolean
  malformed: boolean
  /** The payload is events for /v1/audit* (not a report or a stray route). */
  events: boolean
}

const eventsPayload = fc
  .tuple(fc.array(mutatedEvent, { minLength: 1, maxLength: 12 }), fc.constantFrom('single', 'array', 'batch'))
  .map(([items, form]): Payload => {
    const events = form === 'single' ? items.slice(0, 1) : items
    const docs = events.map((e) => e.event)
    const value = form === 'single' ? docs[0] : form === 'array' ? docs : { events: docs }
    return {
      label: `events/${form}`,
      path: form === 'batch' ? '/v1/audit/batch' : '/v1/audit',
      body: encodeBody(value),
      eventCount: events.length,
      mustStore: false,
      malformed: events.some((e) => e.mutated),
      events: true,
    }
  })

const poisonPayload = fc.tuple(fc.array(poisonedEvent, { minLength: 1, maxLength: 5 }), fc.boolean()).map(
  ([events, batch]): Payload => ({
    label: `poison/${batch ? 'batch' : 'array'}`,
    path: batch ? '/v1/audit/batch' : '/v1/audit',
    body: encodeBody(batch ? { events } : events),
    eventCount: events.length,
    mustStore: true,
    malformed: true,
    events: true,
  }),
)

const eventsRoute = fc.constantFrom('/v1/audit', '/v1/audit/batch')

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isShortText = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 100
// clientReportSchema, restated, so a valid report is not counted as malformed.
const isValidReport = (v: unknown): boolean =>
  isObject(v) &&
  isObject(v.dropped) &&
  Object.entries(v.dropped).every(([reason, n]) => isShortText(reason) && Number.isSafeInteger(n) && (n as number) >= 0) &&
  (!('sdk' in v) || (isObject(v.sdk) && isShortText(v.sdk.name) && isShortText(v.sdk.version)))

const otherPayloads: fc.Arbitrary<Payload>[] = [
  // Any JSON at all in place of the body.
  fc
    .tuple(eventsRoute, fc.jsonValue({ maxDepth: 4 }))
    .map(([path, value]) => ({ label: 'json', path, body: encodeBody(value), mustStore: false, malformed: !(Array.isArray(value) && value.length === 0), events: true })),
  // The batch envelope gone wrong.
  fc
    .tuple(fc.constantFrom('events', 'Events', 'event', ''), fc.oneof(badValue, fc.array(badValue, { maxLength: 5 })), fc.option(fc.dictionary(fc.string({ maxLength: 5 }), badValue, { maxKeys: 2 })))
    .map(([key, value, more]) => ({ label: 'envelope', path: '/v1/audit/batch', body: encodeBody({ ...more, [key]: value }), mustStore: false, malformed: true, events: true })),
  // Nesting as raw text: balanced, unbalanced, or around events.
  fc
    .tuple(
      eventsRoute,
      fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 1_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 100_000 }) }, { weight: 1, arbitrary: fc.constant(100_000) }),
      fc.constantFrom('array', 'object', 'mixed') as fc.Arbitrary<'array' | 'object' | 'mixed'>, fc.boolean(), fc.boolean())
    .map(([path, depth, kind, balanced, wrapped]) => {
      const deep = nested(depth, kind, balanced)
      const body = wrapped ? Buffer.concat([Buffer.from(path.endsWith('batch') ? '{"events":[' : '['), deep, Buffer.from(']' + (path.endsWith('batch') ? '}' : ''))]) : deep
      return { label: `deep/${kind}/${depth}`, path, body, mustStore: false, malformed: true, events: true }
    }),
  // Random bytes.
  fc.tuple(eventsRoute, fc.uint8Array({ maxLength: 4096 })).map(([path, bytes]) => ({ label: 'bytes', path, body: Buffer.from(bytes), mustStore: false, malformed: true, events: true })),
  // A valid body cut short.
  fc.tuple(eventsPayload, fc.double({ min: 0, max: 1, noNaN: true })).map(([{ eventCount: _count, ...p }, at]) => ({ ...p, label: `${p.label}/truncated`, body: p.body.subarray(0, Math.min(p.body.length - 1, Math.floor(p.body.length * at))), malformed: true })),
  // Over 1,000 events: SDKs must split.
  fc
    .tuple(fc.integer({ min: 1_001, max: 1_300 }), fc.boolean(), fc.constantFrom({}, { path: '/x', method: 'GET', status_code: 200 }))
    .map(([n, batch, event]) => {
      const events = Array.from({ length: n }, () => event)
      return { label: `oversized/${n}`, path: batch ? '/v1/audit/batch' : '/v1/audit', body: encodeBody(batch ? { events } : events), mustStore: false, malformed: true, events: true }
    }),
  // Client reports of any shape.
  fc
    .oneof(
      fc.record({ dropped: fc.dictionary(fc.oneof(fc.string({ maxLength: 120 }), poisonString), fc.oneof(fc.integer({ min: -5, max: 2 ** 53 }), badValue), { maxKeys: 4 }), sdk: fc.option(fc.record({ name: fc.oneof(fc.string(), poisonString), version: badValue })) }),
      badValue,
    )
    .map((value) => ({ label: 'client-report', path: '/v1/audit/client-report', body: encodeBody(value), mustStore: false, malformed: !isValidReport(value), events: false })),
  // Routes that do not exist or do not decode.
  fc
    .constantFrom('/v1/audit/', '/v1/Audit', '/v1/audit/batch/more', '/v1/%ZZ', '/v1/audit%', '/', '/metrics', '/v2/audit', '/v1/audit/../audit')
    .map((path) => ({ label: `route ${path}`, path, body: Buffer.from('{}'), mustStore: false, malformed: true, events: false })),
]

const payload: fc.Arbitrary<Payload> = fc.oneof(
  { weight: 30, arbitrary: eventsPayload },
  { weight: 10, arbitrary: poisonPayload },
  { weight: 6, arbitrary: otherPayloads[0]! },
  { weight: 4, arbitrary: otherPayloads[1]! },
  { weight: 4, arbitrary: otherPayloads[2]! },
  { weight: 3, arbitrary: otherPayloads[3]! },
  { weight: 3, arbitrary: otherPayloads[4]! },
  { weight: 1, arbitrary: otherPayloads[5]! },
  { weight: 4, arbitrary: otherPayloads[6]! },
  { weight: 1, arbitrary: otherPayloads[7]! },
)

const headerText = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c === 0x7f ? 0x20 : c)), maxLength })
const base64url = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength, maxLength })

type Auth = { label: string; headers: Record<string, string>; query: string; valid: boolean; publishable: boolean }

const auth = (keys: FuzzKeys): fc.Arbitrary<Auth> =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constant({ label: 'secret', headers: { 'x-api-key': keys.secret }, query: '', valid: true, publishable: false }) },
    { weight: 3, arbitrary: fc.constantFrom('Bearer ', 'bearer  ', 'BEARER\t').map((scheme) => ({ label: 'bearer', headers: { authorization: `${scheme}${keys.secret}` }, query: '', valid: true, publishable: false })) },
    { weight: 3, arbitrary: fc.constant({ label: 'publishable', headers: { 'x-api-key': keys.publishable, origin: keys.origin }, query: '', valid: true, publishable: true }) },
    { weight: 2, arbitrary: fc.constant({ label: 'beacon', headers: { origin: keys.origin }, query: `?key=${keys.publishable}`, valid: true, publishable: true }) },
    { weight: 1, arbitrary: fc.constantFrom('', 'http://evil.test', 'null').map((origin) => ({ label: `publishable from '${origin}'`, headers: { 'x-api-key': keys.publishable, ...(origin ? { origin } : {}) }, query: '', valid: false, publishable: true })) },
    { weight: 1, arbitrary: fc.constant({ label: 'secret with origin', headers: { 'x-api-key': keys.secret, origin: keys.origin }, query: '', valid: false, publishable: false }) },
    { weight: 1, arbitrary: fc.constant({ label: 'secret in url', headers: {}, query: `?key=${keys.secret}`, valid: false, publishable: false }) },
    { weight: 1, arbitrary: fc.constant({ label: 'no key', headers: {}, query: '', valid: false, publishable: false }) },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          headerText(200),
          base64url(20, 100).map((s) => `et_sk_${s}`),
          base64url(20, 100).map((s) => `et_pk_${s}`),
          base64url(8, 100).map((s) => `bat_${s}`),
          base64url(0, 19).map((s) => `et_sk_${s}`),
          fc.integer({ min: 1_000, max: 12_000 }).map((n) => `et_sk_${'A'.repeat(n)}`),
          fc.constant(`${keys.secret.slice(0, -1)}${keys.secret.endsWith('A') ? 'B' : 'A'}`),
        )
        .chain((key) =>
          fc.constantFrom(
            { label: 'bad key', headers: { 'x-api-key': key }, query: '', valid: false, publishable: false },
            { label: 'bad bearer', headers: { authorization: `Bearer ${key}` }, query: '', valid: false, publishable: false },
            { label: 'bad key in url', headers: {}, query: `?key=${encodeURIComponent(key)}`, valid: false, publishable: false },
          ),
        ),
    },
    { weight: 1, arbitrary: fc.constantFrom('?key=%', '?key=%ZZ', '?key=a&key=b', '?key[]=x', '?key=') .map((query) => ({ label: `query ${query}`, headers: {}, query, valid: false, publishable: false })) },
  )

type ContentType = { value: string | undefined; valid: boolean }
const contentType: fc.Arbitrary<ContentType> = fc.oneof(
  { weight: 20, arbitrary: fc.constant({ value: 'application/json', valid: true }) },
  { weight: 3, arbitrary: fc.constantFrom('text/plain;charset=UTF-8', 'application/json; charset=utf-8', 'Application/JSON', 'text/plain').map((value) => ({ value, valid: true })) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | undefined>(undefined, '', 'application/xml', 'text/html', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/octet-stream', 'application/jsonx', 'json', '*/*').map((value) => ({ value, valid: false })),
  },
  { weight: 1, arbitrary: headerText(60).map((value) => ({ value, valid: false })) },
)

// 8 MiB of spaces: about 8 KiB gzipped.
const GZIP_BOMB = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20), { level: 9 })

type Encoding = { label: string; apply: (body: Buffer) => { body: Buffer; header?: string }; valid: boolean }
const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 20, arbitrary: fc.constant({ label: 'plain', apply: (body: Buffer) => ({ body }), valid: true }) },
  { weight: 4, arbitrary: fc.constantFrom('gzip', 'GZIP', 'x-gzip').map((name) => ({ label: name, apply: (body: Buffer) => ({ body: gzipSync(body), header: name }), valid: true })) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => ({
      label: 'corrupt gzip',
      apply: (body: Buffer) => {
        const gz = Buffer.from(gzipSync(body))
        const i = at % gz.length
        gz[i] = (gz[i] ?? 0) ^ (byte || 1)
        return { body: gz, header: 'gzip' }
      },
      valid: false,
    })),
  },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((at) => ({ label: 'cut gzip', apply: (body: Buffer) => { const gz = gzipSync(body); return { body: gz.subarray(0, Math.floor(gz.length * at)), header: 'gzip' } }, valid: false })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ label: 'gzip of noise', apply: () => ({ body: Buffer.from(bytes), header: 'gzip' }), valid: false })) },
  { weight: 1, arbitrary: fc.constantFrom('br', 'deflate', 'compress', 'gzip, gzip', 'identity, gzip', 'zstd').map((name) => ({ label: name, apply: (body: Buffer) => ({ body, header: name }), valid: false })) },
  { weight: 1, arbitrary: fc.constant({ label: 'gzip bomb', apply: () => ({ body: GZIP_BOMB, header: 'gzip' }), valid: false }) },
)

/** Whole requests: a payload sent with some key, content type and encoding. */
export const fuzzRequest = (keys: FuzzKeys): fc.Arbitrary<FuzzRequest> =>
  fc.tuple(payload, auth(keys), contentType, encoding).map(([p, a, ct, enc]) => {
    const encoded = enc.apply(p.body)
    const headers: Record<string, string> = { ...a.headers }
    if (ct.value !== undefined) headers['content-type'] = ct.value
    if (encoded.header !== undefined) headers['content-encoding'] = encoded.header
    const wellSent = a.valid && ct.valid && enc.valid
    return {
      label: `${p.label} | ${a.label} | ${ct.value ?? 'no content-type'} | ${enc.label}`,
      method: 'POST',
      path: `${p.path}${a.query}`,
      headers,
      body: encoded.body,
      ...(p.eventCount !== undefined && enc.valid && p.events ? { eventCount: p.eventCount } : {}),
      mustStore: p.mustStore && wellSent,
      malformed: p.malformed || !wellSent || !p.events,
    }
  })
