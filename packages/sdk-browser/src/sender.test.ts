import { createMemoryQueue, type EchotrailErrorCode, type EventQueue, type SendOutcome } from '@echotrail/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeTransport, type RecordedSend } from '../../core/src/delivery/fake-transport.test-support'
import { createSender, type SenderOptions } from './sender'

type Event = { n: number; pad?: string }

function setup(respond?: (send: RecordedSend, index: number) => SendOutcome | Promise<SendOutcome>, overrides: Partial<SenderOptions<Event>> = {}) {
  const transport = createFakeTransport(respond)
  const errors: EchotrailErrorCode[] = []
  const delivered: string[] = []
  const queue: EventQueue = overrides.queue ?? createMemoryQueue()
  const sender = createSender<Event>({
    transport,
    queue,
    serialize: JSON.stringify,
    flushIntervalMs: 1_000,
    maxQueueEvents: 100,
    maxQueueBytes: 1_000_000,
    onError: (code) => errors.push(code),
    onDelivered: (events) => delivered.push(...events.map((e) => e.json)),
    ...overrides,
  })
  const enqueue = (...ns: number[]) => ns.forEach((n) => sender.enqueue({ n }))
  return { sender, transport, errors, delivered, queue, enqueue }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('createSender', () => {
  it('holds events for flushIntervalMs, then sends them in one batch and counts them sent', async () => {
    const { sender, transport, delivered, enqueue } = setup()
    enqueue(1, 2, 3)
    await vi.advanceTimersByTimeAsync(999)
    expect(transport.sends).toHaveLength(0)
    expect(sender.stats().queued).toBe(3)
    await vi.advanceTimersByTimeAsync(1)
    expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2, 3]])
    expect(transport.sends[0]!.batch.bytes).toBe(transport.sends[0]!.batch.body.length)
    expect(sender.stats()).toMatchObject({ sent: 3, dropped: 0, queued: 0, retried: 0 })
    expect(delivered).toEqual(['{"n":1}', '{"n":2}', '{"n":3}'])
  })

  it('hands over at once at 500 held events', async () => {
    const { transport, enqueue } = setup(undefined, { maxQueueEvents: 1_000 })
    enqueue(...Array.from({ length: 500 }, (_, i) => i))
    await vi.advanceTimersByTimeAsync(0)
    expect(transport.sends[0]!.ns).toHaveLength(500)
  })

  it('retries network errors and 5xx with jittered backoff, never sooner than Retry-After', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const answers: SendOutcome[] = [{ ok: false }, { ok: false, status: 503, retryAfterMs: 7_000 }, { ok: true, status: 202 }]
    const { sender, transport, enqueue } = setup((_, i) => answers[i]!)
    enqueue(1)
    await vi.advanceTimersByTimeAsync(1_000)
    // First retry: half (the mocked jitter) of the 1 s ceiling.
    await vi.advanceTimersByTimeAsync(499)
    expect(transport.sends).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(transport.sends).toHaveLength(2)
    // Second retry: the jitter would give 1 s, Retry-After asks for 7 s.
    await vi.advanceTimersByTimeAsync(6_999)
    expect(transport.sends).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(transport.sends).toHaveLength(3)
    expect(sender.stats()).toMatchObject({ sent: 1, retried: 2, dropped: 0, queued: 0 })
  })

  it('retries at once when told the network is back', async () => {
    const { sender, transport, enqueue } = setup((_, i) => (i === 0 ? { ok: false } : { ok: true, status: 202 }))
    vi.spyOn(Math, 'random').mockReturnValue(0.99)
    enqueue(1)
    await vi.advanceTimersByTimeAsync(1_000)
    sender.retryNow()
    await vi.advanceTimersByTimeAsync(0)
    expect(transport.sends).toHaveLength(2)
    expect(sender.stats().sent).toBe(1)
  })

  it('halves a batch the collector answers 413, sends both halves, and drops a lone event as too_large', async () => {
    const { sender, transport, errors, enqueue } = setup((send) => (send.ns.length > 2 || send.ns.includes(4) ? { ok: false, status: 413 } : { ok: true, status: 202 }))
    enqueue(1, 2, 3, 4, 5)
    await vi.advanceTimersByTimeAsync(1_000)
    // Batches stay halved until the queue is drained.
    expect(transport.sends.map((s) => s.ns)).toEqual([[1, 2, 3, 4, 5], [1, 2, 3], [1, 2], [3, 4], [3], [4], [5]])
    expect(sender.stats()).toMatchObject({ sent: 4, dropped: 1, queued: 0, droppedByReason: expect.objectContaining({ too_large: 1 }) })
    expect(errors).toEqual(['ET_EVENT_TOO_LARGE'])
  })

  it('drops the events a 202 names as rejected and counts the rest sent', async () => {
    const { sender, delivered, errors, enqueue, queue } = setup(() => ({ ok: true, status: 202, rejected: [1, 1, 7] }))
    enqueue(1, 2, 3)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(sender.stats()).toMatchObject({ sent: 2, dropped: 1, queued: 0, droppedByReason: expect.objectContaining({ rejected: 1 }) })
    expect(delivered).toHaveLength(3)
    expect(await queue.size()).toEqual({ events: 0, bytes: 0 })
    expect(errors).toEqual(['ET_SEND_REJECTED'])
  })

  it('drops a batch refused with 400, 401 or 403 without retrying it, and says so once', async () => {
    const { sender, transport, errors, enqueue } = setup(() => ({ ok: false, status: 403 }))
    enqueue(1)
    await vi.advanceTimersByTimeAsync(1_000)
    enqueue(2)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(transport.sends).toHaveLength(2)
    expect(sender.stats()).toMatchObject({ sent: 0, dropped: 2, retried: 0, queued: 0 })
    expect(errors).toEqual(['ET_SEND_REJECTED'])
  })

  it('drops the oldest events past maxQueueEvents as queue_overflow and reports each drop once', async () => {
    const { sender, transport, errors, enqueue } = setup(() => new Promise(() => {}), { maxQueueEvents: 2 })
    enqueue(1, 2, 3, 4, 5)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(transport.sends[0]!.ns).toEqual([4, 5])
    expect(sender.stats()).toMatchObject({ dropped: 3, queued: 2 })
    expect(sender.takeDropReport()).toEqual({ queue_overflow: 3 })
    expect(sender.takeDropReport()).toEqual({})
    expect(errors).toEqual(['ET_QUEUE_FULL'])
  })

  it('never lets a push evict the batch in flight: the push waits for the send', async () => {
    let release: (outcome: SendOutcome) => void = () => {}
    const { sender, enqueue } = setup((_, i) => (i === 0 ? new Promise((r) => (release = r)) : { ok: true, status: 202 }), { maxQueueEvents: 2 })
    enqueue(1, 2)
    await vi.advanceTimersByTimeAsync(1_000)
    enqueue(3, 4)
    await vi.advanceTimersByTimeAsync(1_000)
    release({ ok: true, status: 202 })
    await vi.advanceTimersByTimeAsync(0)
    const stats = sender.stats()
    expect(stats).toMatchObject({ sent: 4, dropped: 0, queued: 0 })
  })

  it('drops an event over 64 KiB as too_large, before it reaches the queue', async () => {
    const { sender, transport, errors } = setup()
    sender.enqueue({ n: 1, pad: 'é'.repeat(40_000) })
    sender.enqueue({ n: 2 })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(transport.sends.map((s) => s.ns)).toEqual([[2]])
    expect(sender.stats()).toMatchObject({ sent: 1, dropped: 1, droppedByReason: expect.objectContaining({ too_large: 1 }) })
    expect(errors).toEqual(['ET_EVENT_TOO_LARGE'])
  })

  it('drops an event its serializer cannot write as serialize_error', async () => {
    const { sender, transport } = setup(undefined, {
      serialize: (event) => {
        if (event.n === 1) throw new Error('cycle')
        return JSON.stringify(event)
      },
    })
    sender.enqueue({ n: 1 })
    sender.enqueue({ n: 2 })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(transport.sends.map((s) => s.ns)).toEqual([[2]])
    expect(sender.stats().droppedByReason.serialize_error).toBe(1)
  })

  it('resolves flush() true once what was enqueued before it is delivered', async () => {
    const { sender, enqueue } = setup()
    enqueue(1, 2)
    const done = sender.flush()
    await vi.advanceTimersByTimeAsync(0)
    await expect(done).resolves.toBe(true)
    expect(sender.stats().sent).toBe(2)
  })

  it('resolves flush() false after its timeout while the collector is down, keeping the events queued', async () => {
    const { sender, enqueue } = setup(() => ({ ok: false }))
    enqueue(1)
    const done = sender.flush(3_000)
    await vi.advanceTimersByTimeAsync(3_000)
    await expect(done).resolves.toBe(false)
    expect(sender.stats()).toMatchObject({ sent: 0, dropped: 0, queued: 1 })
  })

  it('sends what an earlier page left in the queue', async () => {
    const queue = createMemoryQueue()
    await queue.push([{ json: '{"n":9}', bytes: 7 }], { maxEvents: 10, maxBytes: 100 })
    const { sender, transport } = setup(undefined, { queue })
    await vi.advanceTimersByTimeAsync(0)
    expect(transport.sends.map((s) => s.ns)).toEqual([[9]])
    expect(sender.stats()).toMatchObject({ sent: 1, queued: 0 })
  })

  it('aborts a send that hangs past 10 s and retries it', async () => {
    const { sender, transport, enqueue } = setup((send, i) =>
      i === 0 ? new Promise((resolve) => send.signal.addEventListener('abort', () => resolve({ ok: false }))) : { ok: true, status: 202 },
    )
    vi.spyOn(Math, 'random').mockReturnValue(0)
    enqueue(1)
    await vi.advanceTimersByTimeAsync(1_000 + 10_000)
    expect(transport.sends[0]!.signal.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(10)
    expect(transport.sends).toHaveLength(2)
    expect(sender.stats()).toMatchObject({ sent: 1, retried: 1 })
  })

  it('stops after shutdown(): the send in flight is aborted and its events stay queued', async () => {
    const { sender, transport, enqueue, queue } = setup((send) => new Promise((resolve) => send.signal.addEventListener('abort', () => resolve({ ok: false }))))
    enqueue(1)
    const done = sender.shutdown(2_000)
    await vi.advanceTimersByTimeAsync(2_000)
    await expect(done).resolves.toBe(false)
    expect(transport.sends[0]!.signal.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(transport.sends).toHaveLength(1)
    expect((await queue.size()).events).toBe(1)
  })

  it('never counts a negative queue when it sends what another tab queued', async () => {
    const queue = createMemoryQueue()
    const stuck = setup(() => new Promise(() => {}), { queue })
    const tab = setup(undefined, { queue })
    stuck.enqueue(1)
    await vi.advanceTimersByTimeAsync(1_000)
    tab.enqueue(2)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(tab.transport.sends.map((s) => s.ns)).toEqual([[1, 2]])
    expect(tab.sender.stats()).toMatchObject({ sent: 2, queued: 0 })
  })
})
