import { describe, expect, it, vi } from 'vitest'
import { createFailureLog, guard } from './guard'

describe('guard', () => {
  it('returns the result of a function that succeeds', () => {
    const failures = createFailureLog({ log: vi.fn() })
    expect(guard(failures, 'ok', () => 7, 0)).toBe(7)
    expect(failures.counts().total).toBe(0)
  })

  it('returns the fallback and counts the failure when the function throws', () => {
    const failures = createFailureLog({ log: vi.fn() })
    const result = guard(failures, 'identify', () => {
      throw new Error('boom')
    }, 'fallback')
    expect(result).toBe('fallback')
    expect(failures.counts()).toEqual({ total: 1, bySite: { identify: 1 } })
  })

  it('logs only the first failure of each site and counts every one', () => {
    const log = vi.fn()
    const failures = createFailureLog({ log })
    for (let i = 0; i < 5; i++) failures.report('mask', new Error(`m${i}`))
    failures.report('send', new Error('s'))
    expect(log).toHaveBeenCalledTimes(2)
    expect(log.mock.calls[0]?.[1]).toEqual(new Error('m0'))
    expect(failures.counts()).toEqual({ total: 6, bySite: { mask: 5, send: 1 } })
  })

  it('survives a logger that throws', () => {
    const failures = createFailureLog({
      log: () => {
        throw new Error('logger down')
      },
    })
    expect(() => failures.report('x', new Error('y'))).not.toThrow()
    expect(failures.counts().total).toBe(1)
  })

  it('returns a copy of the counts that later failures do not change', () => {
    const failures = createFailureLog({ log: vi.fn() })
    failures.report('a', 1)
    const snapshot = failures.counts()
    failures.report('a', 2)
    expect(snapshot.bySite).toEqual({ a: 1 })
  })
})
