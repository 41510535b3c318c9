import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  ACTOR_TYPES,
  CATEGORIES,
  COMPLIANCE_TAGS,
  EVENT_SOURCES,
  HTTP_METHODS,
  OUTCOMES,
  SEVERITIES,
  WIRE_LIMITS,
} from './vocabulary'
import type { EventCategory, HttpMethod } from './vocabulary'

const vocabularies = {
  CATEGORIES,
  SEVERITIES,
  OUTCOMES,
  ACTOR_TYPES,
  COMPLIANCE_TAGS,
  HTTP_METHODS,
  EVENT_SOURCES,
}

describe('field vocabularies', () => {
  it.each(Object.entries(vocabularies))('lists each value of %s once', (_name, values) => {
    expect(new Set(values).size).toBe(values.length)
  })

  it('has the fourteen categories of DESIGN.md §2', () => {
    expect(CATEGORIES).toHaveLength(14)
    expect(CATEGORIES).toContain('AI_USAGE')
  })

  it('accepts the seven HTTP methods of DESIGN.md §2, upper case only', () => {
    expect([...HTTP_METHODS].sort()).toEqual(
      ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].sort(),
    )
    for (const method of HTTP_METHODS) expect(method).toBe(method.toUpperCase())
  })

  it('derives the unions from the arrays', () => {
    expectTypeOf<HttpMethod>().toEqualTypeOf<
      'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'
    >()
    expectTypeOf<'SYSTEM'>().toExtend<EventCategory>()
    expectTypeOf<'system'>().not.toExtend<EventCategory>()
  })
})

describe('WIRE_LIMITS.environmentPattern', () => {
  it.each(['prod', 'production', 'staging', 'dev.eu-1', 'Test_2', 'a'.repeat(100)])(
    'accepts %s',
    (environment) => {
      expect(WIRE_LIMITS.environmentPattern.test(environment)).toBe(true)
    },
  )

  it.each(['', '-prod', '.env', 'prod env', 'prod/eu', 'a'.repeat(101), 'prod\n'])(
    'rejects %j',
    (environment) => {
      expect(WIRE_LIMITS.environmentPattern.test(environment)).toBe(false)
    },
  )
})

describe('WIRE_LIMITS', () => {
  it('caps a batch at 5 MiB of decompressed body', () => {
    expect(WIRE_LIMITS.maxBatchBytes).toBe(5_242_880)
  })

  it('fits at least one maximal event in a batch', () => {
    expect(WIRE_LIMITS.maxEventBytes).toBeLessThan(WIRE_LIMITS.maxBatchBytes)
  })
})
