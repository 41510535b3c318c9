import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FlushWaiters } from './flush-waiters'

const ids = (...values: number[]) => values.map((id) => ({ id }))

describe('FlushWaiters', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('resolves true at once when armed with nothing left to wait for', async () => {
    const waiters = new FlushWaiters()
    const wait = waiters.open(1_000)
    wait.arm(5, 0)
    expect(await wait.done).toBe(true)
  })

  it('counts only events with ids up to its watermark', async () => {
    const waiters = new FlushWaiters()
    const wait = waiters.open(1_000)
    wait.arm(10, 2)
    waiters.settle(ids(11, 12, 9))
    expect(waiters.waiting).toBe(true)
    waiters.settle(ids(10))
    expect(await wait.done).toBe(true)
    expect(waiters.waiting).toBe(false)
  })

  it('ignores settlements before it is armed', () => {
    const waiters = new FlushWaiters()
    const wait = waiters.open(1_000)
    waiters.settle(ids(1, 2, 3))
    expect(waiters.waiting).toBe(false)
    wait.arm(3, 1)
    expect(waiters.waiting).toBe(true)
  })

  it('without a watermark, counts every id until a push names the next one', async () => {
    const waiters = new FlushWaiters()
    const wait = waiters.open(1_000)
    wait.arm(undefined, 3)
    waiters.settle(ids(7))
    waiters.bindPending(20)
    waiters.settle(ids(20, 21))
    expect(waiters.waiting).toBe(true)
    waiters.settle(ids(8, 19))
    expect(await wait.done).toBe(true)
  })

  it('resolves false when the timeout passes first', async () => {
    const waiters = new FlushWaiters()
    const wait = waiters.open(100)
    wait.arm(1, 1)
    vi.advanceTimersByTime(100)
    expect(await wait.done).toBe(false)
    expect(waiters.waiting).toBe(false)
  })

  it('finishAll resolves every pending flush with the given result', async () => {
    const waiters = new FlushWaiters()
    const a = waiters.open(1_000)
    const b = waiters.open(1_000)
    a.arm(1, 1)
    waiters.finishAll(false)
    expect(await a.done).toBe(false)
    expect(await b.done).toBe(false)
  })
})
