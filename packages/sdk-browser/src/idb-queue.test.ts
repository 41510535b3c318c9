import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { runEventQueueContract } from '../../core/test/event-queue-contract'
import { createIndexedDbQueue } from './idb-queue.js'

let databases = 0
const freshName = (): string => `queue-test-${++databases}`

runEventQueueContract('IndexedDB (fake-indexeddb)', () => createIndexedDbQueue(freshName()))

describe('createIndexedDbQueue', () => {
  it('keeps events, counts and ids across reopenings of the same database', async () => {
    const name = freshName()
    const first = createIndexedDbQueue(name)
    const { ids } = await first.push([{ json: '"a"', bytes: 3 }, { json: '"b"', bytes: 3 }], { maxEvents: 10, maxBytes: 100 })
    const reopened = createIndexedDbQueue(name)
    expect(await reopened.size()).toEqual({ events: 2, bytes: 6 })
    expect((await reopened.peek(10, 100)).map((e) => e.json)).toEqual(['"a"', '"b"'])
    const again = await reopened.push([{ json: '"c"', bytes: 3 }], { maxEvents: 10, maxBytes: 100 })
    expect(again.ids[0]!).toBeGreaterThan(ids[1]!)
  })

  it('counts an id given twice to remove only once', async () => {
    const queue = createIndexedDbQueue(freshName())
    const { ids } = await queue.push([{ json: '"a"', bytes: 3 }, { json: '"b"', bytes: 4 }], { maxEvents: 10, maxBytes: 100 })
    await queue.remove([ids[0]!, ids[0]!])
    expect(await queue.size()).toEqual({ events: 1, bytes: 4 })
  })
})
