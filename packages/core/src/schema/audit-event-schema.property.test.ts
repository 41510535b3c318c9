import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HTTP_METHODS, WIRE_LIMITS } from '../event/vocabulary'
import { auditEventSchema, splitUnknownFields } from './audit-event-schema'
import { KNOWN, validEvent } from './event-arbitraries'

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
