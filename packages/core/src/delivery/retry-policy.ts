import type { SendOutcome } from './transport'

/** What to do with a batch after a send: keep, retry later, halve, or give up. */
export type SendVerdict = 'delivered' | 'retry' | 'split' | 'reject'

/** Options of `createRetryPolicy`. */
export interface RetryPolicyOptions {
  /** Backoff ceiling before the first retry, in ms; it doubles with each retry. @default 1000 */
  initialDelayMs?: number
  /** Largest backoff ceiling, in ms. @default 30000 */
  maxDelayMs?: number
  /** Sends of one batch before it is dropped as `retries_exhausted`, the first included. @default 10 */
  maxAttempts?: number
  /** Longest `Retry-After` honoured, in ms; longer ones are cut to this. @default 300000 */
  maxRetryAfterMs?: number
  /** Uniform random number in [0, 1); injectable so tests can pin the jitter. @default Math.random */
  random?: () => number
}

/** Defaults of `RetryPolicyOptions`. */
export const RETRY_DEFAULTS = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxAttempts: 10,
  // A misconfigured proxy may answer `Retry-After: 86400`; five minutes keeps the
  // server's wish for any real throttling without stalling the trail for a day.
  maxRetryAfterMs: 300_000,
} as const satisfies RetryPolicyOptions

/** Decides whether and when a failed send is retried. */
export interface RetryPolicy {
  /** Sends of one batch before it is given up, the first included. */
  readonly maxAttempts: number
  /**
   * Network errors (no status), 408, 429 and 5xx are retried; 413 splits the batch;
   * 400, 401, 403 and every other status are final.
   */
  classify(outcome: SendOutcome): SendVerdict
  /**
   * Wait before retry number `attempt` (0 for the first retry), in ms: full jitter,
   * uniform in [0, min(maxDelayMs, initialDelayMs·2^attempt)], and never less than
   * `retryAfterMs` (cut to `maxRetryAfterMs`) when the collector sent one.
   */
  delayMs(attempt: number, retryAfterMs?: number): number
}

/** Creates the exponential backoff with full jitter the batch sender retries with. */
export function createRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const initialDelayMs = atLeast(options.initialDelayMs, 0, RETRY_DEFAULTS.initialDelayMs)
  const maxDelayMs = atLeast(options.maxDelayMs, 0, RETRY_DEFAULTS.maxDelayMs)
  const maxAttempts = Math.floor(atLeast(options.maxAttempts, 1, RETRY_DEFAULTS.maxAttempts))
  const maxRetryAfterMs = atLeast(options.maxRetryAfterMs, 0, RETRY_DEFAULTS.maxRetryAfterMs)
  const random = options.random ?? Math.random

  return {
    maxAttempts,
    classify: classifyOutcome,
    delayMs(attempt, retryAfterMs) {
      // Capped so that 2^exponent stays finite: 0 · Infinity would be NaN.
      const exponent = Number.isFinite(attempt) && attempt > 0 ? Math.min(Math.floor(attempt), 1_000) : 0
      const ceilingMs = Math.min(maxDelayMs, initialDelayMs * 2 ** exponent)
      const r = random()
      // Full jitter (AWS "Exponential Backoff and Jitter"): clients that failed
      // together spread out instead of retrying in lockstep.
      const backoffMs = Math.floor((r >= 0 && r <= 1 ? r : 0) * ceilingMs)
      if (retryAfterMs === undefined || !(retryAfterMs >= 0)) return backoffMs
      return Math.max(backoffMs, Math.min(retryAfterMs, maxRetryAfterMs))
    },
  }
}

function classifyOutcome(outcome: SendOutcome): SendVerdict {
  if (outcome.ok) return 'delivered'
  const status = outcome.status
  // No status, or 0 (an opaque browser failure), means the request never got an answer.
  if (status === undefined || status === 0) return 'retry'
  if (status === 408 || status === 429 || status >= 500) return 'retry'
  if (status === 413) return 'split'
  return 'reject'
}

function atLeast(value: number | undefined, min: number, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= min ? value : fallback
}
