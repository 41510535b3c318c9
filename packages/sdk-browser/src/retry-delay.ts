import type { SendOutcome } from '@echotrail/core'

/** What the sender does with a batch after a send (core's retry policy, for a page). */
export type Verdict = 'delivered' | 'retry' | 'split' | 'reject'

// The backoff of @echotrail/core's default retry policy. The page keeps only what it
// uses: no attempt limit (the bounded queue limits an outage instead) and no options.
const FIRST_CEILING_MS = 1_000
const MAX_CEILING_MS = 30_000
// A misconfigured proxy may answer `Retry-After: 86400`; five minutes keeps real throttling.
const MAX_RETRY_AFTER_MS = 300_000

/** Network errors, 408, 429 and 5xx are retried; 413 splits the batch; other statuses are final. */
export function classify(outcome: SendOutcome): Verdict {
  const status = outcome.status
  if (outcome.ok) return 'delivered'
  // No status (or 0, an opaque failure): the request never got an answer.
  if (!status || status === 408 || status === 429 || status >= 500) return 'retry'
  return status === 413 ? 'split' : 'reject'
}

/**
 * Wait before retry number `attempt` (0 first), in ms: full jitter, uniform in
 * [0, min(30 s, 1 s·2^attempt)), so pages that failed together do not retry in
 * lockstep, and never less than the collector's `Retry-After` (cut to 5 minutes).
 */
export function retryDelayMs(attempt: number, retryAfterMs = 0, random: () => number = Math.random): number {
  return Math.max(Math.floor(random() * Math.min(MAX_CEILING_MS, FIRST_CEILING_MS * 2 ** attempt)), Math.min(retryAfterMs, MAX_RETRY_AFTER_MS))
}
