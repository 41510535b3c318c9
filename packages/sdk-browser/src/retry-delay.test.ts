import { describe, expect, it } from 'vitest'
import { classify, retryDelayMs } from './retry-delay'

describe('classify', () => {
  it('retries network errors, 408, 429 and 5xx; splits on 413; gives up on other refusals', () => {
    const verdicts = [undefined, 0, 408, 429, 500, 503, 413, 400, 401, 403, 404].map((status) => classify(status === undefined ? { ok: false } : { ok: false, status }))
    expect(verdicts).toEqual(['retry', 'retry', 'retry', 'retry', 'retry', 'retry', 'split', 'reject', 'reject', 'reject', 'reject'])
    expect(classify({ ok: true, status: 202 })).toBe('delivered')
  })
})

describe('retryDelayMs', () => {
  it('draws uniformly below a ceiling that doubles from 1 s up to 30 s', () => {
    expect([0, 1, 2, 5, 6, 50].map((attempt) => retryDelayMs(attempt, undefined, () => 0.999_999))).toEqual([999, 1_999, 3_999, 29_999, 29_999, 29_999])
    expect(retryDelayMs(3, undefined, () => 0)).toBe(0)
    expect(retryDelayMs(1_000_000, undefined, () => 0.5)).toBe(15_000)
  })

  it('never waits less than Retry-After, cut to five minutes', () => {
    expect(retryDelayMs(0, 7_000, () => 0.5)).toBe(7_000)
    expect(retryDelayMs(5, 7_000, () => 0.5)).toBe(15_000)
    expect(retryDelayMs(0, 86_400_000, () => 0)).toBe(300_000)
  })
})
