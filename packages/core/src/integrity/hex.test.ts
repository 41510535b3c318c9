import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from './hex'

function expectCode(fn: () => unknown, code: string): void {
  expect(fn).toThrowError(expect.objectContaining({ code }) as unknown as Error)
}

describe('toHex', () => {
  it('writes two lowercase digits per byte', () => {
    expect(toHex(new Uint8Array([0x00, 0x0f, 0xa0, 0xff]))).toBe('000fa0ff')
  })

  it('writes an empty array as the empty string', () => {
    expect(toHex(new Uint8Array(0))).toBe('')
  })

  it('agrees with Buffer hex encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'))
      }),
    )
  })
})

describe('fromHex', () => {
  it('inverts toHex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes)
      }),
    )
  })

  it('accepts uppercase digits', () => {
    expect(fromHex('00FFaB')).toEqual(new Uint8Array([0x00, 0xff, 0xab]))
  })

  it.each([
    ['odd length', 'abc'],
    ['a non-hex letter', 'zz'],
    ['a 0x prefix', '0x00'],
    ['whitespace', 'ab cd'],
    ['a trailing newline', 'abcd\n'],
    ['a sign', '-1'],
    ['a fullwidth digit', '０１'],
  ])('rejects %s with ET_HEX_INVALID', (_name, text) => {
    expectCode(() => fromHex(text), 'ET_HEX_INVALID')
  })

  it('rejects anything that is not a string with ET_HEX_INVALID', () => {
    expectCode(() => fromHex(42 as unknown as string), 'ET_HEX_INVALID')
  })
})
