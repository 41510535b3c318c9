import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RETRY_DEFAULTS, createRetryPolicy } from './retry-policy'
import type { SendOutcome } from './transport'

// The jitter ceiling, written independently: 0 ms doubled any number of times stays 0.
const ceiling = (initialDelayMs: number, maxDelayMs: number, attempt: number): number =>
  initialDelayMs === 0 ? 0 : Math.min(maxDelayMs, initialDelayMs * 2 ** attempt)

const failed = (status?: number): SendOutcome => (status === undefined ? { ok: false } : { ok: false, status })

describe('createRetryPolicy', () => {
  describe('classify', () => {
    const policy = createRetryPolicy()

    it('calls a 2xx outcome delivered', () => {
      expect(policy.classify({ ok: true, status: 202 })).toBe('delivered')
      expect(policy.classify({ ok: true })).toBe('delivered')
    })

    it('retries network errors, which have no status', () => {
      expect(policy.classify(failed())).toBe('retry')
      expect(policy.classify({ ok: false, error: new TypeError('fetch failed') })).toBe('retry')
      expect(policy.classify(failed(0))).toBe('retry')
    })

    it.each([408, 429, 500, 502, 503, 504, 599])('retries status %i', (status) => {
      expect(policy.classify(failed(status))).toBe('retry')
    })

    it('splits on 413', () => {
      expect(policy.classify(failed(413))).toBe('split')
    })

    it.each([400, 401, 403, 404, 409, 415, 422, 301])('gives up on status %i', (status) => {
      expect(policy.classify(failed(status))).toBe('reject')
    })
  })

  describe('delayMs', () => {
    it('doubles the jitter ceiling with each attempt up to maxDelayMs', () => {
      const policy = createRetryPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, random: () => 1 })
      expect([0, 1, 2, 3, 4, 5].map((attempt) => policy.delayMs(attempt))).toEqual([100, 200, 400, 800, 1_000, 1_000])
    })

    it('draws the delay uniformly below the ceiling (full jitter)', () => {
      const policy = createRetryPolicy({ initialDelayMs: 1_000, random: () => 0.25 })
      expect(policy.delayMs(2)).toBe(1_000)
      expect(createRetryPolicy({ random: () => 0 }).delayMs(3)).toBe(0)
    })

    it('stays within [0, min(maxDelayMs, initialDelayMs·2^attempt)] for any attempt and random draw', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 60_000 }),
          fc.integer({ min: 0, max: 600_000 }),
          fc.integer({ min: 0, max: 2_000 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          (initialDelayMs, maxDelayMs, attempt, r) => {
            const delay = createRetryPolicy({ initialDelayMs, maxDelayMs, random: () => r }).delayMs(attempt)
            expect(delay).toBeGreaterThanOrEqual(0)
            expect(delay).toBeLessThanOrEqual(ceiling(initialDelayMs, maxDelayMs, attempt))
            expect(Number.isInteger(delay)).toBe(true)
          },
        ),
      )
    })

    it('waits at least Retry-After, capped at maxRetryAfterMs, and never past the larger of both bounds', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 60_000 }),
          fc.integer({ min: 0, max: 600_000 }),
          fc.integer({ min: 0, max: 40 }),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.integer({ min: 0, max: 10_000_000 }),
          fc.integer({ min: 0, max: 1_000_000 }),
          (initialDelayMs, maxDelayMs, attempt, r, retryAfterMs, maxRetryAfterMs) => {
            const policy = createRetryPolicy({ initialDelayMs, maxDelayMs, maxRetryAfterMs, random: () => r })
            const delay = policy.delayMs(attempt, retryAfterMs)
            const honoured = Math.min(retryAfterMs, maxRetryAfterMs)
            expect(delay).toBeGreaterThanOrEqual(honoured)
            expect(delay).toBeLessThanOrEqual(Math.max(honoured, ceiling(initialDelayMs, maxDelayMs, attempt)))
          },
        ),
      )
    })

    it('cuts a huge Retry-After to maxRetryAfterMs', () => {
      const policy = createRetryPolicy({ random: () => 0 })
      expect(policy.delayMs(0, 86_400_000)).toBe(RETRY_DEFAULTS.maxRetryAfterMs)
      expect(policy.delayMs(0, Number.POSITIVE_INFINITY)).toBe(RETRY_DEFAULTS.maxRetryAfterMs)
    })

    it('ignores a Retry-After that is not a number ≥ 0', () => {
      const policy = createRetryPolicy({ random: () => 0 })
      expect(policy.delayMs(0, Number.NaN)).toBe(0)
      expect(policy.delayMs(0, -5)).toBe(0)
    })

    it('keeps the delay in bounds when random misbehaves or attempt is odd', () => {
      const policy = createRetryPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, random: () => 7 })
      expect(policy.delayMs(0)).toBeLessThanOrEqual(100)
      expect(policy.delayMs(-3)).toBeLessThanOrEqual(100)
      expect(policy.delayMs(Number.NaN)).toBeLessThanOrEqual(100)
      expect(policy.delayMs(10_000)).toBeLessThanOrEqual(1_000)
    })
  })

  it('uses RETRY_DEFAULTS when options are missing or invalid', () => {
    expect(createRetryPolicy().maxAttempts).toBe(RETRY_DEFAULTS.maxAttempts)
    expect(createRetryPolicy({ maxAttempts: 0 }).maxAttempts).toBe(RETRY_DEFAULTS.maxAttempts)
    expect(createRetryPolicy({ maxAttempts: 3 }).maxAttempts).toBe(3)
    const policy = createRetryPolicy({ initialDelayMs: Number.NaN, maxDelayMs: -1, random: () => 1 })
    expect(policy.delayMs(0)).toBe(RETRY_DEFAULTS.initialDelayMs)
  })
})
