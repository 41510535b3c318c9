import type { EventQueue, QueuedEvent } from '@echotrail/core'
import { createStore, promisifyRequest } from 'idb-keyval'

/** The whole queue, one IndexedDB record: the next id to give and the events, oldest first. */
interface Stored {
  n: number
  q: QueuedEvent[]
}

const KEY = 'q'
const empty = (): Stored => ({ n: 1, q: [] })

/**
 * Creates an `EventQueue` in IndexedDB (through idb-keyval), so events survive reloads,
 * crashes and offline spells. The queue is one record: a page's queue is bounded (1,000
 * events / 1 MiB by default) and changes about once a second, so rewriting it whole costs
 * little, and each change is one read-modify-write transaction:
 * a push that fails stores nothing, and tabs of one origin sharing the queue never
 * interleave. The collector's idempotency on `event_id` keeps an event sent by two tabs
 * stored once.
 */
export function createIndexedDbQueue(databaseName = 'echotrail-queue'): EventQueue {
  const use = createStore(databaseName, 'events')
  const read = (): Promise<Stored> => use('readonly', (store) => promisifyRequest(store.get(KEY))).then((stored) => (stored as Stored | undefined) ?? empty())
  // Read, change and write back in one readwrite transaction; resolves once it committed.
  const change = <T>(work: (stored: Stored) => T): Promise<T> =>
    use('readwrite', (store) => {
      let result: T
      const request = store.get(KEY)
      request.onsuccess = () => {
        const stored = (request.result as Stored | undefined) ?? empty()
        result = work(stored)
        store.put(stored, KEY)
      }
      return promisifyRequest(store.transaction).then(() => result)
    })
  return {
    push: (events, { maxEvents, maxBytes }) =>
      change((stored) => {
        const { q } = stored
        const ids = events.map(({ json, bytes }) => (q.push({ id: stored.n, json, bytes }), stored.n++))
        let bytes = 0
        for (const event of q) bytes += event.bytes
        let drop = 0
        while (q.length - drop > maxEvents || bytes > maxBytes) bytes -= q[drop++]!.bytes
        return { ids, evicted: q.splice(0, drop).map(({ id, bytes }) => ({ id, bytes })) }
      }),
    peek: (maxEvents, maxBytes) =>
      read().then(({ q }) => {
        let bytes = 0
        let count = 0
        // Always at least one event, so an event larger than maxBytes is never stuck.
        while (count < q.length && count < maxEvents && (!count || bytes + q[count]!.bytes <= maxBytes)) bytes += q[count++]!.bytes
        return q.slice(0, count)
      }),
    remove(ids) {
      const gone = new Set(ids)
      return gone.size ? change((stored) => void (stored.q = stored.q.filter((event) => !gone.has(event.id)))) : Promise.resolve()
    },
    size: () =>
      read().then(({ q }) => ({ events: q.length, bytes: q.reduce((sum, event) => sum + event.bytes, 0) })),
  }
}
