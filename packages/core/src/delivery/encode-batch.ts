import type { EncodedBatch } from './transport'

const BODY_START = '{"events":['
const BODY_END = ']}'

/** Bytes `{"events":[` and `]}` add around the events. */
export const BATCH_ENVELOPE_BYTES = BODY_START.length + BODY_END.length

/** UTF-8 length of a batch body holding `events` events of `eventBytes` bytes in all. */
export function batchBodyBytes(eventBytes: number, events: number): number {
  return BATCH_ENVELOPE_BYTES + eventBytes + Math.max(0, events - 1)
}

/**
 * Builds the `POST /v1/audit/batch` body from events serialised when they were queued,
 * so an event is never stringified twice, not even when its batch is retried or split.
 */
export function encodeBatch(events: readonly { readonly json: string; readonly bytes: number }[]): EncodedBatch {
  const parts = new Array<string>(events.length)
  let eventBytes = 0
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    parts[i] = event.json
    eventBytes += event.bytes
  }
  return {
    body: BODY_START + parts.join(',') + BODY_END,
    events: events.length,
    bytes: batchBodyBytes(eventBytes, events.length),
  }
}
