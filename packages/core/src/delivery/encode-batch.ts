import type { EncodedBatch } from './transport'

/** What a batch body holds around its events' JSON texts, which commas join. */
export const BATCH_BODY_START = '{"events":['
export const BATCH_BODY_END = ']}'

/** Bytes `{"events":[` and `]}` add around the events. */
export const BATCH_ENVELOPE_BYTES = BATCH_BODY_START.length + BATCH_BODY_END.length

/** UTF-8 length of a batch body holding `events` events of `eventBytes` bytes in all. */
export function batchBodyBytes(eventBytes: number, events: number): number {
  return BATCH_ENVELOPE_BYTES + eventBytes + Math.max(0, events - 1)
}

/**
 * Builds the `POST /v1/audit/batch` body from events serialised when they were queued,
 * so an event is never stringified twice, not even when its batch is retried or split.
 * The body is joined on first read: a transport writing bytes reads `eventJson` instead.
 */
export function encodeBatch(events: readonly { readonly json: string; readonly bytes: number }[]): EncodedBatch {
  const eventJson = new Array<string>(events.length)
  let eventBytes = 0
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    eventJson[i] = event.json
    eventBytes += event.bytes
  }
  return new JoinedOnRead(eventJson, batchBodyBytes(eventBytes, events.length))
}

class JoinedOnRead implements EncodedBatch {
  #body: string | undefined
  constructor(
    readonly eventJson: readonly string[],
    readonly bytes: number,
  ) {}
  get events(): number {
    return this.eventJson.length
  }
  get body(): string {
    return (this.#body ??= BATCH_BODY_START + this.eventJson.join(',') + BATCH_BODY_END)
  }
}
