import { describe, expect, it } from 'vitest'
import { eventByteLength } from '../event/event-byte-length'
import { WIRE_LIMITS } from '../event/vocabulary'
import { auditEventSchema, splitUnknownFields } from './audit-event-schema'
import type { AuditEventOutput } from './audit-event-schema'

// Verbatim from BatAudit's "Your First Event" curl example.
const BATAUDIT_SEED =
  '{"path":"/api/users","method":"GET","status_code":200,"response_time":45,' +
  '"identifier":"user-123","service_name":"my-api","environment":"production"}'

const seed = (): Record<string, unknown> => JSON.parse(BATAUDIT_SEED) as Record<string, unknown>

const issuePaths = (input: unknown): string[] => {
  const result = auditEventSchema.safeParse(input)
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'))
}

describe('auditEventSchema: accepted events', () => {
  it('parses the BatAudit seed event unchanged', () => {
    const result = auditEventSchema.safeParse(seed())
    expect(result.success).toBe(true)
    expect(result.data).toEqual(seed())
  })

  it('accepts every field of the BatAudit reference', () => {
    const event = {
      ...seed(),
      user_email: 'alice@example.com',
      user_name: 'Alice',
      user_roles: ['admin', 'billing'],
      user_type: 'admin',
      tenant_id: 'org-42',
      ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0',
      request_id: 'req-abc',
      query_params: { page: '2', tags: ['a', 'b'] },
      path_params: { id: '123' },
      request_body: { name: 'Bob' },
      error_message: 'boom',
      session_id: 'sess-1',
      source: 'browser',
    }
    expect(auditEventSchema.safeParse(event).success).toBe(true)
  })

  it('accepts the environment name prod that BatAudit SDKs send', () => {
    expect(auditEventSchema.safeParse({ ...seed(), environment: 'prod' }).success).toBe(true)
  })

  it('parses an action event without any request field', () => {
    const event = {
      action: 'key.created',
      actor: 'alice@example.com',
      actor_type: 'human',
      resource_type: 'api_key',
      resource_id: 'k_123',
      metadata: { parameters: { scopes: ['read'] } },
    }
    const result = auditEventSchema.safeParse(event)
    expect(result.success).toBe(true)
    expect(result.data).toEqual(event)
  })

  it('parses a HardDeleteTenant action with parameters', () => {
    const event = {
      event_id: '0190b5e2-7c4f-7abc-8def-0123456789ab',
      timestamp: '2025-03-14T09:26:53.589Z',
      action: 'HardDeleteTenant',
      actor: 'tenant-reaper',
      actor_type: 'agent',
      resource_type: 'tenant',
      resource_id: 't_9f2c41',
      target: 'shard-eu-3',
      category: 'TENANT_MGMT',
      severity: 'CRITICAL',
      outcome: 'success',
      description: 'Tenant deleted after the retention grace period',
      compliance_tags: ['GDPR', 'SOX'],
      metadata: {
        parameters: { tenant_id: 't_9f2c41', confirm: true, grace_days: 30 },
        before: { status: 'suspended' },
        triggered_by: 'agent-7',
      },
    }
    const result = auditEventSchema.safeParse(event)
    expect(result.success).toBe(true)
    expect(result.data).toEqual(event)
  })

  it('accepts a browser request that never got a response without a status code', () => {
    const orphan = { path: '/api/upload', method: 'POST', source: 'browser', orphan: true }
    expect(auditEventSchema.safeParse(orphan).success).toBe(true)
  })

  it.each([
    ['a UTC timestamp', '2025-03-14T09:26:53Z'],
    ['a timestamp with an offset', '2025-03-14T10:26:53+01:00'],
    ['a timestamp with microseconds', '2025-03-14T09:26:53.123456-05:30'],
    ['epoch milliseconds', 1_741_944_413_589],
    ['epoch zero', 0],
  ])('accepts %s as timestamp', (_label, timestamp) => {
    expect(auditEventSchema.safeParse({ ...seed(), timestamp }).success).toBe(true)
  })

  it('accepts an upper-case UUID as event_id', () => {
    const event = { ...seed(), event_id: '0190B5E2-7C4F-7ABC-8DEF-0123456789AB' }
    expect(auditEventSchema.safeParse(event).success).toBe(true)
  })

  it.each(['get', 'Patch', 'oPtIoNs'])('normalises the method %s to upper case', (method) => {
    const result = auditEventSchema.safeParse({ ...seed(), method })
    expect(result.data?.method).toBe(method.toUpperCase())
  })
})

describe('auditEventSchema: limits', () => {
  // [field, invalid value, what is wrong]; each row must yield an issue naming the field.
  const violations: [string, unknown, string][] = [
    ['path', 'x'.repeat(WIRE_LIMITS.maxPathLength + 1), 'longer than 255 characters'],
    ['path', '', 'empty'],
    ['path', 42, 'not a string'],
    ['identifier', 'u'.repeat(WIRE_LIMITS.maxIdentifierLength + 1), 'longer than 100 characters'],
    ['status_code', 99, 'below 100'],
    ['status_code', 600, 'above 599'],
    ['status_code', 200.5, 'not an integer'],
    ['status_code', '200', 'a string'],
    ['method', 'TRACE', 'not an accepted method'],
    ['method', 'GETT', 'a misspelt method'],
    ['method', 1, 'not a string'],
    ['environment', '-prod', 'starting with a dash'],
    ['environment', 'prod env', 'containing a space'],
    ['environment', 'e'.repeat(101), 'longer than 100 characters'],
    ['environment', '', 'empty'],
    ['event_id', 'not-a-uuid', 'not a UUID'],
    ['timestamp', '2025-03-14T09:26:53', 'without an offset'],
    ['timestamp', '2025-03-14', 'a date without time'],
    ['timestamp', '2025-02-30T00:00:00Z', 'an impossible date'],
    ['timestamp', -1, 'a negative epoch'],
    ['timestamp', 1.5, 'a fractional epoch'],
    ['timestamp', 8_640_000_000_000_001, 'past the last representable date'],
    ['response_time', -1, 'negative'],
    ['response_time', Number.POSITIVE_INFINITY, 'infinite'],
    ['source', 'server', 'not backend or browser'],
    ['orphan', 'yes', 'not a boolean'],
    ['action', '', 'empty'],
    ['actor_type', 'robot', 'not human, agent or system'],
    ['category', 'auth', 'not one of the categories (case matters)'],
    ['severity', 'FATAL', 'not a severity'],
    ['outcome', 'ok', 'not an outcome'],
    ['compliance_tags', ['SOC2'], 'an unknown framework'],
    ['compliance_tags', 'GDPR', 'not an array'],
    ['user_roles', 'admin', 'not an array'],
    ['user_email', undefined, 'present but undefined'],
    ['query_params', ['a'], 'an array instead of an object'],
    ['metadata', 'note', 'not an object'],
  ]

  it.each(violations)('rejects %s %j (%s) with an issue naming the field', (field, value) => {
    expect(issuePaths({ ...seed(), [field]: value })).toContainEqual(
      expect.stringMatching(new RegExp(`^${field}(\\.|$)`)),
    )
  })

  it('names the nested path when metadata.parameters is not an object', () => {
    const event = { action: 'x', metadata: { parameters: [1, 2] } }
    expect(issuePaths(event)).toContain('metadata.parameters')
  })

  it('refuses metadata.parameters present but undefined, as any other known field', () => {
    const event = { action: 'x', metadata: { parameters: undefined } }
    expect(issuePaths(event)).toContain('metadata.parameters')
  })

  it('names a non-JSON value inside metadata by its key', () => {
    const event = { action: 'x', metadata: { when: new Date(0) } }
    expect(issuePaths(event)).toContain('metadata.when')
  })

  it('reports path, method and status_code when an event has no action', () => {
    expect(issuePaths({ service_name: 'my-api' }).sort()).toEqual(['method', 'path', 'status_code'])
  })

  it('reports only status_code when a request event has path and method', () => {
    expect(issuePaths({ path: '/a', method: 'GET' })).toEqual(['status_code'])
  })

  it('reports a missing field together with a mistyped one', () => {
    expect(issuePaths({ path: 42, method: 'GET' }).sort()).toEqual(['path', 'status_code'])
  })

  it('rejects input that is not an object with an issue at the root', () => {
    for (const input of [null, 'event', 42, [seed()]]) expect(issuePaths(input)).toEqual([''])
  })

  describe('event size', () => {
    // Pads the event to exactly `bytes` of UTF-8 JSON through its description.
    const eventOfSize = (bytes: number): Record<string, unknown> => {
      const event = { ...seed(), description: '' }
      event.description = 'd'.repeat(bytes - eventByteLength(event))
      expect(eventByteLength(event)).toBe(bytes)
      return event
    }

    it('accepts an event of exactly 64 KiB', () => {
      expect(auditEventSchema.safeParse(eventOfSize(WIRE_LIMITS.maxEventBytes)).success).toBe(true)
    })

    it('rejects an event one byte over 64 KiB with a too_big issue at the root', () => {
      const result = auditEventSchema.safeParse(eventOfSize(WIRE_LIMITS.maxEventBytes + 1))
      expect(result.error?.issues).toEqual([
        expect.objectContaining({ code: 'too_big', path: [], maximum: WIRE_LIMITS.maxEventBytes }),
      ])
    })

    it('counts multi-byte characters in the size, not code units', () => {
      const event = { ...seed(), description: 'é'.repeat(WIRE_LIMITS.maxEventBytes / 2) }
      expect(event.description.length).toBeLessThan(WIRE_LIMITS.maxEventBytes)
      expect(auditEventSchema.safeParse(event).success).toBe(false)
    })

    it('rejects an in-process event JSON cannot serialise instead of throwing', () => {
      expect(issuePaths({ ...seed(), trace: 1n })).toEqual([''])
    })
  })
})

describe('unknown fields', () => {
  const withUnknown = () => ({ ...seed(), deploy_sha: 'abc123', retries: 2, custom: { a: [1] } })

  it('are kept on the parsed event', () => {
    const result = auditEventSchema.safeParse(withUnknown())
    expect(result.success).toBe(true)
    expect(result.data).toEqual(withUnknown())
  })

  it('are split off by splitUnknownFields, the known fields left in event', () => {
    const { event, extra } = splitUnknownFields(auditEventSchema.parse(withUnknown()))
    expect(event).toEqual(seed())
    expect(extra).toEqual({ deploy_sha: 'abc123', retries: 2, custom: { a: [1] } })
  })

  it('leave extra empty when the event has none', () => {
    expect(splitUnknownFields(auditEventSchema.parse(seed())).extra).toEqual({})
  })

  it('drop a top-level __proto__ key (zod does, against prototype pollution) but keep one inside free JSON as data', () => {
    const input = JSON.parse('{"action":"x","__proto__":1,"query_params":{"__proto__":2,"a":3}}')
    const parsed = auditEventSchema.parse(input) as { query_params: Record<string, unknown> }
    expect(Object.keys(parsed).sort()).toEqual(['action', 'query_params'])
    expect(Object.keys(parsed.query_params)).toEqual(['__proto__', 'a'])
    expect(Object.getPrototypeOf(parsed.query_params)).toBe(Object.prototype)
  })

  it('keep an own __proto__ key as data instead of replacing the prototype', () => {
    const parsed = JSON.parse(`{"action":"x","__proto__":{"polluted":true}}`) as AuditEventOutput
    const { extra } = splitUnknownFields(parsed)
    expect(Object.getPrototypeOf(extra)).toBe(Object.prototype)
    expect(Object.keys(extra)).toEqual(['__proto__'])
    expect((extra as { polluted?: unknown }).polluted).toBeUndefined()
  })
})

describe('auditEventSchema: free JSON fields hold JSON data only', () => {
  it('accepts nested objects and arrays, in any mix', () => {
    const body = { a: [1, { b: [true, null, 'x'] }], c: { d: { e: [] } } }
    expect(issuePaths({ ...seed(), query_params: { page: '1', tags: ['a', 'b'] }, request_body: body, metadata: { parameters: body } })).toEqual([])
    // The same value twice in different fields is fine: each field is walked on its own.
    const shared = { k: 'v' }
    expect(issuePaths({ ...seed(), query_params: shared, path_params: shared })).toEqual([])
  })

  it('refuses cycles at the top and deeper down, and a container held twice', () => {
    const selfRef: Record<string, unknown> = { page: '1' }
    selfRef.again = selfRef
    expect(issuePaths({ ...seed(), query_params: selfRef })).toEqual(['query_params'])
    const deep: Record<string, unknown> = { a: { b: {} } }
    ;((deep.a as Record<string, unknown>).b as Record<string, unknown>).up = deep.a
    expect(issuePaths({ ...seed(), request_body: deep })).toEqual(['request_body'])
    const leaf = [1, 2]
    expect(issuePaths({ ...seed(), response_body: { x: leaf, y: leaf } })).toEqual(['response_body'])
    const list: unknown[] = []
    list.push(list)
    expect(issuePaths({ ...seed(), response_body: list })).toEqual(['response_body'])
  })

  it('refuses what JSON cannot carry, and checks the next value afresh after a refusal', () => {
    expect(issuePaths({ ...seed(), request_body: { n: Number.NaN } })).toEqual(['request_body'])
    expect(issuePaths({ ...seed(), request_body: [new Date(0)] })).toEqual(['request_body'])
    expect(issuePaths({ ...seed(), query_params: { f: () => 1 } })).toEqual(['query_params'])
    expect(issuePaths({ ...seed(), request_body: { a: [1, 2, 3, { b: Infinity }] }, response_body: { ok: [1, 2, 3] } })).toEqual(['request_body'])
  })
})
