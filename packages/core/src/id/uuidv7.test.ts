import { randomFillSync } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createUuidV7Generator, isUuidV7, uuidv7, uuidv7Timestamp } from './uuidv7'

describe('uuidv7', () => {
  it('makes RFC 9562 version 7, variant 10 ids', () => {
    for (let i = 0; i < 1_000; i++) {
      const id = uuidv7()
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(isUuidV7(id)).toBe(true)
    }
  })

  it('encodes the current time in the first 48 bits', () => {
    const before = Date.now()
    const id = uuidv7()
    const after = Date.now()
    expect(uuidv7Timestamp(id)).toBeGreaterThanOrEqual(before)
    expect(uuidv7Timestamp(id)).toBeLessThanOrEqual(after)
  })

  it('encodes any 48-bit timestamp exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (ms) => {
        const next = createUuidV7Generator({ now: () => ms })
        expect(uuidv7Timestamp(next())).toBe(ms)
      }),
    )
  })

  it('is strictly increasing when many ids share one millisecond', () => {
    const next = createUuidV7Generator({ now: () => 1_700_000_000_000 })
    let previous = next()
    for (let i = 0; i < 50_000; i++) {
      const id = next()
      expect(id > previous).toBe(true)
      previous = id
    }
  })

  it('carries the timestamp forward instead of going back when the clock steps backwards', () => {
    const times = [5_000, 5_000, 4_000, 3_000, 5_001]
    const next = createUuidV7Generator({ now: () => times.shift() ?? 6_000 })
    const ids = Array.from({ length: 6 }, () => next())
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    expect(uuidv7Timestamp(ids[2]!)).toBeGreaterThanOrEqual(5_000)
  })

  it('stays sorted and unique for any sequence of clock readings and random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 300 }), fc.integer(), (clock, seed) => {
        let i = 0
        let state = seed >>> 0
        const next = createUuidV7Generator({
          now: () => clock[i++ % clock.length]!,
          fillRandom: (bytes) => {
            for (let j = 0; j < bytes.length; j++) {
              state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0
              bytes[j] = state >>> 24
            }
          },
        })
        const ids = Array.from({ length: clock.length * 3 }, () => next())
        for (let k = 1; k < ids.length; k++) expect(ids[k]! > ids[k - 1]!).toBe(true)
      }),
    )
  })

  it('uses fresh random bits in the low 62 bits of every id', () => {
    const next = createUuidV7Generator({ now: () => 42, fillRandom: (b) => void randomFillSync(b) })
    const tails = new Set(Array.from({ length: 10_000 }, () => next().slice(19)))
    expect(tails.size).toBe(10_000)
  })
})
