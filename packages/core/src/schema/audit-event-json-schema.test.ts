import { describe, expect, it } from 'vitest'
import { AUDIT_EVENT_FIELDS } from '../event/audit-event'
import { HTTP_METHODS } from '../event/vocabulary'
import { auditEventJsonSchema } from './audit-event-json-schema'

type Properties = Record<string, Record<string, unknown>>

describe('auditEventJsonSchema', () => {
  it('survives a JSON round trip unchanged', () => {
    const schema = auditEventJsonSchema()
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema)
  })

  it('names every wire format field as a property', () => {
    const properties = auditEventJsonSchema().properties as Properties
    expect(Object.keys(properties).sort()).toEqual([...AUDIT_EVENT_FIELDS].sort())
  })

  it('allows unknown fields, as the collector does', () => {
    expect(auditEventJsonSchema().additionalProperties).not.toBe(false)
  })

  it('carries the limits, e.g. the path length and the method list', () => {
    const properties = auditEventJsonSchema().properties as Properties
    expect(properties.path?.maxLength).toBe(255)
    expect(properties.method?.enum).toEqual([...HTTP_METHODS])
  })

  it('is built once and then served from the cache', () => {
    expect(auditEventJsonSchema()).toBe(auditEventJsonSchema())
  })

  it('is frozen so one caller cannot change it for the next', () => {
    const schema = auditEventJsonSchema()
    expect(Object.isFrozen(schema)).toBe(true)
    expect(Object.isFrozen(schema.properties)).toBe(true)
  })
})
