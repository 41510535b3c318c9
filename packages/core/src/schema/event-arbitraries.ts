import fc from 'fast-check'
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

// Test support: generators of wire format v1 events, shared by the schema's property tests.

export const KNOWN: ReadonlySet<string> = new Set(AUDIT_EVENT_FIELDS)

const text = fc.string({ maxLength: 30 })
export const json = fc.jsonValue({ maxDepth: 2 })
const jsonObject = fc.dictionary(fc.string({ maxLength: 10 }), json, { maxKeys: 4 })
// Senders may use any case; the schema stores upper case.
export const method = fc.constantFrom(...HTTP_METHODS).chain((m) => fc.constantFrom(m, m.toLowerCase()))
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
export const validEvent = fc
  .tuple(unknownFields, optionalFields, kind)
  .map(([extra, fields, core]) => ({ ...extra, ...fields, ...core }))
  .map((event) => JSON.parse(JSON.stringify(event, withoutProtoKeys)) as Record<string, unknown>)

