/** An event waiting for delivery, serialised once when it was queued. */
export interface QueuedEvent {
  /** Assigned by the queue; strictly increasing in push order, never reused. */
  readonly id: number
  /** The event's wire JSON. */
  readonly json: string
  /** UTF-8 byte length of `json`. */
  readonly bytes: number
}

/** An event handed to `push`; the queue assigns its id. */
export type NewQueuedEvent = Pick<QueuedEvent, 'json' | 'bytes'>

/** An event `push` evicted to stay within its limits. */
export type EvictedEvent = Pick<QueuedEvent, 'id' | 'bytes'>

/** Bounds a queue must be within after every push. */
export interface QueueLimits {
  /** Most events held. */
  readonly maxEvents: number
  /** Most bytes held, counting each event's `bytes`. */
  readonly maxBytes: number
}

/** What one `push` did. */
export interface PushResult {
  /** Ids given to the pushed events, in push order. */
  readonly ids: readonly number[]
  /** Events evicted to get within the limits, oldest first. */
  readonly evicted: readonly EvictedEvent[]
}

/** Events held and their bytes. */
export interface QueueSize {
  readonly events: number
  readonly bytes: number
}

/**
 * Ordered storage for events awaiting delivery: memory by default, IndexedDB in
 * browsers so events survive reloads. Asynchronous so that a persistent store fits.
 *
 * Semantics every implementation keeps (test/event-queue-contract.ts checks them):
 * - FIFO: `peek` returns the oldest events first, in push order.
 * - `peek` does not lease or lock anything. An event being sent stays in the queue
 *   and may still be evicted by a later `push`; the caller (the batch sender, which
 *   tracks what it has in flight) decides how such an event is counted, so that an
 *   event is never counted both delivered and dropped, and never sent twice.
 * - `push` is atomic: it appends all events, then evicts the oldest (just-pushed ones
 *   included, if need be) until within `limits`, and reports exactly what it evicted.
 *   If it rejects, nothing was stored or evicted.
 * - `remove` deletes the given ids; ids no longer held (already evicted) are ignored.
 * - Ids increase across pushes, also across reopenings of a persistent store.
 * - Callers' arrays and objects are never mutated or retained.
 *
 * The batch sender serialises its calls: an implementation never sees two at once.
 */
export interface EventQueue {
  /** Appends `events` in order, then evicts the oldest until within `limits`. */
  push(events: readonly NewQueuedEvent[], limits: QueueLimits): Promise<PushResult>
  /**
   * Returns up to `maxEvents` oldest events whose bytes sum to at most `maxBytes`,
   * and always at least one when the queue is not empty, so that no event is stuck.
   */
  peek(maxEvents: number, maxBytes: number): Promise<QueuedEvent[]>
  /** Deletes the events with these ids (delivered or finally dropped). */
  remove(ids: readonly number[]): Promise<void>
  /** Events held and their bytes; in flight included. */
  size(): Promise<QueueSize>
}
