import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { anyValue, maskableText, secretKeySpelling, secretParamName } from './arbitraries'
import type { MaskOptions } from './mask-options'
import { createMasker } from './masker'
import { createMaskToJson } from './mask-to-json'

// The browser's compact createMaskToJson against the collector's masker: one set of
// rules (DESIGN §2), so for any options and any value both must write the same text.

const keyWord = fc.string({ unit: fc.constantFrom(...'abcXYZ019_-. '), minLength: 1, maxLength: 8 }).filter((word) => /[a-z0-9]/i.test(word))
const extraKey: fc.Arbitrary<string | RegExp> = fc.oneof(
  keyWord,
  secretKeySpelling,
  fc.constantFrom(/^x-internal-/i, /ssn/, /id$/g, /^a/y, /Code/),
)
const options: fc.Arbitrary<MaskOptions> = fc.record(
  {
    extraKeys: fc.array(extraKey, { maxLength: 3 }),
    extraPatterns: fc.array(fc.constantFrom(/\bIBAN[A-Z0-9]+/g, /x*/g, /abc/i, /\d{3}/, /[A-Z]{2,}/gu), { maxLength: 2 }),
    maxDepth: fc.integer({ min: 1, max: 8 }),
    maxStringChars: fc.integer({ min: 24, max: 80 }),
  },
  { requiredKeys: [] },
)

/** Objects JSON writers trip on: throwing getters and toJSON, cycles, odd prototypes. */
const awkward = fc.tuple(anyValue, secretKeySpelling, maskableText).map(([inner, secretKey, text]) => {
  const node: Record<string, unknown> = { inner, [secretKey]: text, text }
  node.self = node
  node.list = [node, inner]
  Object.defineProperty(node, 'boom', { enumerable: true, get: () => { throw new Error('getter') } })
  return {
    node,
    toJson: { toJSON: () => ({ inner, again: node }) },
    throws: { toJSON: () => { throw new Error('toJSON') } },
    child: Object.create({ inherited: text }, { own: { value: text, enumerable: true } }) as unknown,
    keys: Object.keys(node).reverse(),
  }
})

const url = fc.tuple(secretParamName, maskableText, maskableText).map(([name, value, rest]) => `https://u:${value}@h.example/p?${name}=${value}&x=${rest}#${name}=${value}`)

describe('createMaskToJson (compact) against createMasker(…).maskToJson', () => {
  it('writes the same JSON for any options and any value', () => {
    fc.assert(
      fc.property(options, fc.oneof(anyValue, maskableText, url, awkward), (chosen, value) => {
        expect(createMaskToJson(chosen)(value)).toBe(createMasker(chosen).maskToJson(value))
      }),
      { numRuns: 1_000 },
    )
  })

  it('judges keys alike: default names in any spelling, extra names and RegExps', () => {
    fc.assert(
      fc.property(options, fc.array(fc.oneof(secretKeySpelling, keyWord, fc.string()), { maxLength: 8 }), (chosen, keys) => {
        const value = Object.fromEntries(keys.map((key) => [key, `v ${key}`]))
        const text = keys.map((key) => `${key.replace(/\s/g, '')}=v`).join('&')
        for (const sample of [value, text]) expect(createMaskToJson(chosen)(sample)).toBe(createMasker(chosen).maskToJson(sample))
      }),
    )
  })

  it('refuses the same options with the same error', () => {
    const bad: MaskOptions[] = [{ maxDepth: 0 }, { maxDepth: 1.5 }, { maxStringChars: 23 }, { extraKeys: ['-'] }, { extraPatterns: ['x' as unknown as RegExp] }]
    for (const chosen of bad) {
      expect(() => createMaskToJson(chosen)).toThrow(expect.objectContaining({ code: 'ET_CONFIG_INVALID' }))
      expect(() => createMaskToJson(chosen)).toThrow(/^mask: /)
    }
  })
})
