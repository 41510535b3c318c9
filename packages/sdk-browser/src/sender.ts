import {
  DROP_REASONS,
  WIRE_LIMITS,
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
  stats(): DeliveryStats
  /** Drops since the previous call, for `POST /v1/audit/client-report`. */
  takeDropReport(): DropReport
}

// The batching limits of DESIGN §6 (core's DELIVERY_DEFAULTS).
const HANDOFF_EVENTS = 500
const BATCH_BYTES = 512 * 1_024
const SEND_TIMEOUT_MS = 10_000
const FLUSH_TIMEOUT_MS = 5_000
// `{"events":[` and `]}`.
const ENVELOPE_BYTES = 13

export const zeroes = (): Record<DropReason, number> => Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as Record<DropReason, number>
const noop = (): void => {}

/**
 * Creates the page's sender: the batching, bounding, retrying and counting of core's
 * batch sender, cut to what a page needs (events reach IndexedDB once per interval,
 * there is one send at a time, and no attempt limit since the bounded queue limits an
 * outage). Every event handed over ends exactly once as sent or dropped (by reason).
 */
export function createSender<E>(options: SenderOptions<E>): Sender<E> {
  const { queue } = options
  const encoder = new TextEncoder()
  const droppedBy = zeroes()
  let unreported = zeroes()
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
  let inFlight: ReadonlySet<number> | undefined
  // In-flight events a push evicted: their send's outcome settles them.
  const evictedInFlight = new Set<number>()
  // Batch sizes owed after 413 splits; the last caps the next batch.
  const caps: number[] = []
  let attempt = 0
  let pumping = false
  let stopped = false
  let wake = noop
  let abortSend = noop
  const waiters = new Set<{ upTo: number; done: (delivered: boolean) => void }>()

  const report = (code: EchotrailErrorCode, message: string, cause?: unknown): void => {
    if (reported.has(code)) return
    reported.add(code)
    options.onError(code, message, cause)
  }
  const drop = (reason: DropReason, count: number): void => {
    droppedBy[reason] += count
    unreported[reason] += count
  }

  // Queue calls run one at a time, in order, as the EventQueue contract expects.
  let chain: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work)
    chain = run.catch(noop)
    return run
  }

  const kick = (): void => {
    if (pumping || stopped) return
    pumping = true
    void pump()
  }

  /** Sends batches, oldest first, until the queue is empty. */
  const pump = async (): Promise<void> => {
    try {
      for (;;) {
        const batch = await exclusive(() => queue.peek(caps.at(-1) ?? HANDOFF_EVENTS, BATCH_BYTES - ENVELOPE_BYTES - HANDOFF_EVENTS))
        for (const waiter of waiters) if (!batch[0] || batch[0].id > waiter.upTo) waiter.done(true)
        if (!batch[0] || stopped) break
        inFlight = new Set(batch.map((event) => event.id))
        const outcome = await send(batch)
        const delayMs = await exclusive(() => settle(batch, outcome))
        if (delayMs !== undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve
            setTimeout(resolve, delayMs)
          })
        }
      }
    } catch (error) {
      // IndexedDB failed: stop until the next hand-off rather than spin on it.
      report('ET_QUEUE_FAILED', 'IndexedDB failed; delivery paused', error)
      for (const waiter of waiters) waiter.done(false)
    } finally {
      pumping = false
      // A flush that arrived as the loop ended still needs its answer.
      if (waiters.size > 0) kick()
    }
  }

  const send = async (batch: readonly QueuedEvent[]): Promise<SendOutcome> => {
    const controller = new AbortController()
    abortSend = () => controller.abort()
    // A hung connection must not stall delivery: abort it, and retry.
    const timer = setTimeout(abortSend, SEND_TIMEOUT_MS)
    try {
      return await options.transport.send(
        { body: `{"events":[${batch.map((event) => event.json).join(',')}]}`, events: batch.length, bytes: batch.reduce((sum, event) => sum + event.bytes + 1, ENVELOPE_BYTES - 1) },
        controller.signal,
      )
    } catch (error) {
      return { ok: false, error }
    } finally {
      clearTimeout(timer)
    }
  }

  /** Counts a send's outcome; returns the backoff before the next send, if any. */
  const settle = async (batch: readonly QueuedEvent[], outcome: SendOutcome): Promise<number | undefined> => {
    const gone = batch.filter((event) => evictedInFlight.has(event.id)).length
    evictedInFlight.clear()
    inFlight = undefined
    const verdict = classify(outcome)
    if (stopped || verdict === 'retry' || (verdict === 'split' && batch[1])) {
      // The batch goes round again, without what overflow evicted meanwhile.
      drop('queue_overflow', gone)
      if (stopped) return undefined
      if (verdict === 'retry') {
        retried += batch.length - gone
        return retryDelayMs(attempt++, outcome.ok ? 0 : outcome.retryAfterMs)
      }
      const half = Math.ceil(batch.length / 2)
      caps.pop()
      caps.push(batch.length - half, half)
      return undefined
    }
    attempt = 0
    caps.pop()
    stored -= batch.length - gone
    if (verdict === 'delivered') {
      // Events the collector refused as invalid are dropped, never retried.
      const refused = new Set(outcome.ok ? outcome.rejected : [])
      const kept = batch.filter((_, at) => !refused.has(at))
      sent += kept.length
      drop('rejected', batch.length - kept.length)
      if (kept.length < batch.length) report('ET_SEND_REJECTED', `the collector refused ${batch.length - kept.length} invalid event(s)`)
      options.onDelivered(batch)
    } else {
      drop(verdict === 'split' ? 'too_large' : 'rejected', batch.length)
      report(verdict === 'split' ? 'ET_EVENT_TOO_LARGE' : 'ET_SEND_REJECTED', `the collector refused a batch (${outcome.status})`)
    }
    await queue.remove(batch.map((event) => event.id))
    return undefined
  }

  const push = async (events: NewQueuedEvent[]): Promise<boolean> => {
    try {
      const { ids, evicted } = await queue.push(events, { maxEvents: options.maxQueueEvents, maxBytes: options.maxQueueBytes })
      lastId = ids.at(-1) ?? lastId
      stored += ids.length - evicted.length
      let overflow = 0
      for (const { id } of evicted) {
        if (inFlight?.has(id)) evictedInFlight.add(id)
        else overflow++
      }
      if (overflow > 0) {
        drop('queue_overflow', overflow)
        report('ET_QUEUE_FULL', 'queue full: dropping the oldest events')
      }
      return true
    } catch (error) {
      drop('queue_error', events.length)
      report('ET_QUEUE_FAILED', 'IndexedDB refused events', error)
      return false
    } finally {
      pushing -= events.length
    }
  }

  const handOff = (): void => {
    clearTimeout(holdTimer)
    holdTimer = undefined
    const events: NewQueuedEvent[] = []
    for (const event of held) {
      try {
        const json = options.serialize(event)
        const bytes = encoder.encode(json).length
        if (bytes <= WIRE_LIMITS.maxEventBytes) events.push({ json, bytes })
        else {
          drop('too_large', 1)
          report('ET_EVENT_TOO_LARGE', `an event of ${bytes} bytes exceeds 64 KiB`)
        }
      } catch (error) {
        drop('serialize_error', 1)
        report('ET_EVENT_UNSERIALIZABLE', 'an event could not be serialised', error)
      }
    }
    held = []
    if (!events[0]) return
    pushing += events.length
    void exclusive(() => push(events)).then((pushed) => pushed && kick())
  }

  const flush = (timeoutMs = FLUSH_TIMEOUT_MS): Promise<boolean> => {
    handOff()
    return new Promise((resolve) => {
      const waiter = {
        upTo: 0,
        done: (delivered: boolean) => {
          clearTimeout(timer)
          waiters.delete(waiter)
          resolve(delivered)
        },
      }
      const timer = setTimeout(() => waiter.done(false), timeoutMs)
      // Known once the hand-off above is pushed: the newest id this page queued.
      void exclusive(async () => {
        waiter.upTo = lastId
        waiters.add(waiter)
        kick()
      })
    })
  }

  // Events an earlier page left in the queue count as queued here, and go out now.
  void exclusive(() => queue.size()).then(
    (size) => {
      stored += size.events
      if (size.events > 0) kick()
    },
    (error: unknown) => report('ET_QUEUE_FAILED', 'IndexedDB unavailable', error),
  )

  return {
    enqueue(event) {
      held.push(event)
      if (held.length >= HANDOFF_EVENTS) handOff()
      else holdTimer ??= setTimeout(handOff, options.flushIntervalMs)
    },
    handOff,
    flush,
    shutdown(timeoutMs) {
      return flush(timeoutMs).then((delivered) => {
        stopped = true
        abortSend()
        wake()
        for (const waiter of waiters) waiter.done(false)
        return delivered
      })
    },
    retryNow: () => wake(),
    stats: () => ({
      sent,
      dropped: DROP_REASONS.reduce((sum, reason) => sum + droppedBy[reason], 0),
      retried,
      queued: held.length + pushing + stored,
      droppedByReason: { ...droppedBy },
    }),
    takeDropReport() {
      const dropped: DropReport = {}
      for (const reason of DROP_REASONS) if (unreported[reason] > 0) dropped[reason] = unreported[reason]
      unreported = zeroes()
      return dropped
    },
  }
}
