import { describe, expect, it } from 'vitest'
import { runEventQueueContract } from '../../test/event-queue-contract'
import { createMemoryQueue } from './memory-queue'

runEventQueueContract('memory', () => createMemoryQueue())

describe('createMemoryQueue', () => {
  it('keeps order and sizes exact across many deliveries of the oldest batch', async () => {
    const queue = createMemoryQueue()
    const limits = { maxEvents: 10_000, maxBytes: Number.MAX_SAFE_INTEGER }
    let nextLabel = 0
    let expectedFirst = 0
    for (let round = 0; round < 50; round++) {
      await queue.push(
        Array.from({ length: 200 }, () => ({ json: String(nextLabel++), bytes: 1 })),
        limits,
      )
      const batch = await queue.peek(150, Number.MAX_SAFE_INTEGER)
      expect(batch[0]!.json).toBe(String(expectedFirst))
      await queue.remove(batch.map((e) => e.id))
      expectedFirst += 150
    }
    expect(await queue.size()).toEqual({ events: 50 * 50, bytes: 50 * 50 })
    expect((await queue.peek(1, 1))[0]!.json).toBe(String(expectedFirst))
  })

  it('gives each queue its own ids and contents', async () => {
    const a = createMemoryQueue()
    const b = createMemoryQueue()
    await a.push([{ json: '"a"', bytes: 3 }], { maxEvents: 10, maxBytes: 100 })
    expect(await b.size()).toEqual({ events: 0, bytes: 0 })
  })
})
