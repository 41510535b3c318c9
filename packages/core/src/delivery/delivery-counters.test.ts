import { describe, expect, it } from 'vitest'
import { DROP_REASONS, DeliveryCounters } from './delivery-counters'

describe('DeliveryCounters', () => {
  it('starts at zero for every drop reason', () => {
    const stats = new DeliveryCounters().snapshot(0)
    expect(stats).toMatchObject({ sent: 0, dropped: 0, retried: 0, queued: 0 })
    expect(Object.keys(stats.droppedByReason).sort()).toEqual([...DROP_REASONS].sort())
    expect(Object.values(stats.droppedByReason).every((n) => n === 0)).toBe(true)
  })

  it('totals drops across reasons', () => {
    const counters = new DeliveryCounters()
    counters.addDropped('queue_overflow', 3)
    counters.addDropped('rejected', 2)
    counters.addSent(5)
    counters.addRetried(4)
    expect(counters.snapshot(7)).toMatchObject({ sent: 5, dropped: 5, retried: 4, queued: 7 })
    expect(counters.snapshot(7).droppedByReason).toMatchObject({ queue_overflow: 3, rejected: 2 })
  })

  it('reports drops since the previous report, leaving out reasons with none', () => {
    const counters = new DeliveryCounters()
    counters.addDropped('too_large', 1)
    counters.addDropped('too_large', 1)
    expect(counters.takeReport()).toEqual({ too_large: 2 })
    expect(counters.takeReport()).toEqual({})
    counters.addDropped('shutdown', 1)
    expect(counters.takeReport()).toEqual({ shutdown: 1 })
    expect(counters.snapshot(0).droppedByReason.too_large).toBe(2)
  })

  it('hands out snapshots the caller cannot use to change the counters', () => {
    const counters = new DeliveryCounters()
    const stats = counters.snapshot(0)
    ;(stats.droppedByReason as Record<string, number>).rejected = 99
    expect(counters.snapshot(0).droppedByReason.rejected).toBe(0)
  })
})
