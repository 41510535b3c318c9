import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { eventByteLength } from './event-byte-length'

const utf8Length = (value: unknown): number =>
  new TextEncoder().encode(JSON.stringify(value)).byteLength

describe('eventByteLength', () => {
  it('counts the UTF-8 bytes of the JSON text, as TextEncoder does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(eventByteLength(value)).toBe(utf8Length(value))
      }),
    )
  })

  it('counts strings with any code point, lone surrogates included, as TextEncoder does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const event = { description: a, actor: b }
        expect(eventByteLength(event)).toBe(utf8Length(event))
      }),
    )
  })

  it('counts a character outside the BMP as four bytes', () => {
    expect(eventByteLength('😀')).toBe(6) // two quotes plus four bytes
  })

  it('returns 0 for a value JSON cannot represent', () => {
    expect(eventByteLength(undefined)).toBe(0)
  })

  it('throws on a value JSON.stringify refuses', () => {
    expect(() => eventByteLength({ n: 1n })).toThrow(TypeError)
  })
})
