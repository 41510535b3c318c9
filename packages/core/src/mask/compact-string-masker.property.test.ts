import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { maskableText, secretParamName } from './arbitraries'
import { createCompactStringMasker } from './compact-string-masker'
import { createStringMasker } from './mask-string'
import { createSecretKeyTest } from './secret-keys'

// Text built to reach every rule and the cut: URLs with userinfo and secret parameters,
// schemes, keys, cards, star runs, and `…` where a cut may fall.
const text = fc.oneof(
  maskableText,
  fc.tuple(secretParamName, maskableText, maskableText).map(([name, value, rest]) => `${rest} https://u:${value}@h/p?${name}=${value}&${rest}`),
)

describe('createCompactStringMasker against createStringMasker', () => {
  it('masks every string alike, whatever the cap and patterns', () => {
    const isSecret = createSecretKeyTest(['ssn'])
    fc.assert(
      fc.property(fc.integer({ min: 24, max: 120 }), fc.subarray([/\bIBAN[A-Z0-9]+/g, /x*/g, /abc/i, /\d{3}/]), text, (maxChars, patterns, sample) => {
        expect(createCompactStringMasker(patterns, maxChars, isSecret)(sample)).toBe(createStringMasker(patterns, maxChars, isSecret)(sample))
      }),
      { numRuns: 2_000 },
    )
  })
})
