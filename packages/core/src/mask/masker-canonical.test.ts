import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalize } from '../integrity/canonical-json'
import { createMasker } from './masker'

const wellFormed = (value: unknown): boolean => {
  try {
    canonicalize(value)
    return true
  } catch {
    return false
  }
}

describe('maskToCanonicalJson', () => {
  const masker = createMasker()

  it('equals canonicalize(mask(x)) for any JSON value with well-formed strings', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }).filter(wellFormed), (value) => {
        expect(masker.maskToCanonicalJson(value)).toBe(canonicalize(masker.mask(value)))
      }),
      { numRuns: 2_000 },
    )
  })

  it('sorts members at every depth and masks secrets on the way', () => {
    const json = masker.maskToCanonicalJson({ z: 1, a: { password: 'hunter2', b: [{ y: 2, x: 'card 4111 1111 1111 1111' }] } })
    expect(json).toBe('{"a":{"b":[{"x":"card ************1111","y":2}],"password":"********"},"z":1}')
  })

  it('orders member names by UTF-16 code units, as RFC 8785 requires', () => {
    const json = masker.maskToCanonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '\u0080': 4, '1': 5 })
    expect(json).toBe(canonicalize({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '\u0080': 4, '1': 5 }))
  })

  it('orders objects of any size, small ones sorted in place and large ones by the built-in sort', () => {
    const names = fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('a', 'aa', 'ab', 'b', '_', 'A', '10', '9'))
    fc.assert(
      fc.property(fc.dictionary(names, fc.integer(), { minKeys: 0, maxKeys: 80 }).filter(wellFormed), (value) => {
        expect(masker.maskToCanonicalJson(value)).toBe(canonicalize(masker.mask(value)))
      }),
      { numRuns: 1_000 },
    )
  })
})
