import { uuidv7, type AuditEventFields } from '@echotrail/core'

/**
 * localStorage key prefix of a page's leftovers: the events it would lose if it died
 * now (its requests still in flight, as orphans, and as it goes away, what it has not
 * seen delivered). localStorage, unlike IndexedDB, is written synchronously, so the
 * copy is there even when the page is killed mid-unload.
 */
export const LEFTOVERS = 'echotrail.rescue.'
const PAGE_LOCK = 'echotrail-page:'

/**
 * Holds a Web Lock for as long as this page lives, and hands `take` the leftovers of
 * each other page of the origin once that page's lock is free: at once for pages that
 * are gone, when they close for pages still open (a reloaded page may still hold its
 * lock for a moment). Without Web Locks every other page's leftovers are taken now; a
 * page still open may then see its orphans reported early.
 */
export function takeLeftovers(pageId: string, take: (events: AuditEventFields[]) => void): void {
  const locks = navigator.locks
  void locks?.request(PAGE_LOCK + pageId, () => new Promise<never>(() => {}))
  for (const key of Object.keys(localStorage)) {
    const page = key.slice(LEFTOVERS.length)
    if (!key.startsWith(LEFTOVERS) || page === pageId) continue
    const claim = (): void => {
      const text = localStorage.getItem(key)
      localStorage.removeItem(key)
      try {
        // Same event_id as any copy in the queue or a beacon: the collector stores each once.
        if (text) take(JSON.parse(text) as AuditEventFields[])
      } catch {
        // Damaged leftovers are dropped; the IndexedDB queue still holds what it committed.
      }
    }
    if (locks) void locks.request(PAGE_LOCK + page, claim)
    else claim()
  }
}

/** One id per tab, kept across reloads of the tab (sessionStorage), else per page. */
export function readSessionId(): string {
  try {
    return (sessionStorage['echotrail.session'] ??= uuidv7()) as string
  } catch {
    return uuidv7()
  }
}
