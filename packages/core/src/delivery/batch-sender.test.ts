import { setImmediate as nextMacrotask } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isEchotrailError } from '../errors'
import type { BatchSender } from './batch-sender'
import { createBatchSender } from './batch-sender'
import type { EventQueue } from './event-queue'
import type { FakeTransport } from './fake-transport.test-support'
import { createFakeTransport, deferred } from './fake-transport.test-support'
import { createMemoryQueue } from './memory-queue'
import type { BatchSenderOptions } from './options'
import { createRetryPolicy } from './retry-policy'
import type { SendOutcome } from './transport'
import { utf8ByteLength } from './utf8-byte-length'

interface TestEvent {
  n: number
  p: string
}

const ev = (n: number, pad = 0): TestEvent => ({ n, p: 'x'.repeat(pad) })
const bytesOf = (event: TestEvent): number => utf8ByteLength(JSON.stringify(event))
const ok: SendOutcome = { ok: true, status: 202 }
const status = (code: number, retryAfterMs?: number): SendOutcome =>
  retryAfterMs === undefined ? { ok: false, status: code } : { ok: false, status: code, retryAfterMs }

// Only timers and the clock are faked; setImmediate stays real to let promise chains run.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
})
afterEach(() => {
  vi.useRealTimers()
})

/** Lets every pending promise chain (queue calls, transport answers) run to completion. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await nextMacrotask()
}

async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
  await settle()
}

/** Flushes while driving the fake clock, for flows that wait on timers (backoff, timeouts). */
async function flushDriven(sender: BatchSender<TestEvent> | BatchSender, timeoutMs = 60_000): Promise<boolean> {
  const result = sender.flush(timeoutMs)
  let done = false
  void result.then(() => (done = true))
  for (let elapsedMs = 0; !done && elapsedMs <= timeoutMs; elapsedMs += 100) await advance(100)
  return result
}

function makeSender(
  transport: FakeTransport,
  options: Partial<BatchSenderOptions<TestEvent>> = {},
): BatchSender<TestEvent> {
  return createBatchSender<TestEvent>({
    transport,
    retryPolicy: createRetryPolicy({ initialDelayMs: 1_000, random: () => 0.5 }),
    ...options,
  })
}

const enqueueRange = (sender: BatchSender<TestEvent>, from: number, to: number, pad = 0): void => {
  for (let n = from; n <= to; n++) expect(sender.enqueue(ev(n, pad))).toBe(true)
}

describe('createBatchSender', () => {
  describe('batching', () => {
    it('sends a batch as soon as maxBatchEvents events are queued', async () => {
      const transport = createFakeTransport()
      const sender = makeSender(transport, { maxBatchEvents: 3 })
      enqueueRange(sender, 1, 2)
      await settle()
      expect(transport.sends).toHaveLength(0)
      sender.enqueue(ev(3))
      await settle()
      expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2, 3]])
    })

    it('sends a partial batch once flushIntervalMs has passed', async () => {
      const transport = createFakeTransport()
      const sender = makeSender(transport, { flushIntervalMs: 1_000 })
      enqueueRange(sender, 1, 2)
      await advance(999)
      expect(transport.sends).toHaveLength(0)
      await advance(1)
      expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2]])
    })

    it('sends a batch as soon as its body reaches maxBatchBytes', async () => {
      const transport = createFakeTransport()
      const size = bytesOf(ev(1, 100))
      // Envelope, two events and the comma between them.
      const sender = makeSender(transport, { maxBatchBytes: 13 + 2 * size + 1 })
      sender.enqueue(ev(1, 100))
      await settle()
      expect(transport.sends).toHaveLength(0)
      sender.enqueue(ev(2, 100))
      await settle()
      expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2]])
      expect(transport.sends[0]!.batch.bytes).toBe(13 + 2 * size + 1)
    })

    it('never sends a batch over maxBatchEvents or maxBatchBytes, and delivers every event in order', async () => {
      const transport = createFakeTransport()
      const sender = makeSender(transport, { maxBatchEvents: 7, maxBatchBytes: 300 })
      for (let n = 1; n <= 60; n++) sender.enqueue(ev(n, (n * 37) % 90))
      expect(await sender.flush()).toBe(true)
      const encoder = new TextEncoder()
      for (const { batch } of transport.sends) {
        expect(batch.events).toBeLessThanOrEqual(7)
        expect(batch.bytes).toBeLessThanOrEqual(300)
        expect(batch.bytes).toBe(encoder.encode(batch.body).length)
      }
      expect(transport.sends.flatMap((s) => s.ns)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
    })

    it('keeps one batch in flight at a time', async () => {
      const answers = [deferred<SendOutcome>(), deferred<SendOutcome>()]
      const transport = createFakeTransport((_, i) => answers[i]?.promise ?? ok)
      const sender = makeSender(transport, { maxBatchEvents: 2 })
      enqueueRange(sender, 1, 6)
      await settle()
      expect(transport.sends).toHaveLength(1)
      answers[0]!.resolve(ok)
      await settle()
      expect(transport.sends).toHaveLength(2)
      answers[1]!.resolve(ok)
      await settle()
      expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2], [3, 4], [5, 6]])
    })

    it('serialises each event once, even when its batch is sent again', async () => {
      const transport = createFakeTransport((_, i) => (i === 0 ? status(503) : ok))
      const serialize = vi.fn((event: TestEvent) => JSON.stringify(event))
      const sender = makeSender(transport, { serialize, retryPolicy: createRetryPolicy({ random: () => 0 }) })
      enqueueRange(sender, 1, 3)
      expect(await flushDriven(sender)).toBe(true)
      expect(transport.sends).toHaveLength(2)
      expect(serialize).toHaveBeenCalledTimes(3)
    })

    it("sends the serializer's output as each event's wire JSON", async () => {
      const transport = createFakeTransport()
      const sender = makeSender(transport, { serialize: (e) => JSON.stringify({ n: e.n, masked: '********' }) })
      sender.enqueue(ev(1, 5))
      await sender.flush()
      expect(transport.sends[0]!.batch.body).toBe('{"events":[{"n":1,"masked":"********"}]}')
    })

    it('does not mutate the enqueued event', async () => {
      const transport = createFakeTransport()
      const sender = makeSender(transport)
      const event = Object.freeze({ n: 1, p: 'a', nested: Object.freeze({ token: 'x' }) })
      const before = JSON.stringify(event)
      expect(sender.enqueue(event)).toBe(true)
      await sender.flush()
      expect(JSON.stringify(event)).toBe(before)
    })

    it('sends events left in a persistent queue by an earlier run', async () => {
      const queue = createMemoryQueue()
      await queue.push([{ json: '{"n":41}', bytes: 8 }, { json: '{"n":42}', bytes: 8 }], { maxEvents: 10, maxBytes: 100 })
      const transport = createFakeTransport()
      const sender = makeSender(transport, { queue })
      await settle()
      expect(sender.stats().queued).toBe(2)
      await advance(1_000)
      expect(transport.sends.map((s) => s.ns)).toEqual([[41, 42]])
      expect(sender.stats()).toMatchObject({ sent: 2, queued: 0 })
    })
  })

  describe('bounds', () => {
    it('drops an event over maxEventBytes as too_large and returns false', () => {
      const sender = makeSender(createFakeTransport(), { maxEventBytes: 100 })
      expect(sender.enqueue(ev(1, 200))).toBe(false)
      expect(sender.enqueue(ev(2, 10))).toBe(true)
      expect(sender.stats()).toMatchObject({ dropped: 1, queued: 1, droppedByReason: { too_large: 1 } })
    })

    it('drops the oldest events past maxQueueEvents and counts each one', async () => {
      const transport = createFakeTransport()
      const sender = makeSender(transport, { maxQueueEvents: 5 })
      enqueueRange(sender, 1, 8)
      expect(sender.stats()).toMatchObject({ queued: 5, dropped: 3, droppedByReason: { queue_overflow: 3 } })
      expect(await sender.flush()).toBe(true)
      expect(transport.sends.flatMap((s) => s.ns)).toEqual([4, 5, 6, 7, 8])
      expect(sender.stats()).toMatchObject({ sent: 5, dropped: 3, queued: 0 })
    })

    it('drops the oldest events past maxQueueBytes', async () => {
      const transport = createFakeTransport()
      const size = bytesOf(ev(1, 50))
      const sender = makeSender(transport, { maxQueueBytes: 3 * size })
      enqueueRange(sender, 1, 5, 50)
      expect(await sender.flush()).toBe(true)
      expect(transport.sends.flatMap((s) => s.ns)).toEqual([3, 4, 5])
      expect(sender.stats().droppedByReason.queue_overflow).toBe(2)
    })

    it('drops the oldest queued events while a batch waits to be retried', async () => {
      const transport = createFakeTransport((_, i) => (i === 0 ? status(503, 10_000) : ok))
      const sender = makeSender(transport, { maxQueueEvents: 4, maxBatchEvents: 2 })
      enqueueRange(sender, 1, 2)
      await settle()
      expect(transport.sends).toHaveLength(1)
      enqueueRange(sender, 3, 6)
      await settle()
      expect(sender.stats()).toMatchObject({ queued: 4, droppedByReason: { queue_overflow: 2 } })
      await advance(10_000)
      await sender.flush()
      expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2], [3, 4], [5, 6]])
      expect(sender.stats()).toMatchObject({ sent: 4, dropped: 2, retried: 2, queued: 0 })
    })

    it('drops every older queued event when the newest events alone overflow the queue', async () => {
      const transport = createFakeTransport((_, i) => (i === 0 ? status(503, 60_000) : ok))
      const [a, b, c] = [ev(1, 0), ev(2, 40), ev(3, 30)]
      // B and C together overflow; A and C together would not.
      const sender = makeSender(transport, { maxQueueBytes: bytesOf(b) + bytesOf(c) - 1 })
      sender.enqueue(a)
      void sender.flush(1_000)
      await settle()
      expect(transport.sends.map((s) => s.ns)).toEqual([[1]])
      sender.enqueue(b)
      sender.enqueue(c)
      await settle()
      expect(sender.stats()).toMatchObject({ queued: 1, droppedByReason: { queue_overflow: 2 } })
      await advance(60_000)
      expect(transport.sends.map((s) => s.ns)).toEqual([[1], [3]])
      expect(sender.stats()).toMatchObject({ sent: 1, dropped: 2, queued: 0 })
    })

    it('counts an in-flight event that overflow evicted as sent when its send succeeds', async () => {
      const answer = deferred<SendOutcome>()
      const transport = createFakeTransport((_, i) => (i === 0 ? answer.promise : ok))
      const sender = makeSender(transport, { maxQueueEvents: 2, maxBatchEvents: 2 })
      enqueueRange(sender, 1, 2)
      await settle()
      enqueueRange(sender, 3, 4)
      await settle()
      expect(transport.sends).toHaveLength(1)
      expect(sender.stats()).toMatchObject({ dropped: 0, queued: 4 })
      answer.resolve(ok)
      await sender.flush()
      expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2], [3, 4]])
      expect(sender.stats()).toMatchObject({ sent: 4, dropped: 0, queued: 0 })
    })

    it('drops an in-flight event that overflow evicted when its send fails, instead of retrying it', async () => {
      const answer = deferred<SendOutcome>()
      const transport = createFakeTransport((_, i) => (i === 0 ? answer.promise : ok))
      const sender = makeSender(transport, { maxQueueEvents: 2, maxBatchEvents: 2 })
      enqueueRange(sender, 1, 2)
      await settle()
      enqueueRange(sender, 3, 4)
      await settle()
      answer.resolve(status(503))
      await settle()
      expect(sender.stats()).toMatchObject({ dropped: 2, retried: 0, droppedByReason: { queue_overflow: 2 } })
      await advance(1_000)
      expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2], [3, 4]])
      expect(sender.stats()).toMatchObject({ sent: 2, dropped: 2, queued: 0 })
    })
  })

  describe('retries', () => {
    it('retries a failed send after a full-jitter backoff and counts the retried events', async () => {
      const transport = createFakeTransport((_, i) => (i === 0 ? status(503) : ok))
      // random 0.5 of a 1,000 ms ceiling: 500 ms.
      const sender = makeSender(transport, { maxBatchEvents: 2 })
      enqueueRange(sender, 1, 2)
      await settle()
      await advance(499)
      expect(transport.sends).toHaveLength(1)
      await advance(1)
      expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2], [1, 2]])
      expect(sender.stats()).toMatchObject({ sent: 2, retried: 2, dropped: 0 })
    })

    it('waits at least Retry-After before retrying a 429', async () => {
      const transport = createFakeTransport((_, i) => (i === 0 ? status(429, 5_000) : ok))
      const sender = makeSender(transport, { maxBatchEvents: 1, retryPolicy: createRetryPolicy({ random: () => 0 }) })
      sender.enqueue(ev(1))
      await settle()
      await advance(4_999)
      expect(transport.sends).toHaveLength(1)
      await advance(1)
      expect(transport.sends).toHaveLength(2)
      expect(transport.sends[1]!.atMs - transport.sends[0]!.atMs).toBe(5_000)
    })

    it.each([400, 401, 403])('does not retry a %i and drops the batch as rejected', async (code) => {
      const transport = createFakeTransport(() => status(code))
      const sender = makeSender(transport, { maxBatchEvents: 3 })
      enqueueRange(sender, 1, 3)
      expect(await sender.flush()).toBe(true)
      await advance(600_000)
      expect(transport.sends).toHaveLength(1)
      expect(sender.stats()).toMatchObject({ sent: 0, retried: 0, dropped: 3, queued: 0, droppedByReason: { rejected: 3 } })
    })

    it('reports a rejection once through onError', async () => {
      const onError = vi.fn()
      const transport = createFakeTransport(() => status(401))
      const sender = makeSender(transport, { maxBatchEvents: 1, onError })
      enqueueRange(sender, 1, 3)
      await sender.flush()
      expect(transport.sends).toHaveLength(3)
      const rejections = onError.mock.calls.filter(([error]) => isEchotrailError(error) && error.code === 'ET_SEND_REJECTED')
      expect(rejections).toHaveLength(1)
    })

    it('drops a batch as retries_exhausted after maxAttempts failed sends, then starts afresh', async () => {
      const transport = createFakeTransport((send) => (send.ns[0] === 1 ? status(500) : ok))
      const sender = makeSender(transport, {
        maxBatchEvents: 1,
        retryPolicy: createRetryPolicy({ maxAttempts: 3, random: () => 0 }),
      })
      enqueueRange(sender, 1, 2)
      expect(await flushDriven(sender)).toBe(true)
      expect(transport.sends.map((s) => s.ns)).toEqual([[1], [1], [1], [2]])
      expect(sender.stats()).toMatchObject({ sent: 1, retried: 2, droppedByReason: { retries_exhausted: 1 } })
    })
  })

  describe('413 splitting', () => {
    it('splits a 413 batch in halves until each part is accepted', async () => {
      const transport = createFakeTransport((send) => (send.ns.length > 2 ? status(413) : ok))
      const sender = makeSender(transport, { maxBatchEvents: 8 })
      enqueueRange(sender, 1, 8)
      expect(await sender.flush()).toBe(true)
      expect(transport.sends.map((s) => s.ns.length)).toEqual([8, 4, 2, 2, 4, 2, 2])
      const delivered = transport.sends.filter((s) => s.outcome?.ok).flatMap((s) => s.ns)
      expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
      expect(sender.stats()).toMatchObject({ sent: 8, dropped: 0, retried: 0, queued: 0 })
    })

    it('drops a single event answered 413 as too_large and delivers the rest', async () => {
      const transport = createFakeTransport((send) => (send.ns.includes(3) ? status(413) : ok))
      const sender = makeSender(transport, { maxBatchEvents: 5 })
      enqueueRange(sender, 1, 5)
      expect(await sender.flush()).toBe(true)
      const delivered = transport.sends.filter((s) => s.outcome?.ok).flatMap((s) => s.ns)
      expect(delivered).toEqual([1, 2, 4, 5])
      expect(sender.stats()).toMatchObject({ sent: 4, dropped: 1, droppedByReason: { too_large: 1 } })
    })
  })

  describe('failures stay inside', () => {
    it('treats a throwing transport as a network error and never throws into the caller', async () => {
      let calls = 0
      const onError = vi.fn()
      const transport = {
        send: vi.fn((): Promise<SendOutcome> => {
          calls += 1
          if (calls === 1) throw new Error('sync boom')
          if (calls === 2) return Promise.reject(new Error('async boom'))
          return Promise.resolve(ok)
        }),
      }
      const sender = createBatchSender({ transport, onError, retryPolicy: createRetryPolicy({ random: () => 0 }) })
      expect(sender.enqueue({ n: 1 })).toBe(true)
      expect(await flushDriven(sender)).toBe(true)
      expect(transport.send).toHaveBeenCalledTimes(3)
      expect(sender.stats()).toMatchObject({ sent: 1, retried: 2 })
      expect(onError.mock.calls.map(([e]) => (e as { code: string }).code)).toContain('ET_TRANSPORT_FAILED')
    })

    it('aborts a send that outlives sendTimeoutMs and retries it', async () => {
      const transport = createFakeTransport((_, i) => (i === 0 ? new Promise<SendOutcome>(() => {}) : ok))
      const sender = makeSender(transport, { sendTimeoutMs: 2_000, retryPolicy: createRetryPolicy({ random: () => 0 }) })
      sender.enqueue(ev(1))
      const flushed = sender.flush(10_000)
      await advance(1_999)
      expect(transport.sends[0]!.signal.aborted).toBe(false)
      await advance(1)
      const reason: unknown = transport.sends[0]!.signal.reason
      expect(isEchotrailError(reason) && reason.code).toBe('ET_SEND_TIMEOUT')
      // Fake timers run a 0 ms timer set during a tick 1 ms later.
      await advance(1)
      expect(transport.sends).toHaveLength(2)
      expect(await flushed).toBe(true)
      expect(sender.stats()).toMatchObject({ sent: 1, retried: 1 })
    })

    it('never throws into the caller when every queue call fails, and counts the loss', async () => {
      const boom = (): never => {
        throw new Error('quota exceeded')
      }
      const queue: EventQueue = { push: boom, peek: boom, remove: boom, size: boom }
      const onError = vi.fn()
      const sender = makeSender(createFakeTransport(), { queue, onError })
      expect(sender.enqueue(ev(1))).toBe(true)
      expect(sender.enqueue(ev(2))).toBe(true)
      expect(await sender.flush()).toBe(true)
      expect(sender.stats()).toMatchObject({ queued: 0, dropped: 2, droppedByReason: { queue_error: 2 } })
      expect(onError.mock.calls.map(([e]) => (e as { code: string }).code)).toContain('ET_QUEUE_FAILED')
    })

    it('does not send an event twice when removing it from the queue fails', async () => {
      const inner = createMemoryQueue()
      let failRemove = true
      const queue: EventQueue = {
        push: (events, limits) => inner.push(events, limits),
        peek: (maxEvents, maxBytes) => inner.peek(maxEvents, maxBytes),
        remove: (ids) => (failRemove ? Promise.reject(new Error('locked')) : inner.remove(ids)),
        size: () => inner.size(),
      }
      const transport = createFakeTransport()
      const sender = makeSender(transport, { queue, maxBatchEvents: 2 })
      enqueueRange(sender, 1, 2)
      await settle()
      failRemove = false
      enqueueRange(sender, 3, 4)
      await sender.flush()
      expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2], [3, 4]])
      expect(sender.stats()).toMatchObject({ sent: 4, queued: 0 })
      expect(await inner.size()).toEqual({ events: 0, bytes: 0 })
    })

    it('drops an event the serializer cannot handle as serialize_error', () => {
      const sender = createBatchSender({ transport: createFakeTransport() })
      const circular: Record<string, unknown> = {}
      circular['self'] = circular
      expect(sender.enqueue(circular)).toBe(false)
      expect(sender.enqueue({ big: 10n })).toBe(false)
      const returnsUndefined = createBatchSender<object>({
        transport: createFakeTransport(),
        serialize: () => undefined as unknown as string,
      })
      expect(returnsUndefined.enqueue({})).toBe(false)
      expect(sender.stats().droppedByReason.serialize_error).toBe(2)
      expect(returnsUndefined.stats().droppedByReason.serialize_error).toBe(1)
    })

    it('keeps delivering when onError itself throws', async () => {
      const transport = createFakeTransport((_, i) => (i === 0 ? status(400) : ok))
      const sender = makeSender(transport, {
        maxBatchEvents: 1,
        onError: () => {
          throw new Error('logger down')
        },
      })
      expect(sender.enqueue(ev(1))).toBe(true)
      expect(sender.enqueue(ev(2))).toBe(true)
      expect(await sender.flush()).toBe(true)
      expect(sender.stats()).toMatchObject({ sent: 1, droppedByReason: { rejected: 1 } })
    })

    it('reports invalid options once and falls back to the defaults', async () => {
      const onError = vi.fn()
      const transport = createFakeTransport()
      const sender = makeSender(transport, { maxBatchEvents: -1, flushIntervalMs: Number.NaN, onError })
      sender.enqueue(ev(1))
      await advance(1_000)
      expect(transport.sends).toHaveLength(1)
      expect(onError).toHaveBeenCalledTimes(1)
      expect((onError.mock.calls[0]![0] as { code: string }).code).toBe('ET_CONFIG_INVALID')
    })
  })

  describe('flush and shutdown', () => {
    it('flush resolves true at once when nothing is queued', async () => {
      const transport = createFakeTransport()
      expect(await makeSender(transport).flush()).toBe(true)
      expect(transport.sends).toHaveLength(0)
    })

    it('flush sends at once and resolves true when everything queued before it is delivered', async () => {
      const transport = createFakeTransport()
      const sender = makeSender(transport)
      enqueueRange(sender, 1, 3)
      expect(await sender.flush()).toBe(true)
      expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2, 3]])
      expect(Date.now()).toBe(transport.sends[0]!.atMs)
      expect(sender.stats()).toMatchObject({ sent: 3, queued: 0 })
    })

    it('flush resolves false when its timeout passes first', async () => {
      const transport = createFakeTransport(() => new Promise<SendOutcome>(() => {}))
      const sender = makeSender(transport)
      sender.enqueue(ev(1))
      const flushed = sender.flush(100)
      await advance(99)
      let result: boolean | undefined
      void flushed.then((r) => (result = r))
      await settle()
      expect(result).toBeUndefined()
      await advance(1)
      expect(result).toBe(false)
    })

    it('flush does not wait for events enqueued after it was called', async () => {
      const transport = createFakeTransport((send) => (send.ns.includes(2) ? new Promise<SendOutcome>(() => {}) : ok))
      const sender = makeSender(transport, { maxBatchEvents: 1 })
      sender.enqueue(ev(1))
      const flushed = sender.flush(5_000)
      sender.enqueue(ev(2))
      let result: boolean | undefined
      void flushed.then((r) => (result = r))
      await settle()
      expect(result).toBe(true)
      expect(sender.stats()).toMatchObject({ sent: 1, queued: 1 })
    })

    it('flush keeps waiting for an older event in flight while newer ones are evicted', async () => {
      const answer = deferred<SendOutcome>()
      const transport = createFakeTransport((_, i) => (i === 0 ? answer.promise : ok))
      const sender = makeSender(transport, { maxQueueEvents: 2, maxBatchEvents: 1 })
      enqueueRange(sender, 1, 2)
      await settle()
      let result: boolean | undefined
      void sender.flush(60_000).then((r) => (result = r))
      await settle()
      for (const n of [3, 4, 5]) {
        sender.enqueue(ev(n))
        await settle()
      }
      // 2 and 3 were evicted (3 after the call, so it does not count for the flush);
      // 1 was evicted too but is still in flight, so the flush is not done.
      expect(sender.stats()).toMatchObject({ dropped: 2, sent: 0 })
      expect(result).toBeUndefined()
      answer.resolve(ok)
      await settle()
      expect(result).toBe(true)
      expect(transport.sends.map((s) => s.ns)).toEqual([[1], [4], [5]])
    })

    it('flush counts an event dropped for good as done', async () => {
      const transport = createFakeTransport(() => status(400))
      const sender = makeSender(transport)
      sender.enqueue(ev(1))
      expect(await sender.flush()).toBe(true)
      expect(sender.stats().droppedByReason.rejected).toBe(1)
    })

    it('shutdown delivers what is queued, then drops later events as shutdown', async () => {
      const transport = createFakeTransport()
      const sender = makeSender(transport)
      enqueueRange(sender, 1, 2)
      expect(await sender.shutdown()).toBe(true)
      expect(transport.sends.flatMap((s) => s.ns)).toEqual([1, 2])
      expect(sender.enqueue(ev(3))).toBe(false)
      await advance(10_000)
      expect(transport.sends).toHaveLength(1)
      expect(sender.stats()).toMatchObject({ sent: 2, queued: 0, droppedByReason: { shutdown: 1 } })
    })

    it('shutdown resolves false on timeout, aborts the send and sends nothing more', async () => {
      const transport = createFakeTransport(() => new Promise<SendOutcome>(() => {}))
      const sender = makeSender(transport, { maxBatchEvents: 1 })
      enqueueRange(sender, 1, 2)
      const done = sender.shutdown(500)
      await advance(500)
      expect(await done).toBe(false)
      expect(transport.sends).toHaveLength(1)
      expect(transport.sends[0]!.signal.aborted).toBe(true)
      await advance(60_000)
      expect(transport.sends).toHaveLength(1)
      expect(sender.stats()).toMatchObject({ sent: 0, dropped: 0, queued: 2 })
    })

    it('shutdown returns the same promise when called twice', () => {
      const sender = makeSender(createFakeTransport())
      expect(sender.shutdown()).toBe(sender.shutdown())
    })

    it('takeDropReport returns the drops since the previous call', async () => {
      const sender = makeSender(createFakeTransport(), { maxEventBytes: 50 })
      sender.enqueue(ev(1, 100))
      sender.enqueue(ev(2, 100))
      expect(sender.takeDropReport()).toEqual({ too_large: 2 })
      expect(sender.takeDropReport()).toEqual({})
      await sender.shutdown()
      sender.enqueue(ev(3))
      expect(sender.takeDropReport()).toEqual({ shutdown: 1 })
      expect(sender.stats().dropped).toBe(3)
    })

    it('hands out methods that work detached from the sender', async () => {
      const transport = createFakeTransport()
      const { enqueue, flush, stats } = makeSender(transport)
      expect(enqueue(ev(1))).toBe(true)
      expect(await flush()).toBe(true)
      expect(stats().sent).toBe(1)
    })
  })
})

describe('steady traffic', () => {
  it('sends one batch per interval instead of trickling events out while a send is in flight', async () => {
    // Each send takes 20 ms of (fake) time; an event arrives every 10 ms for 3 s.
    const transport = createFakeTransport(() => new Promise<SendOutcome>((resolve) => setTimeout(() => resolve(ok), 20)))
    const sender = createBatchSender({ transport })
    for (let t = 0; t < 300; t++) {
      sender.enqueue(ev(t))
      await advance(10)
    }
    await advance(1_100)
    await settle()
    expect(sender.stats()).toMatchObject({ sent: 300, queued: 0 })
    // One batch per elapsed second (plus the remainder), not one per 20 ms send.
    expect(transport.sends.length).toBeLessThanOrEqual(5)
    expect(transport.sends.flatMap((s) => s.ns)).toEqual(Array.from({ length: 300 }, (_, i) => i))
  })
})

describe('partial acceptance', () => {
  it('counts the events a 202 names as rejected as dropped, not sent, and never resends them', async () => {
    const transport = createFakeTransport((_send, index) => (index === 0 ? { ok: true, status: 202, rejected: [1, 1, 7, -1] } : ok))
    const sender = createBatchSender({ transport, onError: () => {} })
    for (let n = 0; n < 3; n++) sender.enqueue(ev(n))
    expect(await sender.flush(5_000)).toBe(true)
    await settle()
    expect(sender.stats()).toMatchObject({ sent: 2, dropped: 1, queued: 0, droppedByReason: { rejected: 1 } })
    expect(transport.sends).toHaveLength(1)
    expect(sender.takeDropReport()).toMatchObject({ rejected: 1 })
  })
})
