import type { EncodedBatch, SendOutcome, Transport } from './transport'

/** One call a `FakeTransport` received. @internal test support */
export interface RecordedSend {
  readonly batch: EncodedBatch
  readonly signal: AbortSignal
  /** The `n` field of each event in the body, in order. */
  readonly ns: readonly number[]
  /** `Date.now()` when the call arrived (fake clock in tests). */
  readonly atMs: number
  /** What the transport answered (a throw recorded as a failure), once it has. */
  outcome?: SendOutcome
}

/** A `Transport` that records every call and answers as the test says. @internal test support */
export interface FakeTransport extends Transport {
  readonly sends: RecordedSend[]
}

/** Answers every send with 202 unless the test supplies `respond`. @internal test support */
export function createFakeTransport(
  respond: (send: RecordedSend, index: number) => SendOutcome | Promise<SendOutcome> = () => ({ ok: true, status: 202 }),
): FakeTransport {
  const sends: RecordedSend[] = []
  return {
    sends,
    async send(batch, signal) {
      const parsed = JSON.parse(batch.body) as { events: { n: number }[] }
      const record: RecordedSend = { batch, signal, ns: parsed.events.map((e) => e.n), atMs: Date.now() }
      sends.push(record)
      try {
        const outcome = await respond(record, sends.length - 1)
        record.outcome = outcome
        return outcome
      } catch (error) {
        record.outcome = { ok: false, error }
        throw error
      }
    },
  }
}

/** A promise with its resolve function, for answers the test releases by hand. @internal test support */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {}
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}
