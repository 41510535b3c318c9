import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { countUtf8Bytes, utf8ByteLength } from './utf8-byte-length'

const encoder = new TextEncoder()
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))

describe.each([
  ['utf8ByteLength', utf8ByteLength],
  ['countUtf8Bytes (the portable count browsers use)', countUtf8Bytes],
])('%s', (_name, utf8ByteLength) => {
  it('counts one, two, three and four byte characters', () => {
    expect(utf8ByteLength('a')).toBe(1)
    expect(utf8ByteLength('é')).toBe(2)
    expect(utf8ByteLength('€')).toBe(3)
    expect(utf8ByteLength('😀')).toBe(4)
    expect(utf8ByteLength('')).toBe(0)
  })

  it('counts a lone surrogate as the three bytes of U+FFFD', () => {
    expect(utf8ByteLength('\ud800')).toBe(3)
    expect(utf8ByteLength('\udc00x')).toBe(4)
    expect(utf8ByteLength('x\ud83d')).toBe(4)
  })

  it('agrees with TextEncoder for any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: anyCodeUnit })), (text) => {
        expect(utf8ByteLength(text)).toBe(encoder.encode(text).length)
      }),
      { numRuns: 2_000 },
    )
  })
})
