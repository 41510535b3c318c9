import { afterEach, describe, expect, it, vi } from 'vitest'
import { startTimer } from './timers'

describe('startTimer', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs the callback once after the delay unless cancelled', () => {
    vi.useFakeTimers()
    const fired = vi.fn()
    const cancelled = vi.fn()
    startTimer(fired, 100)
    startTimer(cancelled, 100)()
    vi.advanceTimersByTime(99)
    expect(fired).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(fired).toHaveBeenCalledTimes(1)
    expect(cancelled).not.toHaveBeenCalled()
  })

  it("unrefs the timer so it never keeps Node's process alive", () => {
    const unref = vi.fn()
    const spy = vi.spyOn(globalThis, 'setTimeout').mockReturnValue({ unref } as unknown as ReturnType<typeof setTimeout>)
    try {
      startTimer(() => {}, 10)
      expect(unref).toHaveBeenCalledTimes(1)
    } finally {
      spy.mockRestore()
    }
  })

  it('works where timers are plain numbers, as in browsers', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout').mockReturnValue(42 as unknown as ReturnType<typeof setTimeout>)
    try {
      expect(() => startTimer(() => {}, 10)).not.toThrow()
    } finally {
      spy.mockRestore()
    }
  })

  it('clamps delays past the 32-bit limit instead of firing at once', () => {
    vi.useFakeTimers()
    const fired = vi.fn()
    startTimer(fired, Number.POSITIVE_INFINITY)
    vi.advanceTimersByTime(1_000)
    expect(fired).not.toHaveBeenCalled()
  })
})
