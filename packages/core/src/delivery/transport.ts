/**
 * One batch ready to go on the wire. The body is already JSON so a transport only
 * decides how to carry it: the Node transport may gzip it, the browser one may hand
 * it to `navigator.sendBeacon`.
 */
export interface EncodedBatch {
  /** `{"events":[…]}`, the body of `POST /v1/audit/batch`. */
  readonly body: string
  /** Number of events in `body`. */
  readonly events: number
  /** UTF-8 byte length of `body`. */
  readonly bytes: number
  /**
   * The events' JSON texts, in order, when the batch sender made the batch: a transport
   * that writes bytes itself (the Node one, before gzip) can skip building `body`.
   */
  readonly eventJson?: readonly string[]
}

/**
 * What became of one send. Failures are values, not exceptions: `status` is the HTTP
 * status when an answer arrived, absent for network errors, timeouts and aborts.
 */
export type SendOutcome =
  | {
      readonly ok: true
      readonly status?: number
      /**
       * Positions in the batch of events the collector refused as invalid while storing
       * the rest (the `rejected[].index` of its 202 answer). They are counted as dropped
       * (`rejected`), not sent, and never retried: resending cannot make them valid.
       */
      readonly rejected?: readonly number[]
    }
  | {
      readonly ok: false
      readonly status?: number
      /** Wait the collector asked for (`Retry-After`, see `parseRetryAfter`), in ms. */
      readonly retryAfterMs?: number
      /** The underlying failure, for logs only. */
      readonly error?: unknown
    }

/**
 * Delivers one batch to the collector. Implementations make exactly one request,
 * never retry (the batch sender owns retries, 413 splitting and drop counts), never
 * throw, and stop when `signal` aborts (send timeout or shutdown).
 */
export interface Transport {
  /** Sends `batch` and resolves with its outcome; rejections count as network errors. */
  send(batch: EncodedBatch, signal: AbortSignal): Promise<SendOutcome>
}
