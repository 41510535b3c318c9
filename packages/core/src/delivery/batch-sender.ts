import type { EchotrailErrorCode } from '../errors'
import { EchotrailError } from '../errors'
import type { DeliveryStats, DropReason, DropReport } from './delivery-counters'
import { DeliveryCounters } from './delivery-counters'
import { BATCH_ENVELOPE_BYTES, batchBodyBytes, encodeBatch } from './encode-batch'
import type { EventQueue, EvictedEvent, QueuedEvent } from './event-queue'
import { FlushWaiters } from './flush-waiters'
import { createMemoryQueue } from './memory-queue'
import type { BatchSenderOptions, DeliveryLimits } from './options'
import { resolveDeliveryLimits } from './options'
import type { RetryPolicy, SendVerdict } from './retry-policy'
import { createRetryPolicy } from './retry-policy'
import type { SendMishap } from './send-with-timeout'
import { sendWithTimeout } from './send-with-timeout'
import type { StagedChunk } from './staging'
import { Staging } from './staging'
import { startTimer } from './timers'
import type { SendOutcome, Transport } from './transport'
import { utf8ByteLength } from './utf8-byte-length'

/** Batches, bounds, retries and counts audit events on their way to the collector. */
export interface BatchSender<E extends object = object> {
  /**
   * Queues `event`, serialised once, now; returns false when it was dropped instead
   * (too large, unserialisable, after shutdown). Synchronous and never throws.
   */
  enqueue(event: E): boolean
  /**
   * Sends everything queued before the call; resolves true once all of it is delivered
   * or finally dropped, false when `timeoutMs` passes first. Never rejects.
   */
  flush(timeoutMs?: number): Promise<boolean>
  /**
   * Stops the timers, flushes as `flush` does, then aborts any send still running;
   * later events are dropped as `shutdown`. Events still queued stay in the queue.
   */
  shutdown(timeoutMs?: number): Promise<boolean>
  /** Counters since start: sent, dropped (by reason), retried, queued. */
  stats(): DeliveryStats
  /** Drops since the previous call, by reason, for `POST /v1/audit/client-report`. */
  takeDropReport(): DropReport
}

const noop = (): void => {}

/**
 * Two jobs, kept together because each needs the other's state: a ledger that settles
 * every accepted event exactly once (sent or dropped, with its reason), and a pump
 * that decides when to send and what to do with each outcome.
 */
class BatchSenderImpl<E extends object> {
  readonly #limits: DeliveryLimits
  readonly #transport: Transport
  readonly #queue: EventQueue
  readonly #policy: RetryPolicy
  readonly #serialize: (event: E) => string
  readonly #onError: (error: EchotrailError) => void
  readonly #counters = new DeliveryCounters()
  readonly #waiters = new FlushWaiters()
  readonly #reported = new Set<string>()

  readonly #staging: Staging
  #commitScheduled = false

  // Pushed, not yet settled (in flight included): the `queued` part in the queue.
  #heldEvents = 0
  #heldBytes = 0
  #lastId: number | undefined

  // The batch being sent, and which of its events a push evicted meanwhile.
  #inFlight: ReadonlySet<number> | undefined
  #inFlightBytes = 0
  readonly #evictedInFlight = new Set<number>()
  // Settled events whose removal from the queue failed: skipped, never sent again.
  readonly #unremoved = new Set<number>()

  // Queue calls run one at a time, in order, so evictions and peeks never interleave.
  #queueOps: Promise<unknown>
  #pumping = false
  #due = false
  #cancelIntervalTimer: (() => void) | undefined
  #failedAttempts = 0
  // Batch sizes still owed after 413 splits; the last entry caps the next batch.
  readonly #splitCaps: number[] = []

  #closed = false
  #stopped = false
  #shutdown: Promise<boolean> | undefined
  #abortSend: ((reason: unknown) => void) | undefined
  #wake: (() => void) | undefined

  constructor(options: BatchSenderOptions<E>) {
    const { limits, problems } = resolveDeliveryLimits(options)
    this.#limits = limits
    this.#staging = new Staging(limits.maxQueueEvents, limits.maxQueueBytes)
    this.#transport = options.transport
    this.#queue = options.queue ?? createMemoryQueue()
    this.#policy = options.retryPolicy ?? createRetryPolicy()
    this.#serialize = options.serialize ?? (JSON.stringify as (event: E) => string)
    this.#onError = options.onError ?? noop
    if (problems.length > 0) this.#report('config', 'ET_CONFIG_INVALID', problems.join('; '))
    // A persistent queue may hold events from an earlier run: count them and send them.
    this.#queueOps = Promise.resolve()
      .then(() => this.#queue.size())
      .then(
        (size) => {
          this.#heldEvents += size.events
          this.#heldBytes += size.bytes
          if (size.events > 0) this.#armIntervalTimer()
        },
        (error: unknown) => this.#report('queue.size', 'ET_QUEUE_FAILED', 'event queue size() failed', error),
      )
  }

  enqueue(event: E): boolean {
    try {
      if (this.#closed) return this.#refuse('shutdown', 'ET_SHUTDOWN', 'event enqueued after shutdown()')
      let json: unknown
      try {
        json = this.#serialize(event)
      } catch (error) {
        return this.#refuse('serialize_error', 'ET_EVENT_UNSERIALIZABLE', 'event could not be serialised', error)
      }
      if (typeof json !== 'string') {
        return this.#refuse('serialize_error', 'ET_EVENT_UNSERIALIZABLE', 'serialize() did not return a string')
      }
      const bytes = utf8ByteLength(json)
      if (bytes > this.#limits.maxEventBytes) {
        return this.#refuse('too_large', 'ET_EVENT_TOO_LARGE', `event of ${bytes} bytes exceeds maxEventBytes`)
      }
      const overflow = this.#staging.add({ json, bytes })
      if (overflow > 0) {
        this.#counters.addDropped('queue_overflow', overflow)
        this.#report('queue_overflow', 'ET_QUEUE_FULL', 'queue full: dropping the oldest events')
      }
      if (this.#cancelIntervalTimer === undefined) this.#armIntervalTimer()
      // On overflow, push soon too: the older events FIFO now dooms must leave the queue.
      if (overflow > 0 || this.#isFullBatch(this.#staging.untakenEvents, this.#staging.untakenBytes)) {
        this.#scheduleCommit()
      }
      if (this.#isFullBatch(this.#pendingEvents(), this.#pendingBytes())) this.#kick()
      return true
    } catch (error) {
      this.#report('enqueue', 'ET_DELIVERY_FAILED', 'enqueue failed', error)
      return false
    }
  }

  flush(timeoutMs?: number): Promise<boolean> {
    try {
      if (this.#queuedEvents() === 0) return Promise.resolve(true)
      if (this.#stopped) return Promise.resolve(false)
      const wait = this.#waiters.open(timeoutMs !== undefined && timeoutMs >= 0 ? timeoutMs : this.#limits.flushTimeoutMs)
      // Taken now, so that events enqueued after the call are pushed later, with
      // larger ids, and do not hold this flush back. Once pushed, every event
      // accepted before the call is settled or held with an id ≤ #lastId.
      this.#staging.take(() => wait.arm(this.#lastId, this.#heldEvents))
      void this.#exclusive(() => this.#pushTaken()).then(() => this.#kick(), noop)
      return wait.done
    } catch (error) {
      this.#report('flush', 'ET_DELIVERY_FAILED', 'flush failed', error)
      return Promise.resolve(false)
    }
  }

  shutdown(timeoutMs?: number): Promise<boolean> {
    if (this.#shutdown !== undefined) return this.#shutdown
    this.#closed = true
    this.#cancelIntervalTimer?.()
    this.#cancelIntervalTimer = undefined
    const stop = (done: boolean): boolean => {
      this.#stopped = true
      this.#abortSend?.(new EchotrailError('ET_SHUTDOWN', 'send aborted by shutdown()'))
      this.#wake?.()
      this.#waiters.finishAll(false)
      return done
    }
    this.#shutdown = this.flush(timeoutMs).then(stop, () => stop(false))
    return this.#shutdown
  }

  stats(): DeliveryStats {
    return this.#counters.snapshot(this.#queuedEvents())
  }

  takeDropReport(): DropReport {
    return this.#counters.takeReport()
  }

  // ── accounting ────────────────────────────────────────────────────────────

  #queuedEvents(): number {
    return this.#staging.events + this.#heldEvents
  }

  #pendingEvents(): number {
    return this.#queuedEvents() - (this.#inFlight?.size ?? 0)
  }

  #pendingBytes(): number {
    return this.#staging.bytes + this.#heldBytes - this.#inFlightBytes
  }

  #isFullBatch(events: number, bytes: number): boolean {
    return events >= this.#limits.maxBatchEvents || batchBodyBytes(bytes, events) >= this.#limits.maxBatchBytes
  }

  #refuse(reason: DropReason, code: EchotrailErrorCode, message: string, cause?: unknown): false {
    this.#counters.addDropped(reason, 1)
    this.#report(reason, code, message, cause)
    return false
  }

  /** Settles pushed events: each is counted exactly once, here. */
  #settle(events: readonly EvictedEvent[], result: 'sent' | DropReason): void {
    if (events.length === 0) return
    let bytes = 0
    for (const event of events) bytes += event.bytes
    this.#heldEvents -= events.length
    this.#heldBytes -= bytes
    if (result === 'sent') this.#counters.addSent(events.length)
    else this.#counters.addDropped(result, events.length)
    this.#waiters.settle(events)
  }

  #report(site: string, code: EchotrailErrorCode, message: string, cause?: unknown): void {
    if (this.#reported.has(site)) return
    this.#reported.add(site)
    try {
      this.#onError(new EchotrailError(code, message, cause === undefined ? undefined : { cause }))
    } catch {
      // A throwing logger must not break delivery.
    }
  }

  // ── queue access (serialised) ─────────────────────────────────────────────

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queueOps.then(fn)
    this.#queueOps = run.then(noop, noop)
    return run
  }

  #scheduleCommit(): void {
    if (this.#commitScheduled) return
    this.#commitScheduled = true
    queueMicrotask(() => {
      this.#commitScheduled = false
      this.#exclusive(() => this.#commitStaged()).catch((error: unknown) =>
        this.#report('commit', 'ET_DELIVERY_FAILED', 'pushing events to the queue failed', error),
      )
    })
  }

  /** Pushes everything staged; call only inside `#exclusive`. */
  #commitStaged(): Promise<void> {
    if (this.#staging.untakenEvents > 0) this.#staging.take()
    return this.#pushTaken()
  }

  /** Pushes taken chunks in the order taken; call only inside `#exclusive`. Never rejects. */
  async #pushTaken(): Promise<void> {
    for (let chunk = this.#staging.next(); chunk !== undefined; chunk = this.#staging.next()) {
      await this.#push(chunk)
      chunk.onPushed?.()
    }
  }

  async #push({ events, bytes, evictsOlder }: StagedChunk): Promise<void> {
    if (events.length === 0) return
    const limits = evictsOlder
      ? { maxEvents: events.length, maxBytes: bytes }
      : { maxEvents: this.#limits.maxQueueEvents, maxBytes: this.#limits.maxQueueBytes }
    this.#heldEvents += events.length
    this.#heldBytes += bytes
    let result
    try {
      result = await this.#queue.push(events, limits)
    } catch (error) {
      // push is atomic: nothing was stored, so these events are lost here.
      this.#heldEvents -= events.length
      this.#heldBytes -= bytes
      this.#counters.addDropped('queue_error', events.length)
      this.#report('queue.push', 'ET_QUEUE_FAILED', 'event queue push() failed', error)
      return
    }
    const firstId = result.ids[0]
    if (firstId !== undefined) {
      this.#waiters.bindPending(firstId)
      this.#lastId = result.ids[result.ids.length - 1]
    }
    const dropped: EvictedEvent[] = []
    for (const event of result.evicted) {
      // An evicted event in flight is settled by its send's outcome instead.
      if (this.#inFlight?.has(event.id)) this.#evictedInFlight.add(event.id)
      else if (!this.#unremoved.delete(event.id)) dropped.push(event)
    }
    if (dropped.length > 0) {
      this.#settle(dropped, 'queue_overflow')
      this.#report('queue_overflow', 'ET_QUEUE_FULL', 'queue full: dropping the oldest events')
    }
  }

  /** Removes settled events from the queue; call only inside `#exclusive`. */
  async #remove(events: readonly QueuedEvent[]): Promise<void> {
    const ids: number[] = []
    for (const event of events) if (!this.#evictedInFlight.has(event.id)) ids.push(event.id)
    if (ids.length === 0) return
    try {
      await this.#queue.remove(ids)
    } catch (error) {
      for (const id of ids) this.#unremoved.add(id)
      this.#report('queue.remove', 'ET_QUEUE_FAILED', 'event queue remove() failed', error)
    }
  }

  // ── sending ───────────────────────────────────────────────────────────────

  #armIntervalTimer(): void {
    if (this.#closed || this.#cancelIntervalTimer !== undefined) return
    this.#cancelIntervalTimer = startTimer(() => {
      this.#cancelIntervalTimer = undefined
      this.#due = true
      this.#kick()
    }, this.#limits.flushIntervalMs)
  }

  #kick(): void {
    if (this.#pumping || this.#stopped) return
    this.#pumping = true
    void this.#pump()
  }

  #shouldSend(): boolean {
    const pending = this.#heldEvents
    if (pending <= 0) return false
    return this.#due || this.#closed || this.#waiters.waiting || this.#isFullBatch(pending, this.#heldBytes)
  }

  /** Sends batches, one at a time, while there is reason to. */
  async #pump(): Promise<void> {
    try {
      for (;;) {
        await this.#exclusive(() => this.#commitStaged())
        if (this.#stopped || !this.#shouldSend()) break
        const batch = await this.#exclusive(() => this.#takeBatch())
        if (batch.length === 0) break
        // The interval is served by one batch: events arriving while it is in flight
        // wait for a full batch or the next interval, instead of trickling out a few
        // per send under steady traffic.
        this.#due = false
        const outcome = await this.#send(batch)
        const delayMs = await this.#exclusive(() => this.#settleSend(batch, outcome))
        if (delayMs !== undefined) await this.#sleep(delayMs)
      }
    } catch (error) {
      this.#report('pump', 'ET_DELIVERY_FAILED', 'delivery loop failed', error)
    } finally {
      this.#pumping = false
      this.#due = false
      if (this.#pendingEvents() > 0) this.#armIntervalTimer()
    }
  }

  /** Peeks the next batch and marks it in flight; call only inside `#exclusive`. */
  async #takeBatch(): Promise<QueuedEvent[]> {
    if (this.#unremoved.size > 0) {
      try {
        await this.#queue.remove([...this.#unremoved])
        this.#unremoved.clear()
      } catch {
        // Still failing: the events stay skipped below.
      }
    }
    const cap = this.#splitCaps.at(-1) ?? this.#limits.maxBatchEvents
    let peeked: QueuedEvent[]
    try {
      peeked = await this.#queue.peek(cap + this.#unremoved.size, this.#limits.maxBatchBytes - BATCH_ENVELOPE_BYTES)
    } catch (error) {
      this.#report('queue.peek', 'ET_QUEUE_FAILED', 'event queue peek() failed', error)
      return []
    }
    const batch: QueuedEvent[] = []
    let eventBytes = 0
    for (const event of peeked) {
      if (this.#unremoved.has(event.id)) continue
      // Commas between events count too; the first event always goes, alone if need be.
      const over = batchBodyBytes(eventBytes + event.bytes, batch.length + 1) > this.#limits.maxBatchBytes
      if (batch.length >= cap || (batch.length > 0 && over)) break
      batch.push(event)
      eventBytes += event.bytes
    }
    this.#inFlight = new Set(batch.map((event) => event.id))
    this.#inFlightBytes = eventBytes
    return batch
  }

  /** Sends one batch with a timeout; resolves with its outcome, never rejects. */
  async #send(batch: readonly QueuedEvent[]): Promise<SendOutcome> {
    const attempt = sendWithTimeout(this.#transport, encodeBatch(batch), this.#limits.sendTimeoutMs, (mishap, error) =>
      this.#reportMishap(mishap, error),
    )
    this.#abortSend = attempt.abort
    try {
      return await attempt.outcome
    } finally {
      this.#abortSend = undefined
    }
  }

  #reportMishap(mishap: SendMishap, error: unknown): void {
    if (mishap === 'timeout') {
      this.#report('timeout', 'ET_SEND_TIMEOUT', `send took longer than ${this.#limits.sendTimeoutMs} ms`)
    } else if (mishap === 'threw') {
      this.#report('transport', 'ET_TRANSPORT_FAILED', 'transport send() threw', error)
    } else {
      this.#report('transport.outcome', 'ET_TRANSPORT_FAILED', 'transport resolved without an outcome')
    }
  }

  /**
   * Counts the outcome of a send and returns the backoff before the next one, if any;
   * call only inside `#exclusive`. An in-flight event that overflow evicted meanwhile
   * takes its batch's final outcome (delivered, rejected, given up); when the batch
   * goes round again it is dropped as `queue_overflow` instead, being no longer queued.
   */
  async #settleSend(batch: readonly QueuedEvent[], outcome: SendOutcome): Promise<number | undefined> {
    const evicted = batch.filter((event) => this.#evictedInFlight.has(event.id))
    try {
      if (this.#stopped) {
        // Shutdown aborted the send: the events stay queued for a later run.
        this.#settle(evicted, 'queue_overflow')
        return undefined
      }
      let verdict: SendVerdict
      try {
        verdict = this.#policy.classify(outcome)
      } catch (error) {
        this.#report('retryPolicy', 'ET_CONFIG_INVALID', 'retry policy classify() threw', error)
        verdict = 'retry'
      }
      if (verdict === 'retry') {
        this.#failedAttempts += 1
        if (this.#failedAttempts < this.#policy.maxAttempts) {
          this.#settle(evicted, 'queue_overflow')
          this.#counters.addRetried(batch.length - evicted.length)
          const retryAfterMs = outcome.ok ? undefined : outcome.retryAfterMs
          return this.#policy.delayMs(this.#failedAttempts - 1, retryAfterMs)
        }
        await this.#finish(batch, 'retries_exhausted')
        this.#report('retries_exhausted', 'ET_SEND_RETRIES_EXHAUSTED', `batch dropped after ${this.#policy.maxAttempts} failed sends`)
        return undefined
      }
      if (verdict === 'split' && batch.length > 1) {
        this.#failedAttempts = 0
        this.#splitCaps.pop()
        const firstHalf = Math.ceil(batch.length / 2)
        this.#splitCaps.push(batch.length - firstHalf, firstHalf)
        this.#settle(evicted, 'queue_overflow')
        return undefined
      }
      if (verdict === 'delivered') {
        const refused = outcome.ok ? rejectedEvents(batch, outcome.rejected) : []
        if (refused.length === 0) await this.#finish(batch, 'sent')
        else {
          await this.#finish(
            batch.filter((event) => !refused.includes(event)),
            'sent',
          )
          this.#settle(refused, 'rejected')
          await this.#remove(refused)
          this.#report('rejected.events', 'ET_SEND_REJECTED', `the collector refused ${refused.length} invalid event(s) of a batch`)
        }
      } else if (verdict === 'split') {
        await this.#finish(batch, 'too_large')
        this.#report('too_large.413', 'ET_EVENT_TOO_LARGE', 'the collector refused a single event as too large (413)')
      } else {
        await this.#finish(batch, 'rejected')
        const status = outcome.ok ? undefined : outcome.status
        this.#report(`rejected.${status}`, 'ET_SEND_REJECTED', `the collector refused a batch with status ${status}`)
      }
      return undefined
    } finally {
      this.#inFlight = undefined
      this.#inFlightBytes = 0
      this.#evictedInFlight.clear()
    }
  }

  async #finish(batch: readonly QueuedEvent[], result: 'sent' | DropReason): Promise<void> {
    this.#failedAttempts = 0
    this.#splitCaps.pop()
    this.#settle(batch, result)
    await this.#remove(batch)
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stopped) return resolve()
      const wake = (): void => {
        cancel()
        this.#wake = undefined
        resolve()
      }
      const cancel = startTimer(wake, ms)
      this.#wake = wake
    })
  }
}

/**
 * Creates the batch sender every SDK delivers through: events are serialised once on
 * `enqueue`, batched (500 events, 512 KiB or 1 s, whichever first), bounded (10,000
 * events or 10 MiB, oldest dropped first), sent one batch at a time through
 * `transport`, retried per `retryPolicy`, halved on 413, and counted in `stats()`.
 */
export function createBatchSender<E extends object = object>(options: BatchSenderOptions<E>): BatchSender<E> {
  const sender = new BatchSenderImpl<E>(options)
  // Bound functions, so SDKs may pass `sender.enqueue` around as a callback.
  return {
    enqueue: (event) => sender.enqueue(event),
    flush: (timeoutMs) => sender.flush(timeoutMs),
    shutdown: (timeoutMs) => sender.shutdown(timeoutMs),
    stats: () => sender.stats(),
    takeDropReport: () => sender.takeDropReport(),
  }
}

/** The events of `batch` at the positions a transport reported as refused. */
function rejectedEvents(batch: readonly QueuedEvent[], positions: readonly number[] | undefined): QueuedEvent[] {
  if (!positions || positions.length === 0) return []
  const refused: QueuedEvent[] = []
  for (const at of new Set(positions)) {
    const event = Number.isInteger(at) ? batch[at] : undefined
    if (event) refused.push(event)
  }
  return refused
}
