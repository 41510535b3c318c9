import { createStore, promisifyRequest } from 'idb-keyval'

/** A request still waiting for its answer, as the next page load would report it. */
export interface InflightRecord {
  /** Page that started it; a record outlives its page only when the page died first. */
  readonly page: string
  /** Epoch ms when it started. */
  readonly at: number
  /** The request's event; reported with `orphan: true` if its page never saw it finish. */
  readonly event: Record<string, unknown>
}

/** Remembers in-flight requests in IndexedDB so a later page load can report the orphans. */
export interface InflightStore {
  add(id: string, record: InflightRecord): void
  remove(id: string): void
  /** Removes and returns the records of pages that are gone. */
  takeOrphans(livePages: ReadonlySet<string>, olderThanMs: number): Promise<InflightRecord[]>
}

/** `error_message` of a request whose page went away first. */
export const PAGE_CLOSED = 'page closed before the response arrived'

// Most requests finish within this: a record added and removed inside one window never
// touches IndexedDB, which keeps the cost per request near zero.
const WRITE_DELAY_MS = 250

/** Creates the store; IndexedDB failures go to `onError` and never reach the page. */
export function createInflightStore(databaseName: string, onError: (error: unknown) => void): InflightStore {
  const use = createStore(databaseName, 'inflight')
  const puts = new Map<string, InflightRecord>()
  const deletes = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined

  const write = (): void => {
    timer = undefined
    if (puts.size === 0 && deletes.size === 0) return
    const adding = [...puts]
    const removing = [...deletes]
    puts.clear()
    deletes.clear()
    use('readwrite', (store) => {
      // Built here, not per request: most requests finish before this write and never need it.
      for (const [id, record] of adding) store.put({ ...record, event: { ...record.event, orphan: true, error_message: PAGE_CLOSED } }, id)
      for (const id of removing) store.delete(id)
      return promisifyRequest(store.transaction)
    }).catch(onError)
  }
  const schedule = (): void => {
    timer ??= setTimeout(write, WRITE_DELAY_MS)
  }

  return {
    add(id, record) {
      puts.set(id, record)
      schedule()
    },
    remove(id) {
      if (!puts.delete(id)) {
        deletes.add(id)
        schedule()
      }
    },
    takeOrphans(livePages, olderThanMs) {
      return use('readwrite', (store) => {
        const found: InflightRecord[] = []
        const cursor = store.openCursor()
        cursor.onsuccess = () => {
          const at = cursor.result
          if (!at) return
          const record = at.value as InflightRecord
          if (!livePages.has(record.page) && record.at < olderThanMs) {
            found.push(record)
            at.delete()
          }
          at.continue()
        }
        return promisifyRequest(store.transaction).then(() => found)
      })
    },
  }
}
