/** Token buckets per key: `take` answers how long to wait, 0 when allowed. */
export interface RateLimiter {
  /** Takes one token for `keyId`; returns 0 when allowed, else ms until one is available. */
  take(keyId: string, perSecond: number): number
}

/** Creates in-memory token buckets (burst = one second's worth). */
export function createRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; atMs: number }>()
  return {
    take(keyId, perSecond) {
      const t = now()
      const bucket = buckets.get(keyId) ?? { tokens: perSecond, atMs: t }
      bucket.tokens = Math.min(perSecond, bucket.tokens + ((t - bucket.atMs) / 1000) * perSecond)
      bucket.atMs = t
      buckets.set(keyId, bucket)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return 0
      }
      return Math.ceil(((1 - bucket.tokens) / perSecond) * 1000)
    },
  }
}
