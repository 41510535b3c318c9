import { describe, expect, expectTypeOf, it } from 'vitest'
import { AUDIT_EVENT_FIELDS } from './audit-event'
import type {
  ActionEvent,
  AuditEvent,
  AuditEventField,
  AuditEventFields,
  EventMetadata,
  RequestEvent,
} from './audit-event'
import type { JsonObject } from './json'

describe('AUDIT_EVENT_FIELDS', () => {
  it('names each field once', () => {
    expect(new Set(AUDIT_EVENT_FIELDS).size).toBe(AUDIT_EVENT_FIELDS.length)
  })

  it('names every field of AuditEventFields and nothing else', () => {
    expectTypeOf<AuditEventField>().toEqualTypeOf<keyof AuditEventFields>()
  })

  it('includes every BatAudit request field', () => {
    const batAudit = [
      'path', 'method', 'status_code', 'response_time', 'identifier', 'service_name',
      'environment', 'user_email', 'user_name', 'user_roles', 'user_type', 'tenant_id', 'ip',
      'user_agent', 'request_id', 'query_params', 'path_params', 'request_body',
      'error_message', 'session_id', 'source',
    ]
    expect(AUDIT_EVENT_FIELDS).toEqual(expect.arrayContaining(batAudit))
  })
})

describe('event types', () => {
  it('types the BatAudit seed event as a request event', () => {
    const seed = {
      path: '/api/users',
      method: 'GET',
      status_code: 200,
      response_time: 45,
      identifier: 'user-123',
      service_name: 'my-api',
      environment: 'production',
    } as const
    expectTypeOf(seed).toExtend<RequestEvent>()
    expectTypeOf(seed).toExtend<AuditEvent>()
  })

  it('requires a status code on a request event unless it is an orphan', () => {
    expectTypeOf<{ path: string; method: 'GET' }>().not.toExtend<RequestEvent>()
    expectTypeOf<{ path: string; method: 'GET'; orphan: true }>().toExtend<RequestEvent>()
    expectTypeOf<{ path: string; method: 'GET'; orphan: false }>().not.toExtend<RequestEvent>()
  })

  it('requires only an action on an action event', () => {
    expectTypeOf<{ action: string }>().toExtend<ActionEvent>()
    expectTypeOf<{ actor: string }>().not.toExtend<AuditEvent>()
  })

  it('rejects a lower-case method and an unknown category in the wire type', () => {
    expectTypeOf<{ action: string; method: 'get' }>().not.toExtend<AuditEvent>()
    expectTypeOf<{ action: string; category: 'auth' }>().not.toExtend<AuditEvent>()
  })

  it('lets any event pass as a JSON object, for masking and hashing', () => {
    expectTypeOf<AuditEvent>().toExtend<JsonObject>()
    expectTypeOf<AuditEvent>().toExtend<Record<string, unknown>>()
  })

  it('keeps metadata plain JSON, parameters included', () => {
    expectTypeOf<EventMetadata>().toExtend<JsonObject>()
    expectTypeOf<{ parameters: string }>().not.toExtend<EventMetadata>()
  })
})
