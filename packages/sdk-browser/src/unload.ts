import { KEEPALIVE_BUDGET_BYTES, sendWhileLeaving } from './transport.js'

/** What leaves with the page: the events serialised here and not yet known delivered. */
export interface UnsentEvents {
  /** An event's wire JSON, as it went into the queue. */
  add(json: string): void
  /** These left through the queue and the collector took them. */
  delete(json: string): void
  /** Sends them all by beacon and forgets them; returns them, for the page's leftovers. */
  leave(): string[]
}

/**
 * Keeps the events that `sendBeacon` can still carry when the page goes away
 * (IndexedDB cannot be read synchronously during pagehide), at most `maxEvents`.
 */
export function createUnsentEvents(url: string, fetchImpl: typeof fetch, maxEvents: number): UnsentEvents {
  // Insertion-ordered, so the oldest is dropped first past maxEvents.
  const unsent = new Set<string>()

  // A refused beacon is halved before it falls back to a keepalive fetch (PostHog does the same).
  const beacon = (events: string[]): void => {
    const body = `{"events":[${events}]}`
    if (!events[1]) return void sendWhileLeaving(url, body, fetchImpl)
    try {
      if (navigator.sendBeacon(url, body)) return
    } catch {
      // Unload is best effort.
    }
    const half = Math.ceil(events.length / 2)
    beacon(events.slice(0, half))
    beacon(events.slice(half))
  }

  return {
    add(json) {
      unsent.add(json)
      if (unsent.size > maxEvents) unsent.delete(unsent.values().next().value!)
    },
    delete: (json) => void unsent.delete(json),
    leave() {
      const events = [...unsent]
      let chunk: string[] = []
      let bytes = 0
      for (const json of events) {
        if (chunk[0] && bytes + json.length > KEEPALIVE_BUDGET_BYTES / 2) {
          beacon(chunk)
          chunk = []
          bytes = 0
        }
        chunk.push(json)
        bytes += json.length + 1
      }
      if (chunk[0]) beacon(chunk)
      // Whatever the beacon carried may also leave later from IndexedDB: the collector
      // stores an event_id once, so a duplicate costs bytes, never a double entry.
      unsent.clear()
      return events
    },
  }
}
