import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { anyValue, maskableText, secretKeySpelling } from './arbitraries'
import { createMasker, createMaskToJson, defaultMasker } from './masker'

// Long enough, and random enough, that it cannot appear in the output by chance.
const secret = fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'), minLength: 16, maxLength: 24 })

/** A nested value with `secret` planted under secret keys only, at any depth. */
const withPlantedSecrets = (planted: string): fc.Arbitrary<unknown> => {
  const payload = fc.constantFrom<unknown>(planted, [planted], { inner: planted, also: [1, planted] }, `Bearer ${planted}`)
  const { node } = fc.letrec<{ node: unknown; object: Record<string, unknown>; secretObject: Record<string, unknown> }>((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), tie('object'), tie('secretObject'), fc.array(tie('node'), { maxLength: 4 })),
    object: fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
    secretObject: fc.tuple(tie('object'), secretKeySpelling, payload).map(([object, key, value]) => ({ ...object, [key]: value })),
  }))
  // Wrap so that every generated value holds at least one planted secret.
  return fc.tuple(node, secretKeySpelling, payload, fc.nat(20)).map(([rest, key, value, depth]) => {
    let planted: unknown = { [key]: value, rest }
    for (let i = 0; i < depth; i++) planted = i % 2 === 0 ? [planted] : { nested: planted }
    return planted
  })
}

describe('masking properties', () => {
  it('lets no value under a default secret key survive, at any depth', () => {
    fc.assert(
      fc.property(
        secret.chain((planted) => fc.tuple(fc.constant(planted), withPlantedSecrets(planted))),
        ([planted, value]) => {
          expect(defaultMasker.maskToJson(value)).not.toContain(planted)
          expect(JSON.stringify(defaultMasker.mask(value))).not.toContain(planted)
        },
      ),
    )
  })

  it('is idempotent: masking a masked value changes nothing', () => {
    const tight = createMasker({ maxStringChars: 40, maxDepth: 4 })
    fc.assert(
      fc.property(anyValue, (value) => {
        for (const masker of [defaultMasker, tight]) {
          const once = masker.mask(value)
          expect(masker.mask(once)).toEqual(once)
        }
      }),
    )
  })

  it('is idempotent on text full of cards, tokens, keys and star runs', () => {
    const tight = createMasker({ maxStringChars: 40 })
    fc.assert(
      fc.property(maskableText, (text) => {
        for (const masker of [defaultMasker, tight]) {
          const once = masker.mask(text)
          expect(masker.mask(once)).toBe(once)
        }
      }),
      { numRuns: 500 },
    )
  })

  it('never mutates its input', () => {
    fc.assert(
      fc.property(fc.clone(anyValue, 2), ([value, twin]) => {
        defaultMasker.mask(value)
        defaultMasker.maskToJson(value)
        expect(value).toStrictEqual(twin)
      }),
    )
  })

  it('serialises in one pass exactly what JSON.stringify writes for the masked copy', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(defaultMasker.maskToJson(value)).toBe(JSON.stringify(defaultMasker.mask(value)))
      }),
    )
  })

  it('writes the same JSON as JSON.stringify when nothing needs masking', () => {
    // Letters a-f cannot spell a secret key, a scheme or a key prefix, and strings hold no digits.
    const text = fc.string({ unit: fc.oneof(fc.constantFrom(...'abcdefABCDEF "\\\n\t\u0000\u2028'), fc.constantFrom('😀', '\ud800', '\udfff', 'é')) })
    // Integers of 13–19 digits could be cards, which is masking's business, not this test's.
    const couldBeCard = (n: number): boolean => Number.isInteger(n) && Math.abs(n) >= 1e12 && Math.abs(n) < 1e19
    const number = fc.oneof(fc.integer({ min: -1e11, max: 1e11 }), fc.double().filter((n) => !couldBeCard(n)))
    const plain = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        number,
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(text, tie('value'), { maxKeys: 5 }),
      ),
    })).value
    fc.assert(
      fc.property(plain, (value) => {
        expect(defaultMasker.maskToJson(value)).toBe(JSON.stringify(value))
      }),
    )
  })

  it('createMaskToJson writes what createMasker(…).maskToJson writes, with the same options', () => {
    const options = { extraKeys: ['ssn', /^x-internal-/i], extraPatterns: [/\bIBAN[A-Z0-9]+/g], maxStringChars: 64, maxDepth: 5 }
    const alone = createMaskToJson(options)
    const whole = createMasker(options).maskToJson
    const plain = createMaskToJson()
    fc.assert(
      fc.property(fc.oneof(anyValue, maskableText, withPlantedSecrets('SECRETSECRETSECRET')), (value) => {
        expect(alone(value)).toBe(whole(value))
        expect(plain(value)).toBe(defaultMasker.maskToJson(value))
      }),
    )
    expect(alone({ ssn: '123', note: 'see IBANDE4412', deep: [[[[[[1]]]]]] })).toBe('{"ssn":"********","note":"see ********","deep":[[[["[Truncated]"]]]]}')
    expect(() => createMaskToJson({ maxDepth: 0 })).toThrow('mask: maxDepth must be an integer from 1 to 1000, got 0')
  })
})
