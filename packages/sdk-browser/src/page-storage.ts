import { uuidv7, type AuditEventFields } from '@echotrail/core'
import type { InflightStore } from './inflight-store.js'

/** localStorage key prefix of the events a page left behind as it went away. */
export const RESCUE = 'echotrail.rescue.'
const PAGE_LOCK = 'echotrail-page:'
// A page of the same origin without Web Locks cannot say whether it is alive: treat
// its in-flight records as orphans once they are clearly older than any request.
const ORPHAN_AGE_WITHOUT_LOCKS_MS = 10 * 60_000

/** Events earlier pages of this origin left in localStorage as they went away. */
export function takeRescued(ownKey: string): AuditEventFields[] {
  const events: AuditEventFields[] = []
  if (typeof localStorage === 'undefined') return events
  const keys: string[] = []
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)
    if (key?.startsWith(RESCUE) && key !== ownKey) keys.push(key)
  }
  for (const key of keys) {
    const text = localStorage.getItem(key)
    localStorage.removeItem(key)
    try {
      // Same event_id as the copies in the queue or a beacon: the collector stores each once.
      if (text) events.push(...(JSON.parse(text) as AuditEventFields[]))
    } catch {
      // A damaged rescue is dropped; the IndexedDB queue still holds what it committed.
    }
  }
  return events
}

/** One id per tab, kept across reloads of the tab (sessionStorage), else per page. */
export function readSessionId(): string {
  try {
    const existing = sessionStorage.getItem('echotrail.session')
    if (existing) return existing
    const made = uuidv7()
    sessionStorage.setItem('echotrail.session', made)
    return made
  } catch {
    return uuidv7()
  }
}

/**
 * Hold a Web Lock for as long as this page lives, then list the in-flight records of
 * pages whose lock is gone: requests their page never saw finish.
 */
export async function reportEarlierOrphans(inflight: InflightStore, pageId: string): Promise<Record<string, unknown>[]> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  const livePages = new Set<string>([pageId])
  let olderThan = Date.now() - ORPHAN_AGE_WITHOUT_LOCKS_MS
  if (locks) {
    void locks.request(PAGE_LOCK + pageId, () => new Promise<never>(() => {}))
    const { held = [] } = await locks.query()
    for (const lock of held) if (lock.name?.startsWith(PAGE_LOCK)) livePages.add(lock.name.slice(PAGE_LOCK.length))
    olderThan = Date.now()
  }
  return (await inflight.takeOrphans(livePages, olderThan)).map((record) => record.event)
}
