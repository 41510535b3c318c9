import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cardText, nonCardDigits } from './arbitraries'
import { maskCardNumber, maskCards } from './mask-cards'

// Characters that end a digit run and belong to no other masking rule.
const boundary = fc.constantFrom('|', ';', ',', '(', ')', '#', '!', '"', 'x', ':')
const noise = fc.string({ maxLength: 20 })

describe('maskCards', () => {
  it('masks a card to twelve stars and its last four digits', () => {
    expect(maskCards('paid with 4111111111111111 today')).toBe('paid with ************1111 today')
  })

  it('masks cards grouped with spaces or dashes', () => {
    expect(maskCards('4111 1111 1111 1111')).toBe('************1111')
    expect(maskCards('amex 3782-822463-10005.')).toBe('amex ************0005.')
  })

  it('gives 13- and 19-digit cards the same masked length', () => {
    expect(maskCards('4222222222222')).toBe('************2222')
    expect(maskCards('4000000000000000006')).toBe('************0006')
  })

  it('leaves numbers that fail Luhn alone', () => {
    expect(maskCards('order 4111111111111112')).toBe('order 4111111111111112')
  })

  it('leaves a card inside a longer digit run alone', () => {
    // 20 digits: longer than any card, though its last 16 are one.
    expect(maskCards('12344111111111111111')).toBe('12344111111111111111')
  })

  it('finds a card followed by another number in the same run', () => {
    expect(maskCards('4111111111111111 12 25')).toBe('************1111 12 25')
  })

  it('masks every card in every string, and nothing else of its surroundings', () => {
    fc.assert(
      fc.property(noise, boundary, cardText, boundary, noise, (before, left, card, right, after) => {
        const masked = maskCards(before + left + card.text + right + after)
        expect(masked).toContain(`${left}************${card.digits.slice(-4)}${right}`)
        expect(masked).not.toContain(card.text)
      }),
    )
  })

  it('leaves digit runs that are not cards untouched', () => {
    const letters = fc.string({ unit: fc.constantFrom(...'abc xyz.'), maxLength: 20 })
    fc.assert(
      fc.property(letters, boundary, nonCardDigits, boundary, letters, (before, left, digits, right, after) => {
        const text = before + left + digits + right + after
        expect(maskCards(text)).toBe(text)
      }),
    )
  })

  it('leaves trace ids, span ids and hex digests alone, even with a Luhn-valid digit run inside', () => {
    // 4111111111111111 passes Luhn; glued to hex letters it is part of an identifier.
    expect(maskCards('trace b4111111111111111c25077635a91c1e done')).toBe('trace b4111111111111111c25077635a91c1e done')
    expect(maskCards('span=a411111111111111')).toBe('span=a411111111111111')
    const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 64 })
    fc.assert(
      fc.property(fc.constantFrom(16, 32, 40, 64), hex, hex, boundary, boundary, (length, head, tail, left, right) => {
        // An identifier of that length with at least one letter, digits anywhere.
        const id = `${head}4111111111111111${tail}`.slice(0, length).padEnd(length, 'e')
        fc.pre(/[a-f]/.test(id))
        expect(maskCards(left + id + right)).toBe(left + id + right)
      }),
    )
  })

  it('still masks a card glued to letters outside a hex identifier', () => {
    expect(maskCards('Card4111111111111111')).toBe('Card************1111')
    expect(maskCards('id:fa4111111111111111')).toBe('id:fa************1111')
  })

  it('returns the same string when there is nothing to mask', () => {
    const text = 'no cards here, only 2025-06-14'
    expect(maskCards(text)).toBe(text)
  })
})

describe('maskCardNumber', () => {
  it('masks a JSON number that is a card', () => {
    expect(maskCardNumber(4111111111111111)).toBe('************1111')
    expect(maskCardNumber(-4111111111111111)).toBe('************1111')
  })

  it('keeps other numbers as numbers', () => {
    for (const n of [0, 42, 4111111111111112, 1e21, 4.5, 1234567890123.5, 99999999999]) expect(maskCardNumber(n)).toBe(n)
  })
})

describe('card layout', () => {
  it('never masks digits inside a UUID, whatever its groups hold', async () => {
    const { uuidv7 } = await import('../id/uuidv7')
    const fixed = ['01936b2e-0000-7000-8000-000000000001', '01936b2e-0000-7000-8000-000000000004', '12345678-1234-7234-8234-123456789012']
    for (const id of [...fixed, ...Array.from({ length: 5_000 }, () => uuidv7())]) expect(maskCards(id)).toBe(id)
  })

  it('masks cards written in the usual groupings', () => {
    expect(maskCards('4111-1111-1111-1111')).toBe('************1111')
    expect(maskCards('3782 822463 10005')).toBe('************0005')
    expect(maskCards('4111 1111 1111 1111 003')).not.toContain('4111 1111')
  })
})
