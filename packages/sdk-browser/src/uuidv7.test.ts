import { describe, expect, it } from 'vitest'
import { uuidv7 } from './uuidv7'

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('uuidv7', () => {
  it('writes version 7, variant 10 and the millisecond in the first 48 bits', () => {
    const ms = Date.UTC(2030, 0, 1)
    const id = uuidv7(ms)
    expect(id).toMatch(FORMAT)
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms)
  })

  it('is strictly increasing within one millisecond, and past 4,096 ids carries the time forward', () => {
    const ms = Date.UTC(2031, 0, 1)
    const ids = Array.from({ length: 6_000 }, () => uuidv7(ms))
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true)
    expect(ids.every((id) => FORMAT.test(id))).toBe(true)
    expect(parseInt(ids.at(-1)!.slice(0, 8) + ids.at(-1)!.slice(9, 13), 16)).toBeGreaterThan(ms)
  })

  it('stays increasing when the clock steps back', () => {
    const later = uuidv7(Date.UTC(2032, 0, 1))
    expect(uuidv7(Date.UTC(2029, 0, 1)) > later).toBe(true)
  })

  it('draws the random parts afresh for each id', () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => uuidv7().slice(19)))
    expect(ids.size).toBe(1_000)
  })
})
