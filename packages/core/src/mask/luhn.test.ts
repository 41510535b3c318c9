import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cardDigits } from './arbitraries'
import { isLuhnValid } from './luhn'

describe('isLuhnValid', () => {
  it('accepts well-known test card numbers', () => {
    for (const card of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117']) {
      expect(isLuhnValid(card, 0, card.length)).toBe(true)
    }
  })

  it('rejects a number whose check digit is off by one', () => {
    expect(isLuhnValid('4111111111111112', 0, 16)).toBe(false)
  })

  it('skips group separators between digits', () => {
    const grouped = '4111 1111-1111 1111'
    expect(isLuhnValid(grouped, 0, grouped.length)).toBe(true)
  })

  it('checks only the given range of the text', () => {
    const text = 'card 4111111111111111 end'
    expect(isLuhnValid(text, 5, 21)).toBe(true)
    expect(isLuhnValid(text, 5, 20)).toBe(false)
  })

  it('rejects every single-digit change of a valid number', () => {
    fc.assert(
      fc.property(cardDigits, fc.nat(), fc.integer({ min: 1, max: 9 }), (card, at, delta) => {
        const i = at % card.length
        const changed = card.slice(0, i) + String((Number(card[i]) + delta) % 10) + card.slice(i + 1)
        expect(isLuhnValid(changed, 0, changed.length)).toBe(false)
      }),
    )
  })
})
