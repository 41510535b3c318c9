import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseRetryAfter } from './retry-after'

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0)

describe('parseRetryAfter', () => {
  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000)
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0)
  })

  it('reads any non-negative whole number of seconds', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), (seconds) => {
        expect(parseRetryAfter(String(seconds), NOW)).toBe(seconds * 1_000)
      }),
    )
  })

  it('reads an IMF-fixdate as the time left until it', () => {
    expect(parseRetryAfter('Sun, 15 Jun 2025 12:00:30 GMT', NOW)).toBe(30_000)
  })

  it('reads any future date written by toUTCString as the time left until it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400 }), (seconds) => {
        const header = new Date(NOW + seconds * 1_000).toUTCString()
        expect(parseRetryAfter(header, NOW)).toBe(seconds * 1_000)
      }),
    )
  })

  it('reads the obsolete RFC 850 and asctime date forms', () => {
    expect(parseRetryAfter('Sunday, 15-Jun-25 12:01:00 GMT', NOW)).toBe(60_000)
    expect(parseRetryAfter('Sun Jun 15 12:02:00 2025', NOW)).toBe(120_000)
    expect(parseRetryAfter('Tue Jul  1 12:00:00 2025', NOW)).toBe(16 * 86_400_000)
  })

  it('gives 0 for a date already past', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0)
  })

  it('gives undefined for a missing value', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined()
    expect(parseRetryAfter(null, NOW)).toBeUndefined()
    expect(parseRetryAfter('', NOW)).toBeUndefined()
  })

  it.each([
    '-5',
    '1.5',
    '12s',
    'soon',
    '2025-06-15T12:00:30Z',
    'Sun, 31 Feb 2025 12:00:00 GMT',
    'Sun, 15 Jun 2025 25:00:00 GMT',
    'Sun, 15 Foo 2025 12:00:00 GMT',
    'Sun, 15 Jun 2025 12:00:30',
    '0x10',
  ])('gives undefined for the malformed value %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined()
  })

  it('gives undefined for any text without digits', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/\d/.test(s)), (value) => {
        expect(parseRetryAfter(value, NOW)).toBeUndefined()
      }),
    )
  })
})
