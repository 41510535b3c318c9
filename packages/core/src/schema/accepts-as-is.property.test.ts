import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AUDIT_EVENT_FIELDS } from '../event/audit-event'
import { HTTP_METHODS, WIRE_LIMITS } from '../event/vocabulary'
import { acceptsAsIs } from './accepts-as-is'
import { auditEventFieldsSchema } from './audit-event-schema'
import { json, validEvent } from './event-arbitraries'

/** What acceptsAsIs promises: the schema accepts the value and returns an equal copy. */
const schemaKeepsAsIs = (value: unknown): boolean => {
  const result = auditEventFieldsSchema.safeParse(value)
  return result.success && isDeepStrictEqual(result.data, value)
}

const upperCaseMethod = (event: Record<string, unknown>): Record<string, unknown> =>
  typeof event.method === 'string' ? { ...event, method: event.method.toUpperCase() } : event

const text = (length: number): string => 'a'.repeat(length)
const uuid = '0190a3d2-7c4e-7b1a-9f00-0123456789ab'

// For each field, values at and past its limits and the spellings zod rewrites.
const EDGES: Readonly<Record<string, readonly unknown[]>> = {
  event_id: [uuid, uuid.toUpperCase(), uuid.replace('-7b1a', '-0b1a'), '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', uuid.slice(1)],
  timestamp: ['2026-11-25T04:00:00Z', '2026-11-25T04:00:00.123+01:00', '2026-11-25T04:00:00', '2026-11-25T04:00Z', '2026-13-01T00:00:00Z', '2026-11-25T04:00:00+24:00', 0, -1, 1.5, 8_640_000_000_000_000, 8_640_000_000_000_001],
  path: ['', '/', text(WIRE_LIMITS.maxPathLength), text(WIRE_LIMITS.maxPathLength + 1)],
  method: [...HTTP_METHODS, 'get', 'Post', 'TRACE', ''],
  status_code: [99, 100, 599, 600, 200.5, -200],
  response_time: [0, -0, 1e-9, -1e-9, -1, 1e300],
  identifier: [text(WIRE_LIMITS.maxIdentifierLength), text(WIRE_LIMITS.maxIdentifierLength + 1)],
  environment: ['prod', 'production', '-prod', 'p'.repeat(100), 'p'.repeat(101), 'pr od'],
  user_roles: [[], ['admin'], ['admin', 1], [null]],
  query_params: [{}, { a: [1, { b: null }] }, [], 'a=1'],
  path_params: [{}, { id: '1' }, [1]],
  source: ['browser', 'backend', 'Browser', 'mobile'],
  orphan: [true, false, 'true', 0],
  action: ['', 'key.created'],
  actor_type: ['user', 'USER', 'robot'],
  category: ['AUTH', 'auth'],
  severity: ['INFO', 'info'],
  outcome: ['success', 'SUCCESS'],
  metadata: [{}, { parameters: {} }, { parameters: [] }, { parameters: 1 }, { other: [1, 'a'] }, []],
  compliance_tags: [[], ['GDPR'], ['NOPE'], 'GDPR'],
}

// A field and a value for it: one of its edges, or any JSON value.
const replacement: fc.Arbitrary<[string, unknown]> = fc
  .constantFrom(...AUDIT_EVENT_FIELDS)
  .chain((name) => fc.tuple(fc.constant(name), EDGES[name] ? fc.oneof(fc.constantFrom(...EDGES[name]), json) : json))

/** A valid event with some fields replaced or removed, and sometimes an own `__proto__` key. */
const nearlyValidEvent = fc
  .tuple(
    validEvent,
    fc.array(replacement, { maxLength: 3 }),
    fc.array(fc.constantFrom(...AUDIT_EVENT_FIELDS), { maxLength: 2 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([event, replaced, removed, withProto, inMetadata]) => {
    const out: Record<string, unknown> = { ...event }
    for (const [key, value] of replaced) out[key] = value
    for (const key of removed) delete out[key]
    if (withProto) {
      const proto = JSON.parse('{"__proto__": 1}') as Record<string, unknown>
      if (inMetadata) out.metadata = { ...(out.metadata as object), ...proto }
      else Object.assign(out, proto)
    }
    return out
  })

describe('acceptsAsIs', () => {
  it('accepts exactly the events the schema keeps as they are', () => {
    fc.assert(
      fc.property(fc.oneof(validEvent, nearlyValidEvent), (event) => {
        expect(acceptsAsIs(event)).toBe(schemaKeepsAsIs(event))
      }),
      { numRuns: 5000 },
    )
  })

  it('accepts every valid event whose method is in upper case', () => {
    fc.assert(
      fc.property(validEvent.map(upperCaseMethod), (event) => {
        expect(acceptsAsIs(event)).toBe(true)
      }),
    )
  })

  it('leaves a lower-case method, a missing required field and an own __proto__ to the schema', () => {
    const request = { path: '/api/users', method: 'GET', status_code: 200 }
    expect(acceptsAsIs(request)).toBe(true)
    expect(acceptsAsIs({ ...request, method: 'get' })).toBe(false)
    expect(acceptsAsIs({ path: '/api/users', method: 'GET' })).toBe(false)
    expect(acceptsAsIs({ path: '/api/users', method: 'GET', orphan: true })).toBe(true)
    expect(acceptsAsIs({ action: 'key.created' })).toBe(true)
    expect(acceptsAsIs({ ...request, ...(JSON.parse('{"__proto__": {}}') as object) })).toBe(false)
    expect(acceptsAsIs([request])).toBe(false)
    expect(acceptsAsIs(null)).toBe(false)
  })
})
