import type { EventQueue, EvictedEvent, NewQueuedEvent, PushResult, QueuedEvent, QueueSize } from '@echotrail/core'
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval'

// Events live under numeric keys (their ids), the counters under one string key:
// IndexedDB orders numbers before strings, so ALL_EVENTS never sees the meta record.
const META = 'meta'
const ALL_EVENTS = /* @__PURE__ */ (() => (typeof IDBKeyRange === 'undefined' ? undefined : IDBKeyRange.bound(-Infinity, Infinity)))()

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

// getAll's count is an unsigned long.
const MAX_COUNT = 2 ** 32 - 1

/** Sorted ids split into runs of consecutive integers. */
function consecutiveRuns(sorted: readonly number[]): number[][] {
  const runs: number[][] = []
  for (const id of sorted) {
    const run = runs[runs.length - 1]
    if (run && run[run.length - 1] === id - 1) run.push(id)
    else runs.push([id])
  }
  return runs
}

const eventRange = (): IDBKeyRange => ALL_EVENTS ?? IDBKeyRange.bound(-Infinity, Infinity)

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
  // Bytes of the events this page pushed or peeked, by id: removing a delivered batch
  // then needs no read per event, only one range delete per run of consecutive ids.
  // IndexedDB requests cost main-thread callbacks, which a page pays on every batch.
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
      const unique = [...new Set(ids)].sort((a, b) => a - b)
      if (unique.length === 0) return Promise.resolve()
      return withMeta<void>(use, (store, meta, done) => {
        const runs = consecutiveRuns(unique)
        let left = runs.length
        const finish = (): void => {
          if (--left === 0) done()
        }
        for (const run of runs) {
          const first = run[0]!
          const last = run[run.length - 1]!
          const cached = run.every((id) => known.has(id))
          const counted = cached ? store.count(IDBKeyRange.bound(first, last)) : undefined
          const oneByOne = (): void => {
            let pending = run.length
            for (const id of run) {
              const read = store.get(id)
              read.onsuccess = () => {
                const value = read.result as Stored | undefined
                if (value) {
                  meta.e -= 1
                  meta.b -= value.b
                  store.delete(id)
                }
                known.delete(id)
                if (--pending === 0) finish()
              }
            }
          }
          if (!counted) {
            oneByOne()
            continue
          }
          counted.onsuccess = () => {
            // Every id of the run is still stored (no other tab evicted one): trust the cache.
            if (counted.result !== run.length) return oneByOne()
            for (const id of run) {
              meta.e -= 1
              meta.b -= known.get(id)!
              known.delete(id)
            }
            store.delete(IDBKeyRange.bound(first, last))
            finish()
          }
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
