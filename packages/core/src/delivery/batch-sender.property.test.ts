import { setImmediate as nextMacrotask } from 'node:timers/promises'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBatchSender } from './batch-sender'
import type { BatchSender } from './batch-sender'
import { createFakeTransport } from './fake-transport.test-support'
import type { RecordedSend } from './fake-transport.test-support'
import { createMemoryQueue } from './memory-queue'
import { createRetryPolicy } from './retry-policy'
import type { SendOutcome } from './transport'
import { utf8ByteLength } from './utf8-byte-length'

// How the fake collector answers the i-th send; sends past the script get 'ok'.
type Answer = 'ok' | 'slowOk' | 'e503' | 'slow503' | 'e429' | 'e413' | 'e400' | 'throw' | 'hang'
const ANSWERS: readonly Answer[] = ['ok', 'slowOk', 'e503', 'slow503', 'e429', 'e413', 'e400', 'throw', 'hang']

const MAX_EVENT_BYTES = 50
const SEND_TIMEOUT_MS = 500
const SLOW_MS = 200
const RETRY_AFTER_MS = 300
const ALL = Number.MAX_SAFE_INTEGER

type Step = { kind: 'enqueue'; pads: number[] } | { kind: 'advance'; ms: number } | { kind: 'flush'; ms: number }

const configArb = fc.record({
  maxQueueEvents: fc.integer({ min: 1, max: 12 }),
  maxQueueBytes: fc.integer({ min: MAX_EVENT_BYTES, max: 400 }),
  maxBatchEvents: fc.integer({ min: 1, max: 6 }),
  maxBatchBytes: fc.integer({ min: MAX_EVENT_BYTES + 13, max: 300 }),
  maxAttempts: fc.integer({ min: 1, max: 4 }),
  flushIntervalMs: fc.integer({ min: 50, max: 1_000 }),
  seed: fc.integer(),
})

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('enqueue' as const),
    // Pads up to 45 make a few events exceed MAX_EVENT_BYTES.
    pads: fc.array(fc.integer({ min: 0, max: 45 }), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1_500 }) }),
  fc.record({ kind: fc.constant('flush' as const), ms: fc.integer({ min: 0, max: 1_500 }) }),
)

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
})
afterEach(() => {
  vi.useRealTimers()
})

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await nextMacrotask()
}

async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
  await settle()
}

async function driven(promise: Promise<boolean>, budgetMs: number, stepMs: number): Promise<boolean> {
  let done = false
  void promise.then(() => (done = true))
  await settle()
  for (let elapsedMs = 0; !done && elapsedMs <= budgetMs; elapsedMs += stepMs) await advance(stepMs)
  return promise
}

function answer(kind: Answer): SendOutcome | Promise<SendOutcome> {
  const later = (outcome: SendOutcome) => new Promise<SendOutcome>((resolve) => setTimeout(() => resolve(outcome), SLOW_MS))
  switch (kind) {
    case 'ok':
      return { ok: true, status: 202 }
    case 'slowOk':
      return later({ ok: true, status: 202 })
    case 'e503':
      return { ok: false, status: 503 }
    case 'slow503':
      return later({ ok: false, status: 503 })
    case 'e429':
      return { ok: false, status: 429, retryAfterMs: RETRY_AFTER_MS }
    case 'e413':
      return { ok: false, status: 413 }
    case 'e400':
      return { ok: false, status: 400 }
    case 'throw':
      throw new Error('socket hang up')
    case 'hang':
      return new Promise<SendOutcome>(() => {})
  }
}

/** A seeded generator, so that fast-check can replay the jitter of a failing run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

/** What the log of sends says became of each event, re-derived from the answers given. */
function fatesFromLog(sends: readonly RecordedSend[], answers: readonly Answer[], maxAttempts: number) {
  const delivered: number[] = []
  const rejected: number[] = []
  const tooLarge: number[] = []
  const exhausted: number[] = []
  let failuresInARow = 0
  sends.forEach((send, i) => {
    const kind = answers[i] ?? 'ok'
    if (kind === 'ok' || kind === 'slowOk') {
      delivered.push(...send.ns)
      failuresInARow = 0
    } else if (kind === 'e400') {
      rejected.push(...send.ns)
      failuresInARow = 0
    } else if (kind === 'e413') {
      if (send.ns.length === 1) tooLarge.push(...send.ns)
      failuresInARow = 0
    } else {
      failuresInARow += 1
      if (failuresInARow >= maxAttempts) {
        exhausted.push(...send.ns)
        failuresInARow = 0
      }
    }
  })
  return { delivered, rejected, tooLarge, exhausted }
}

describe('createBatchSender under random traffic and answers', () => {
  it('keeps the queue bounded, drops the oldest first, and accounts for every event exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        configArb,
        fc.array(stepArb, { maxLength: 25 }),
        fc.array(fc.constantFrom(...ANSWERS), { maxLength: 20 }),
        async (config, steps, answers) => {
          vi.clearAllTimers()
          const queue = createMemoryQueue()
          const transport = createFakeTransport((_, i) => answer(answers[i] ?? 'ok'))
          const sender: BatchSender<{ n: number; p: string }> = createBatchSender({
            transport,
            queue,
            maxQueueEvents: config.maxQueueEvents,
            maxQueueBytes: config.maxQueueBytes,
            maxBatchEvents: config.maxBatchEvents,
            maxBatchBytes: config.maxBatchBytes,
            maxEventBytes: MAX_EVENT_BYTES,
            flushIntervalMs: config.flushIntervalMs,
            sendTimeoutMs: SEND_TIMEOUT_MS,
            retryPolicy: createRetryPolicy({
              initialDelayMs: 20,
              maxDelayMs: 200,
              maxAttempts: config.maxAttempts,
              random: seededRandom(config.seed),
            }),
          })

          const accepted: number[] = []
          const oversized: number[] = []
          let enqueueCalls = 0
          let next = 1

          const inFlightNs = (): Set<number> =>
            new Set(transport.sends.filter((s) => s.outcome === undefined && !s.signal.aborted).flatMap((s) => s.ns))

          const checkpoint = async (): Promise<void> => {
            const held = await queue.peek(ALL, ALL)
            const size = await queue.size()
            // Bounds hold after every push.
            expect(size.events).toBeLessThanOrEqual(config.maxQueueEvents)
            expect(size.bytes).toBeLessThanOrEqual(config.maxQueueBytes)
            const stats = sender.stats()
            expect(stats.sent + stats.dropped + stats.queued).toBe(enqueueCalls)
            // Oldest first: an event never sent and no longer held is either dropped,
            // and then older than every never-sent event still held, or staged (newer).
            const everSent = new Set(transport.sends.flatMap((s) => s.ns))
            const heldNs = held.map((e) => (JSON.parse(e.json) as { n: number }).n).filter((n) => !everSent.has(n))
            if (heldNs.length > 0) {
              const oldestHeld = Math.min(...heldNs)
              const newestHeld = Math.max(...heldNs)
              const heldSet = new Set(heldNs)
              for (const n of accepted) {
                if (everSent.has(n) || heldSet.has(n)) continue
                expect(n < oldestHeld || n > newestHeld).toBe(true)
              }
            }
          }

          for (const step of steps) {
            if (step.kind === 'enqueue') {
              for (const pad of step.pads) {
                const event = { n: next++, p: 'x'.repeat(pad) }
                const tooBig = utf8ByteLength(JSON.stringify(event)) > MAX_EVENT_BYTES
                enqueueCalls += 1
                expect(sender.enqueue(event)).toBe(!tooBig)
                ;(tooBig ? oversized : accepted).push(event.n)
              }
              await settle()
            } else if (step.kind === 'advance') {
              await advance(step.ms)
            } else {
              const before = [...accepted]
              const done = await driven(sender.flush(step.ms), step.ms + 100, 50)
              if (done) {
                // Everything accepted before a successful flush has left the queue for good.
                const heldIds = new Set((await queue.peek(ALL, ALL)).map((e) => (JSON.parse(e.json) as { n: number }).n))
                const flying = inFlightNs()
                for (const n of before) {
                  expect(heldIds.has(n)).toBe(false)
                  expect(flying.has(n)).toBe(false)
                }
              }
            }
            await checkpoint()
          }

          // The scripted answers run out, so everything ends delivered or dropped.
          expect(await driven(sender.flush(120_000), 120_000, 1_000)).toBe(true)
          await checkpoint()

          for (const send of transport.sends) {
            expect(send.batch.events).toBe(send.ns.length)
            expect(send.batch.events).toBeLessThanOrEqual(config.maxBatchEvents)
            expect(send.batch.bytes).toBeLessThanOrEqual(config.maxBatchBytes)
          }

          const fates = fatesFromLog(transport.sends, answers, config.maxAttempts)
          const finalOnes = [...fates.delivered, ...fates.rejected, ...fates.tooLarge, ...fates.exhausted]
          // Never delivered twice, never given two fates.
          expect(new Set(finalOnes).size).toBe(finalOnes.length)
          const held = await queue.size()
          const stats = sender.stats()
          expect(held).toEqual({ events: 0, bytes: 0 })
          expect(stats.queued).toBe(0)
          const settled = new Set(finalOnes)
          const overflowed = accepted.filter((n) => !settled.has(n))
          expect(stats.sent).toBe(fates.delivered.length)
          expect(stats.droppedByReason).toEqual({
            queue_overflow: overflowed.length,
            too_large: oversized.length + fates.tooLarge.length,
            rejected: fates.rejected.length,
            retries_exhausted: fates.exhausted.length,
            shutdown: 0,
            serialize_error: 0,
            queue_error: 0,
          })
          expect(stats.sent + stats.dropped).toBe(enqueueCalls)
        },
      ),
      { numRuns: 300 },
    )
  })
})
