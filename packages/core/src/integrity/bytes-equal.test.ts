import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesEqual } from './bytes-equal'

describe('bytesEqual', () => {
  it('is true for equal contents in different arrays', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        expect(bytesEqual(bytes, new Uint8Array(bytes))).toBe(true)
      }),
    )
  })

  it('is false when any single byte differs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, delta) => {
        const other = new Uint8Array(bytes)
        const i = at % bytes.length
        other[i] = (other[i]! + delta) & 0xff
        expect(bytesEqual(bytes, other)).toBe(false)
      }),
    )
  })

  it('is false when lengths differ, even if one is a prefix of the other', () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false)
  })

  it('compares views by their own bytes, not their whole buffers', () => {
    const buffer = new Uint8Array([9, 1, 2, 9])
    expect(bytesEqual(buffer.subarray(1, 3), new Uint8Array([1, 2]))).toBe(true)
  })
})
