import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AUDIT_EVENT_FIELDS } from '../event/audit-event'
import {
  ACTOR_TYPES,
  CATEGORIES,
  COMPLIANCE_TAGS,
  EVENT_SOURCES,
  HTTP_METHODS,
  OUTCOMES,
  SEVERITIES,
  WIRE_LIMITS,
} from '../event/vocabulary'
import { auditEventSchema, splitUnknownFields } from './audit-event-schema'

const KNOWN: ReadonlySet<string> = new Set(AUDIT_EVENT_FIELDS)

const text = fc.string({ maxLength: 30 })
const json = fc.jsonValue({ maxDepth: 2 })
const jsonObject = fc.dictionary(fc.string({ maxLength: 10 }), json, { maxKeys: 4 })
// Senders may use any case; the schema stores upper case.
const method = fc.constantFrom(...HTTP_METHODS).chain((m) => fc.constantFrom(m, m.toLowerCase()))
const instant = fc.date({
  min: new Date(0),
  max: new Date('9999-12-31T23:59:59.999Z'),
  noInvalidDate: true,
})
const twoDigits = (max: number) =>
  fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'))
const offset = fc
  .tuple(fc.constantFrom('+', '-'), twoDigits(23), twoDigits(59))
  .map(([sign, hours, minutes]) => `${sign}${hours}:${minutes}`)
const timestamp = fc.oneof(
  instant.map((d) => d.toISOString()),
  fc.tuple(instant, offset).map(([d, o]) => d.toISOString().replace('Z', o)),
  instant.map((d) => d.getTime()),
)
const metadata = fc
  .tuple(
    fc.record({ parameters: jsonObject }, { requiredKeys: [] }),
    fc.dictionary(
      fc.string({ maxLength: 10 }).filter((key) => key !== 'parameters'),
      json,
      { maxKeys: 3 },
    ),
  )
  .map(([known, rest]) => ({ ...rest, ...known }))

const optionalFields = fc.record(
  {
    event_id: fc.uuid().chain((id) => fc.constantFrom(id, id.toUpperCase())),
    timestamp,
    path: fc.string({ minLength: 1, maxLength: WIRE_LIMITS.maxPathLength }),
    method,
    status_code: fc.integer({ min: WIRE_LIMITS.minStatusCode, max: WIRE_LIMITS.maxStatusCode }),
    response_time: fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }),
    route: text,
    identifier: fc.string({ maxLength: WIRE_LIMITS.maxIdentifierLength }),
    service_name: text,
    environment: fc.stringMatching(WIRE_LIMITS.environmentPattern),
    user_email: text,
    user_name: text,
    user_roles: fc.array(text, { maxLength: 3 }),
    user_type: text,
    tenant_id: text,
    ip: text,
    user_agent: text,
    request_id: text,
    query_params: jsonObject,
    path_params: jsonObject,
    request_body: json,
    response_body: json,
    error_message: text,
    session_id: text,
    source: fc.constantFrom(...EVENT_SOURCES),
    orphan: fc.boolean(),
    action: fc.string({ minLength: 1, maxLength: 30 }),
    actor_type: fc.constantFrom(...ACTOR_TYPES),
    actor: text,
    resource_type: text,
    resource_id: text,
    target: text,
    category: fc.constantFrom(...CATEGORIES),
    severity: fc.constantFrom(...SEVERITIES),
    outcome: fc.constantFrom(...OUTCOMES),
    description: text,
    metadata,
    compliance_tags: fc.subarray([...COMPLIANCE_TAGS]),
  },
  { requiredKeys: [] },
)

// The fields that make an event a request, an orphaned request or an action.
const shortPath = fc.string({ minLength: 1, maxLength: 50 })
const kind = fc.oneof(
  fc.record({ path: shortPath, method, status_code: fc.integer({ min: 100, max: 599 }) }),
  fc.record({ path: shortPath, method, orphan: fc.constant(true) }),
  fc.record({ action: fc.string({ minLength: 1, maxLength: 30 }) }),
)

const unknownFields = fc.dictionary(
  fc.string({ maxLength: 12 }).filter((key) => !KNOWN.has(key)),
  json,
  { maxKeys: 3 },
)

// zod drops keys named __proto__ (its prototype-pollution guard; pinned by a unit test),
// so the generators leave them out rather than let them fail every property.
const withoutProtoKeys = (key: string, value: unknown): unknown =>
  key === '__proto__' ? undefined : value

// Through JSON and back, so each event is exactly what the collector receives over HTTP.
const validEvent = fc
  .tuple(unknownFields, optionalFields, kind)
  .map(([extra, fields, core]) => ({ ...extra, ...fields, ...core }))
  .map((event) => JSON.parse(JSON.stringify(event, withoutProtoKeys)) as Record<string, unknown>)

const parse = (input: unknown): unknown => {
  const result = auditEventSchema.safeParse(input)
  if (!result.success) throw new Error(JSON.stringify(result.error.issues))
  return result.data
}

describe('auditEventSchema properties', () => {
  it('accepts every event built from valid field values', () => {
    fc.assert(
      fc.property(validEvent, (event) => {
        expect(auditEventSchema.safeParse(event).error?.issues).toBeUndefined()
      }),
    )
  })

  it('changes nothing but the case of method', () => {
    fc.assert(
      fc.property(validEvent, (event) => {
        const { method: sent } = event
        const expected = typeof sent === 'string' ? { ...event, method: sent.toUpperCase() } : event
        expect(parse(event)).toStrictEqual(expected)
      }),
    )
  })

  it('is idempotent: parsing a parsed event gives the same event', () => {
    fc.assert(
      fc.property(validEvent, (event) => {
        const once = parse(event)
        expect(parse(once)).toStrictEqual(once)
      }),
    )
  })

  it('loses nothing when unknown fields are split off', () => {
    fc.assert(
      fc.property(validEvent, (event) => {
        const parsed = auditEventSchema.parse(event)
        const { event: known, extra } = splitUnknownFields(parsed)
        expect(Object.keys(known).every((key) => KNOWN.has(key))).toBe(true)
        expect(Object.keys(extra).some((key) => KNOWN.has(key))).toBe(false)
        expect({ ...known, ...extra }).toStrictEqual(parsed)
      }),
    )
  })

  it('rejects an event with one limit broken, naming that field', () => {
    const methods: readonly string[] = HTTP_METHODS
    const breaking = (field: string, value: fc.Arbitrary<unknown>) =>
      fc.record({ field: fc.constant(field), value })
    const broken = fc.oneof(
      breaking('path', fc.string({ minLength: 256, maxLength: 400 })),
      breaking('identifier', fc.string({ minLength: 101, maxLength: 200 })),
      breaking('status_code', fc.oneof(fc.integer({ max: 99 }), fc.integer({ min: 600 }))),
      breaking(
        'environment',
        fc.string({ maxLength: 120 }).filter((env) => !WIRE_LIMITS.environmentPattern.test(env)),
      ),
      breaking(
        'method',
        fc.string({ maxLength: 8 }).filter((m) => !methods.includes(m.toUpperCase())),
      ),
    )
    fc.assert(
      fc.property(validEvent, broken, (event, { field, value }) => {
        const result = auditEventSchema.safeParse({ ...event, [field]: value })
        expect(result.error?.issues.map((issue) => issue.path[0])).toContain(field)
      }),
    )
  })
})
