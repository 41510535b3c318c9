import type { EventQueue, EvictedEvent, NewQueuedEvent, PushResult, QueuedEvent, QueueSize } from '@echotrail/core'
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval'

// Events live under numeric keys (their ids), the counters under one string key:
// IndexedDB orders numbers before strings, so eventRange() never sees the meta record.
const META = 'meta'

interface Meta {
  /** Next id to give; survives reloads so ids never repeat. */
  n: number
  /** Events held. */
  e: number
  /** Bytes held. */
  b: number
}
interface Stored {
  j: string
  b: number
}

// remove() reads events back for sizes it does not know; past this many, forget them.
const MAX_KNOWN = 20_000

// getAll's count is an unsigned long.
const MAX_COUNT = 2 ** 32 - 1

const eventRange = (): IDBKeyRange => IDBKeyRange.upperBound(Infinity)

// Counters are kept beside the events so size() is one read and push() knows when to
// evict without scanning; both change in the same transaction as the events.
function withMeta<T>(use: UseStore, work: (store: IDBObjectStore, meta: Meta, done: (result: T) => void) => void): Promise<T> {
  return use('readwrite', (store) => {
    let result: T | undefined
    const read = store.get(META)
    read.onsuccess = () => {
      const meta: Meta = (read.result as Meta | undefined) ?? { n: 1, e: 0, b: 0 }
      work(store, meta, (value) => {
        result = value
        store.put(meta, META)
      })
    }
    return promisifyRequest(store.transaction).then(() => result as T)
  })
}

/**
 * Creates an `EventQueue` in IndexedDB (through idb-keyval), so events survive reloads,
 * crashes and offline spells. Each call is one transaction: a push that fails stores
 * nothing. Tabs of one origin share the queue; the collector's idempotency on
 * `event_id` keeps an event sent by two tabs stored once.
 */
export function createIndexedDbQueue(databaseName = 'echotrail-queue'): EventQueue {
  const use = createStore(databaseName, 'events')
  // Sizes of the events this page pushed or peeked, by id, so remove() need not read them.
  const known = new Map<number, number>()
  return {
    push(events: readonly NewQueuedEvent[], limits): Promise<PushResult> {
      return withMeta<PushResult>(use, (store, meta, done) => {
        const ids: number[] = []
        for (const { json, bytes } of events) {
          const id = meta.n++
          store.put({ j: json, b: bytes } satisfies Stored, id)
          known.set(id, bytes)
          ids.push(id)
          meta.e += 1
          meta.b += bytes
        }
        const evicted: EvictedEvent[] = []
        if (meta.e <= limits.maxEvents && meta.b <= limits.maxBytes) return done({ ids, evicted })
        const cursor = store.openCursor(eventRange())
        cursor.onsuccess = () => {
          const at = cursor.result
          if (at && (meta.e > limits.maxEvents || meta.b > limits.maxBytes)) {
            const bytes = (at.value as Stored).b
            evicted.push({ id: at.key as number, bytes })
            known.delete(at.key as number)
            meta.e -= 1
            meta.b -= bytes
            at.delete()
            at.continue()
          } else done({ ids, evicted })
        }
      })
    },

    peek(maxEvents: number, maxBytes: number): Promise<QueuedEvent[]> {
      if (maxEvents < 1) return Promise.resolve([])
      // Another tab may remove what this page peeked: keep the cache bounded.
      if (known.size > MAX_KNOWN) known.clear()
      // Two bulk reads instead of a cursor step per event.
      const count = maxEvents < MAX_COUNT ? maxEvents : undefined
      return use('readonly', (store) =>
        Promise.all([promisifyRequest(store.getAllKeys(eventRange(), count)), promisifyRequest(store.getAll(eventRange(), count))]),
      ).then(([keys, values]) => {
        const batch: QueuedEvent[] = []
        let bytes = 0
        for (let i = 0; i < keys.length; i++) {
          const value = values[i] as Stored
          if (batch.length > 0 && bytes + value.b > maxBytes) break
          const id = keys[i] as number
          known.set(id, value.b)
          batch.push({ id, json: value.j, bytes: value.b })
          bytes += value.b
        }
        return batch
      })
    },

    remove(ids: readonly number[]): Promise<void> {
      // Deduplicated: an id given twice must be counted once.
      const unique = new Set(ids)
      if (unique.size === 0) return Promise.resolve()
      const range = IDBKeyRange.bound(Math.min(...unique), Math.max(...unique))
      return withMeta<void>(use, (store, meta, done) => {
        // A sent batch is a run of the oldest events, just peeked: its sizes are known,
        // so one read of the run's keys (which of them another tab has not evicted) and
        // one range delete do, instead of reading every event back.
        const cached = [...unique].every((id) => known.has(id))
        const keys = store.getAllKeys(range)
        const values = cached ? keys : store.getAll(range)
        values.onsuccess = () => {
          let whole = true
          keys.result.forEach((key, at) => {
            const id = key as number
            if (!unique.has(id)) whole = false
            else {
              meta.e -= 1
              meta.b -= cached ? known.get(id)! : (values.result[at] as Stored).b
            }
          })
          for (const id of unique) known.delete(id)
          if (whole) store.delete(range)
          else for (const id of unique) store.delete(id)
          done()
        }
      })
    },

    size(): Promise<QueueSize> {
      return use('readonly', (store) => promisifyRequest(store.get(META))).then((meta) => {
        const m = meta as Meta | undefined
        return { events: m?.e ?? 0, bytes: m?.b ?? 0 }
      })
    },
  }
}
