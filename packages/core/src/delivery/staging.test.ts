import { describe, expect, it } from 'vitest'
import { Staging } from './staging'

const event = (bytes: number) => ({ json: 'x'.repeat(bytes), bytes })

describe('Staging', () => {
  it('hands out taken chunks oldest first and keeps its tallies', () => {
    const staging = new Staging(10, 1_000)
    staging.add(event(1))
    staging.take()
    staging.add(event(2))
    staging.add(event(3))
    expect(staging.events).toBe(3)
    expect(staging.bytes).toBe(6)
    expect(staging.untakenEvents).toBe(2)
    staging.take()
    expect(staging.next()?.bytes).toBe(1)
    expect(staging.next()?.events.map((e) => e.bytes)).toEqual([2, 3])
    expect(staging.next()).toBeUndefined()
    expect(staging.events).toBe(0)
    expect(staging.bytes).toBe(0)
  })

  it('drops the oldest untaken events past its limits and marks the chunk to evict older ones', () => {
    const staging = new Staging(2, 1_000)
    expect(staging.add(event(1))).toBe(0)
    expect(staging.add(event(2))).toBe(0)
    expect(staging.add(event(3))).toBe(1)
    staging.take()
    const chunk = staging.next()!
    expect(chunk.events.map((e) => e.bytes)).toEqual([2, 3])
    expect(chunk.evictsOlder).toBe(true)
  })

  it('drops by bytes too, and leaves later chunks unmarked', () => {
    const staging = new Staging(100, 10)
    staging.add(event(6))
    expect(staging.add(event(6))).toBe(1)
    staging.take()
    staging.add(event(1))
    staging.take()
    expect(staging.next()!.evictsOlder).toBe(true)
    expect(staging.next()!.evictsOlder).toBe(false)
  })

  it('keeps an empty chunk so its onPushed still runs in order', () => {
    const staging = new Staging(10, 100)
    let pushed = false
    staging.take(() => (pushed = true))
    const chunk = staging.next()!
    expect(chunk.events).toEqual([])
    chunk.onPushed?.()
    expect(pushed).toBe(true)
  })
})
