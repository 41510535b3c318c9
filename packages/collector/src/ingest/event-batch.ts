import type { PreparedEvent } from './prepare-event.js'

/**
 * A request's prepared events, packed for the group commit: a few long strings instead
 * of an object, a document and a hash string per event. A batch waits for its commit
 * for hundreds of milliseconds; as separate objects, each of its events was copied by a
 * young-generation collection and then promoted, while one long string is allocated
 * where collections do not copy it.
 */
export interface EventBatch {
  /** The events' ids, in order (as many as the batch has events). */
  eventIds: readonly string[]
  /** The events' canonical JSON documents, in order, joined with commas. */
  docs: string
  /** Where each document ends in `docs` (the next one starts one character later). */
  ends: readonly number[]
  /** The events' hashes, 32 latin1 characters each, in order. */
  hashes: string
}

/** Packs prepared events into one batch (see {@link EventBatch}). */
export function packEvents(events: readonly PreparedEvent[]): EventBatch {
  const eventIds: string[] = new Array(events.length)
  const ends: number[] = new Array(events.length)
  let end = -1
  for (let i = 0; i < events.length; i++) {
    eventIds[i] = events[i]!.eventId
    end += events[i]!.json.length + 1
    ends[i] = end
  }
  return {
    eventIds,
    docs: events.map((e) => e.json).join(','),
    ends,
    hashes: events.map((e) => e.hash).join(''),
  }
}

/** The canonical JSON document of the batch's event `i`. */
export const docOf = (batch: EventBatch, i: number): string => batch.docs.slice(i === 0 ? 0 : batch.ends[i - 1]! + 1, batch.ends[i])

/** The hash of the batch's event `i`, as 32 latin1 characters. */
export const hashOf = (batch: EventBatch, i: number): string => batch.hashes.slice(i * 32, i * 32 + 32)
