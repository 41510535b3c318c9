import { describe, expect, it } from 'vitest'
import { toJsonValue } from './json-value'

describe('toJsonValue', () => {
  it('calls toJSON with the key, as JSON.stringify does', () => {
    const seen: unknown[] = []
    const value = { toJSON: (key: unknown) => (seen.push(key), 'x') }
    expect(toJsonValue(value, 'field')).toBe('x')
    expect(toJsonValue(value, 3)).toBe('x')
    expect(seen).toEqual(['field', '3'])
  })

  it('turns a Date into its ISO string', () => {
    expect(toJsonValue(new Date(0), '')).toBe('1970-01-01T00:00:00.000Z')
  })

  it('unwraps boxed primitives', () => {
    expect(toJsonValue(Object(1), '')).toBe(1)
    expect(toJsonValue(Object('s'), '')).toBe('s')
    expect(toJsonValue(Object(false), '')).toBe(false)
    expect(toJsonValue(Object(5n), '')).toBe(5n)
  })

  it('turns a Map into an object keyed by String(key)', () => {
    const result = toJsonValue(new Map<unknown, unknown>([['a', 1], [2, 'b'], ['__proto__', 3]]), '') as Record<string, unknown>
    expect(result).toEqual({ a: 1, '2': 'b', ['__proto__']: 3 })
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
  })

  it('turns a Set and typed arrays into arrays', () => {
    expect(toJsonValue(new Set([1, 'a']), '')).toEqual([1, 'a'])
    expect(toJsonValue(new Uint8Array([1, 2]), '')).toEqual([1, 2])
    expect(toJsonValue(new BigInt64Array([3n]), '')).toEqual([3n])
  })

  it('leaves other objects for the walker', () => {
    const value = new (class Point { x = 1 })()
    expect(toJsonValue(value, '')).toBe(value)
  })
})
