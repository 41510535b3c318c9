import { describe, expect, it } from 'vitest'
import { DELIVERY_DEFAULTS, resolveDeliveryLimits } from './options'

describe('resolveDeliveryLimits', () => {
  it('uses DELIVERY_DEFAULTS when nothing is given', () => {
    expect(resolveDeliveryLimits({})).toEqual({ limits: { ...DELIVERY_DEFAULTS }, problems: [] })
  })

  it('matches the batching and bounds of DESIGN.md §6', () => {
    expect(DELIVERY_DEFAULTS).toMatchObject({
      maxBatchEvents: 500,
      maxBatchBytes: 524_288,
      flushIntervalMs: 1_000,
      maxQueueEvents: 10_000,
      maxQueueBytes: 10_485_760,
      maxEventBytes: 65_536,
    })
  })

  it('keeps valid values and rounds them down to whole numbers', () => {
    const { limits, problems } = resolveDeliveryLimits({ maxBatchEvents: 20.7, flushIntervalMs: 250 })
    expect(limits.maxBatchEvents).toBe(20)
    expect(limits.flushIntervalMs).toBe(250)
    expect(problems).toEqual([])
  })

  it('falls back to the default for a value that is not a finite number ≥ 1, and says so', () => {
    const { limits, problems } = resolveDeliveryLimits({
      maxBatchEvents: 0,
      maxQueueBytes: Number.NaN,
      sendTimeoutMs: '5' as unknown as number,
    })
    expect(limits.maxBatchEvents).toBe(DELIVERY_DEFAULTS.maxBatchEvents)
    expect(limits.maxQueueBytes).toBe(DELIVERY_DEFAULTS.maxQueueBytes)
    expect(limits.sendTimeoutMs).toBe(DELIVERY_DEFAULTS.sendTimeoutMs)
    expect(problems).toHaveLength(3)
  })

  it("caps batches at the collector's limits of 1,000 events and 5 MiB", () => {
    const { limits, problems } = resolveDeliveryLimits({ maxBatchEvents: 5_000, maxBatchBytes: 6 * 1_024 * 1_024 })
    expect(limits.maxBatchEvents).toBe(1_000)
    expect(limits.maxBatchBytes).toBe(5 * 1_024 * 1_024)
    expect(problems).toHaveLength(2)
  })

  it('shrinks maxEventBytes so that one event always fits in a batch and in the queue', () => {
    const { limits, problems } = resolveDeliveryLimits({ maxBatchBytes: 1_000, maxQueueBytes: 500, maxEventBytes: 2_000 })
    expect(limits.maxEventBytes).toBe(500)
    expect(problems).toHaveLength(1)
    expect(resolveDeliveryLimits({ maxBatchBytes: 1_000 }).limits.maxEventBytes).toBe(1_000 - 13)
  })
})
