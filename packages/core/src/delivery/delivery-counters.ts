/**
 * Why an event was dropped instead of delivered; the keys of the client report
 * (`POST /v1/audit/client-report`).
 */
export type DropReason =
  /** Evicted, oldest first, to keep the queue within `maxQueueEvents`/`maxQueueBytes`. */
  | 'queue_overflow'
  /** Over `maxEventBytes`, or answered 413 when sent alone. */
  | 'too_large'
  /** Its batch was refused for good (400, 401, 403 or another final status). */
  | 'rejected'
  /** Its batch failed `maxAttempts` times in a row. */
  | 'retries_exhausted'
  /** Enqueued after `shutdown()`. */
  | 'shutdown'
  /** The serializer threw or returned something other than a string. */
  | 'serialize_error'
  /** The queue failed to store it. */
  | 'queue_error'

/** Every `DropReason`, in a stable order. */
export const DROP_REASONS: readonly DropReason[] = [
  'queue_overflow',
  'too_large',
  'rejected',
  'retries_exhausted',
  'shutdown',
  'serialize_error',
  'queue_error',
]

/**
 * Delivery counters since the sender started. Every event passed to `enqueue` is
 * exactly one of sent, dropped or queued; `retried` counts repeat sends on top.
 */
export interface DeliveryStats {
  /** Events the collector accepted (2xx). */
  readonly sent: number
  /** Events given up, all reasons. */
  readonly dropped: number
  /** Events put back for another attempt after a retryable failure; an event retried twice counts twice. */
  readonly retried: number
  /** Events accepted and not yet sent or dropped, in flight included. */
  readonly queued: number
  /** `dropped`, by reason. */
  readonly droppedByReason: Readonly<Record<DropReason, number>>
}

/** Events dropped since the previous report, by reason; reasons with none are left out. */
export type DropReport = Partial<Record<DropReason, number>>

function zeroes(): Record<DropReason, number> {
  const counts = {} as Record<DropReason, number>
  for (const reason of DROP_REASONS) counts[reason] = 0
  return counts
}

/** The sent/dropped/retried tallies of one batch sender. */
export class DeliveryCounters {
  #sent = 0
  #retried = 0
  #dropped = 0
  readonly #byReason = zeroes()
  #unreported = zeroes()

  /** Counts `count` events delivered. */
  addSent(count: number): void {
    this.#sent += count
  }

  /** Counts `count` events put back for another attempt. */
  addRetried(count: number): void {
    this.#retried += count
  }

  /** Counts `count` events dropped for `reason`. */
  addDropped(reason: DropReason, count: number): void {
    this.#dropped += count
    this.#byReason[reason] += count
    this.#unreported[reason] += count
  }

  /** A copy of the counters, with `queued` supplied by the sender. */
  snapshot(queued: number): DeliveryStats {
    return {
      sent: this.#sent,
      dropped: this.#dropped,
      retried: this.#retried,
      queued,
      droppedByReason: { ...this.#byReason },
    }
  }

  /** Drops since the previous call, by reason. */
  takeReport(): DropReport {
    const report: DropReport = {}
    for (const reason of DROP_REASONS) {
      const count = this.#unreported[reason]
      if (count > 0) report[reason] = count
    }
    this.#unreported = zeroes()
    return report
  }
}
