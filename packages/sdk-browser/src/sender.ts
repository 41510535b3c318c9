import {
  DROP_REASONS,
  type DeliveryStats,
  type DropReason,
  type DropReport,
  type EchotrailErrorCode,
  type EventQueue,
  type NewQueuedEvent,
  type QueuedEvent,
  type SendOutcome,
  type Transport,
} from '@echotrail/core'
import { classify, retryDelayMs } from './retry-delay.js'
import { noop } from './transport.js'

/** What the page's sender is built from. */
export interface SenderOptions<E> {
  /** Makes one request per batch. */
  transport: Transport
  /** Where events wait (IndexedDB), shared by the origin's tabs. */
  queue: EventQueue
  /** Event → wire JSON, masked; a throw drops the event as `serialize_error`. */
  serialize: (event: E) => string
  /** Longest wait of an event before it goes to the queue and out, in ms. */
  flushIntervalMs: number
  /** Queue bounds; past them the oldest events are dropped as `queue_overflow`. */
  maxQueueEvents: number
  maxQueueBytes: number
  /** Told the first failure of each kind. */
  onError: (code: EchotrailErrorCode, message: string, cause?: unknown) => void
  /** Events the collector took, so the unload path stops carrying them. */
  onDelivered: (events: readonly QueuedEvent[]) => void
}

/** Delivery for one page: hold, queue, send, retry, count. */
export interface Sender<E> {
  /** Holds `event` until the next hand-off (`flushIntervalMs`, or 500 events). */
  enqueue(event: E): void
  /** Serialises what is held and pushes it to the queue now; sending follows. */
  handOff(): void
  /** Resolves true once everything enqueued before the call is delivered or dropped, false after `timeoutMs`. */
  flush(timeoutMs?: number): Promise<boolean>
  /** Flushes, then stops sending; what is still queued stays for a later page. */
  shutdown(timeoutMs?: number): Promise<boolean>
  /** Ends a backoff wait: the network is back. */
  retryNow(): void
  /** Sent, dropped (by reason), retried and queued counts of this page. */
  stats(): DeliveryStats
  /** Drops since the previous call, for `POST /v1/audit/client-report`. */
  takeDropReport(): DropReport
}

// The batching limits of DESIGN §6 (core's DELIVERY_DEFAULTS).
const HANDOFF_EVENTS = 500
const BATCH_BYTES = 512 * 1_024
const SEND_TIMEOUT_MS = 10_000
const FLUSH_TIMEOUT_MS = 5_000
// The collector's limit for one event (core's WIRE_LIMITS.maxEventBytes).
const MAX_EVENT_BYTES = 65_536
// `{"events":[` and `]}`.
const ENVELOPE_BYTES = 13

/** A count of zero for every drop reason. */
export const zeroes = (): Record<DropReason, number> => Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>

/**
 * Creates the page's sender: the batching, bounding, retrying and counting of core's
 * batch sender, cut to what a page needs: events reach IndexedDB once per interval,
 * one send at a time, and no attempt limit since the bounded queue limits an outage.
 * Every event handed over ends exactly once as sent or dropped (by reason).
 */
export function createSender<E>(options: SenderOptions<E>): Sender<E> {
  const { queue } = options
  const encoder = new TextEncoder()
  const droppedBy = zeroes()
  let unreported: DropReport = {}
  const reported = new Set<string>()
  let sent = 0
  let retried = 0
  let held: E[] = []
  let holdTimer: ReturnType<typeof setTimeout> | undefined
  // Serialised, on their way into the queue.
  let pushing = 0
  // In the queue as this page knows it: what it found there, plus its pushes, less what settled.
  let stored = 0
  let lastId = 0
  // Largest batch; halved by each 413, back to full once the queue is drained.
  let cap = HANDOFF_EVENTS
  let attempt = 0
  let pumping = false
  let stopped = false
  let wake = noop
  let abortSend = noop
  // Flushes waiting, each with the newest id it waits for.
  const waiters = new Map<(delivered: boolean) => void, number>()
  const settle = (delivered: boolean, upTo = Infinity): void => waiters.forEach((id, done) => id < upTo && done(delivered))

  // Each code is told once; its message says what was dropped.
  const report = (code: EchotrailErrorCode, message: string, cause?: unknown): void => {
    if (!reported.has(code)) options.onError(code, message, cause)
    reported.add(code)
  }
  const drop = (reason: DropReason, count: number, code: EchotrailErrorCode, cause?: unknown): void => {
    if (count > 0) {
      droppedBy[reason] += count
      unreported[reason] = (unreported[reason] ?? 0) + count
      report(code, `${count} dropped: ${reason}`, cause)
    }
  }

  // Queue calls run one at a time, in order, as the EventQueue contract expects. A send
  // runs inside its turn too, so no push can evict the events of a batch in flight.
  let chain: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work)
    chain = run.catch(noop)
    return run
  }

  const kick = (): void => {
    if (!pumping && !stopped) {
      pumping = true
      void pump()
    }
  }

  /** Sends batches, oldest first, until the queue is empty. */
  const pump = async (): Promise<void> => {
    try {
      for (let delayMs: number | undefined = 0; delayMs !== undefined && !stopped; ) {
        if (delayMs) await new Promise((resolve) => setTimeout((wake = resolve as () => void), delayMs))
        delayMs = await exclusive(sendNext)
      }
    } catch (error) {
      // IndexedDB failed: stop until the next hand-off rather than spin on it.
      report('ET_QUEUE_FAILED', 'IndexedDB failed', error)
      settle(false)
    }
    pumping = false
    // A flush that arrived as the loop ended still needs its answer.
    if (waiters.size) kick()
  }

  /** Sends the oldest batch and settles it; returns the wait before the next, undefined when none is due. */
  const sendNext = async (): Promise<number | undefined> => {
    const batch = await queue.peek(cap, BATCH_BYTES - ENVELOPE_BYTES - HANDOFF_EVENTS)
    const count = batch.length
    settle(true, batch[0]?.id)
    if (count < cap) cap = HANDOFF_EVENTS
    if (!count || stopped) return undefined
    const controller = new AbortController()
    abortSend = () => controller.abort()
    // A hung connection must not stall delivery: abort it, and retry.
    const timer = setTimeout(abortSend, SEND_TIMEOUT_MS)
    let outcome: SendOutcome
    try {
      outcome = await options.transport.send(
        { body: `{"events":[${batch.map((event) => event.json)}]}`, events: count, bytes: batch.reduce((sum, event) => sum + event.bytes + 1, ENVELOPE_BYTES - 1) },
        controller.signal,
      )
    } catch (error) {
      outcome = { ok: false, error }
    }
    clearTimeout(timer)
    const verdict = classify(outcome)
    // Shutdown aborted the send: the batch stays queued for a later page.
    if (stopped) return undefined
    if (verdict === 'retry') {
      retried += count
      return retryDelayMs(attempt++, outcome.ok ? 0 : outcome.retryAfterMs)
    }
    attempt = 0
    if (verdict === 'split' && count > 1) {
      cap = Math.ceil(count / 2)
      return 0
    }
    // Another tab of the origin may have queued some of these: never below none.
    stored = Math.max(0, stored - count)
    if (outcome.ok) {
      // Events the collector refused as invalid are dropped, never retried.
      const refused = new Set(outcome.rejected)
      const kept = batch.filter((_, at) => !refused.has(at)).length
      sent += kept
      drop('rejected', count - kept, 'ET_SEND_REJECTED')
      options.onDelivered(batch)
    } else if (verdict === 'split') drop('too_large', 1, 'ET_EVENT_TOO_LARGE', 413)
    else drop('rejected', count, 'ET_SEND_REJECTED', outcome.status)
    await queue.remove(batch.map((event) => event.id))
    return 0
  }

  const handOff = (): void => {
    clearTimeout(holdTimer)
    holdTimer = undefined
    const events: NewQueuedEvent[] = []
    for (const event of held) {
      try {
        const json = options.serialize(event)
        const bytes = encoder.encode(json).length
        if (bytes > MAX_EVENT_BYTES) drop('too_large', 1, 'ET_EVENT_TOO_LARGE', bytes)
        else events.push({ json, bytes })
      } catch (error) {
        drop('serialize_error', 1, 'ET_EVENT_UNSERIALIZABLE', error)
      }
    }
    held = []
    const count = events.length
    if (!count) return
    pushing += count
    void exclusive(async () => {
      try {
        const { ids, evicted } = await queue.push(events, { maxEvents: options.maxQueueEvents, maxBytes: options.maxQueueBytes })
        lastId = ids.at(-1) ?? lastId
        stored += ids.length - evicted.length
        drop('queue_overflow', evicted.length, 'ET_QUEUE_FULL')
        kick()
      } catch (error) {
        drop('queue_error', count, 'ET_QUEUE_FAILED', error)
      }
      pushing -= count
    })
  }

  const flush = (timeoutMs = FLUSH_TIMEOUT_MS): Promise<boolean> => {
    handOff()
    return new Promise((resolve) => {
      const done = (delivered: boolean): void => {
        clearTimeout(timer)
        waiters.delete(done)
        resolve(delivered)
      }
      const timer = setTimeout(done, timeoutMs, false)
      // Known once the hand-off above is pushed: the newest id this page queued.
      void exclusive(async () => {
        waiters.set(done, lastId)
        kick()
      })
    })
  }

  // Events an earlier page left in the queue count as queued here, and go out now.
  void exclusive(async () => {
    stored += (await queue.size()).events
    kick()
  }).catch((error: unknown) => report('ET_QUEUE_FAILED', 'IndexedDB failed', error))

  return {
    enqueue(event) {
      if (held.push(event) >= HANDOFF_EVENTS) handOff()
      else holdTimer ??= setTimeout(handOff, options.flushIntervalMs)
    },
    handOff,
    flush,
    shutdown: (timeoutMs) =>
      flush(timeoutMs).then((delivered) => {
        stopped = true
        abortSend()
        wake()
        settle(false)
        return delivered
      }),
    retryNow: () => wake(),
    stats: () => ({
      sent,
      dropped: Object.values(droppedBy).reduce((sum, count) => sum + count),
      retried,
      queued: held.length + pushing + stored,
      droppedByReason: { ...droppedBy },
    }),
    takeDropReport() {
      const dropped = unreported
      unreported = {}
      return dropped
    },
  }
}
