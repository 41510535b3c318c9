import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EventQueue, NewQueuedEvent, QueueLimits, QueuedEvent } from '../src/delivery/event-queue'

const NO_LIMITS: QueueLimits = { maxEvents: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER }
const ALL = Number.MAX_SAFE_INTEGER

const event = (label: string, bytes = label.length): NewQueuedEvent => ({ json: JSON.stringify(label), bytes })
const labels = (events: readonly QueuedEvent[]): string[] => events.map((e) => JSON.parse(e.json) as string)

/**
 * The behaviour every `EventQueue` keeps (see its JSDoc). Each implementation (memory,
 * IndexedDB…) runs it: `runEventQueueContract('memory', () => createMemoryQueue())`.
 * `makeQueue` must return a new, empty queue on each call.
 */
export function runEventQueueContract(name: string, makeQueue: () => EventQueue | Promise<EventQueue>): void {
  describe(`EventQueue contract: ${name}`, () => {
    it('starts empty', async () => {
      const queue = await makeQueue()
      expect(await queue.size()).toEqual({ events: 0, bytes: 0 })
      expect(await queue.peek(10, 1_000)).toEqual([])
    })

    it('returns the oldest events first, with their json and bytes intact', async () => {
      const queue = await makeQueue()
      await queue.push([event('a', 3), event('b', 4)], NO_LIMITS)
      await queue.push([event('c', 5)], NO_LIMITS)
      const peeked = await queue.peek(ALL, ALL)
      expect(labels(peeked)).toEqual(['a', 'b', 'c'])
      expect(peeked.map((e) => e.bytes)).toEqual([3, 4, 5])
      expect(await queue.size()).toEqual({ events: 3, bytes: 12 })
    })

    it('assigns strictly increasing ids in push order and reports them', async () => {
      const queue = await makeQueue()
      const first = await queue.push([event('a'), event('b')], NO_LIMITS)
      const second = await queue.push([event('c')], NO_LIMITS)
      const ids = [...first.ids, ...second.ids]
      expect(ids).toHaveLength(3)
      for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!)
      expect((await queue.peek(ALL, ALL)).map((e) => e.id)).toEqual(ids)
    })

    it('never reuses an id after events are removed', async () => {
      const queue = await makeQueue()
      const { ids } = await queue.push([event('a'), event('b')], NO_LIMITS)
      await queue.remove(ids)
      const again = await queue.push([event('c')], NO_LIMITS)
      expect(again.ids[0]!).toBeGreaterThan(ids[1]!)
    })

    it('peeks at most maxEvents events', async () => {
      const queue = await makeQueue()
      await queue.push(['a', 'b', 'c', 'd'].map((l) => event(l)), NO_LIMITS)
      expect(labels(await queue.peek(2, ALL))).toEqual(['a', 'b'])
    })

    it('peeks events whose bytes sum to at most maxBytes', async () => {
      const queue = await makeQueue()
      await queue.push([event('a', 40), event('b', 40), event('c', 40)], NO_LIMITS)
      expect(labels(await queue.peek(ALL, 100))).toEqual(['a', 'b'])
      expect(labels(await queue.peek(ALL, 80))).toEqual(['a', 'b'])
    })

    it('peeks one event even when it alone exceeds maxBytes', async () => {
      const queue = await makeQueue()
      await queue.push([event('big', 500), event('small', 1)], NO_LIMITS)
      expect(labels(await queue.peek(ALL, 100))).toEqual(['big'])
    })

    it('leaves peeked events in the queue', async () => {
      const queue = await makeQueue()
      await queue.push([event('a'), event('b')], NO_LIMITS)
      await queue.peek(ALL, ALL)
      expect(labels(await queue.peek(ALL, ALL))).toEqual(['a', 'b'])
      expect((await queue.size()).events).toBe(2)
    })

    it('removes events by id, keeping the others in order', async () => {
      const queue = await makeQueue()
      const { ids } = await queue.push(['a', 'b', 'c', 'd', 'e'].map((l) => event(l, 2)), NO_LIMITS)
      await queue.remove([ids[0]!, ids[2]!, ids[4]!])
      expect(labels(await queue.peek(ALL, ALL))).toEqual(['b', 'd'])
      expect(await queue.size()).toEqual({ events: 2, bytes: 4 })
    })

    it('ignores ids it does not hold', async () => {
      const queue = await makeQueue()
      const { ids } = await queue.push([event('a'), event('b')], NO_LIMITS)
      await queue.remove([ids[0]!])
      await queue.remove([ids[0]!, ids[1]! + 1_000])
      expect(labels(await queue.peek(ALL, ALL))).toEqual(['b'])
    })

    it('evicts the oldest events past maxEvents and reports them oldest first', async () => {
      const queue = await makeQueue()
      const first = await queue.push([event('a', 1), event('b', 2)], NO_LIMITS)
      const second = await queue.push([event('c', 3), event('d', 4), event('e', 5)], { maxEvents: 3, maxBytes: ALL })
      expect(second.evicted).toEqual([
        { id: first.ids[0], bytes: 1 },
        { id: first.ids[1], bytes: 2 },
      ])
      expect(labels(await queue.peek(ALL, ALL))).toEqual(['c', 'd', 'e'])
    })

    it('evicts the oldest events past maxBytes', async () => {
      const queue = await makeQueue()
      await queue.push([event('a', 30), event('b', 30)], NO_LIMITS)
      const { evicted } = await queue.push([event('c', 30)], { maxEvents: ALL, maxBytes: 70 })
      expect(evicted.map((e) => e.bytes)).toEqual([30])
      expect(labels(await queue.peek(ALL, ALL))).toEqual(['b', 'c'])
      expect(await queue.size()).toEqual({ events: 2, bytes: 60 })
    })

    it('evicts just-pushed events when they alone exceed the limits', async () => {
      const queue = await makeQueue()
      const { ids, evicted } = await queue.push(['a', 'b', 'c'].map((l) => event(l)), { maxEvents: 1, maxBytes: ALL })
      expect(evicted.map((e) => e.id)).toEqual(ids.slice(0, 2))
      expect(labels(await queue.peek(ALL, ALL))).toEqual(['c'])
    })

    it('evicts peeked events too: peek leases nothing', async () => {
      const queue = await makeQueue()
      const { ids } = await queue.push([event('a'), event('b')], NO_LIMITS)
      await queue.peek(1, ALL)
      const { evicted } = await queue.push([event('c')], { maxEvents: 2, maxBytes: ALL })
      expect(evicted.map((e) => e.id)).toEqual([ids[0]])
      await queue.remove([ids[0]!])
      expect(labels(await queue.peek(ALL, ALL))).toEqual(['b', 'c'])
    })

    it('neither mutates nor keeps the arrays and objects it is given', async () => {
      const queue = await makeQueue()
      const input = [event('a'), event('b')]
      const frozen = Object.freeze(input.map((e) => Object.freeze({ ...e })))
      const { ids } = await queue.push(frozen, NO_LIMITS)
      const removing = Object.freeze([ids[0]!])
      await queue.remove(removing)
      input.length = 0
      expect(frozen).toHaveLength(2)
      expect(labels(await queue.peek(ALL, ALL))).toEqual(['b'])
    })

    it('behaves like a bounded FIFO list under any sequence of pushes, peeks and removals', async () => {
      type Op =
        | { kind: 'push'; sizes: number[]; maxEvents: number; maxBytes: number }
        | { kind: 'peek'; maxEvents: number; maxBytes: number }
        | { kind: 'remove'; picks: number[] }
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.record({
          kind: fc.constant('push' as const),
          sizes: fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 8 }),
          maxEvents: fc.integer({ min: 0, max: 12 }),
          maxBytes: fc.integer({ min: 0, max: 300 }),
        }),
        fc.record({
          kind: fc.constant('peek' as const),
          maxEvents: fc.integer({ min: 1, max: 10 }),
          maxBytes: fc.integer({ min: 0, max: 200 }),
        }),
        fc.record({ kind: fc.constant('remove' as const), picks: fc.array(fc.nat(20), { maxLength: 6 }) }),
      )
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
          const queue = await makeQueue()
          let model: { label: string; bytes: number }[] = []
          let next = 0
          for (const step of ops) {
            if (step.kind === 'push') {
              const pushed = step.sizes.map((bytes) => ({ label: `e${next++}`, bytes }))
              const { ids, evicted } = await queue.push(
                pushed.map((e) => event(e.label, e.bytes)),
                { maxEvents: step.maxEvents, maxBytes: step.maxBytes },
              )
              expect(ids).toHaveLength(pushed.length)
              model.push(...pushed)
              const expectedEvicted: number[] = []
              const total = (): number => model.reduce((sum, e) => sum + e.bytes, 0)
              while (model.length > 0 && (model.length > step.maxEvents || total() > step.maxBytes)) {
                expectedEvicted.push(model.shift()!.bytes)
              }
              expect(evicted.map((e) => e.bytes)).toEqual(expectedEvicted)
            } else if (step.kind === 'peek') {
              const expected: string[] = []
              let bytes = 0
              for (const e of model) {
                if (expected.length >= step.maxEvents) break
                if (expected.length > 0 && bytes + e.bytes > step.maxBytes) break
                expected.push(e.label)
                bytes += e.bytes
              }
              expect(labels(await queue.peek(step.maxEvents, step.maxBytes))).toEqual(expected)
            } else {
              const held = await queue.peek(ALL, ALL)
              const doomed = new Set(step.picks.filter((i) => i < held.length).map((i) => held[i]!.id))
              await queue.remove([...doomed])
              const doomedLabels = new Set(labels(held.filter((e) => doomed.has(e.id))))
              model = model.filter((e) => !doomedLabels.has(e.label))
            }
            expect(await queue.size()).toEqual({
              events: model.length,
              bytes: model.reduce((sum, e) => sum + e.bytes, 0),
            })
          }
          expect(labels(await queue.peek(ALL, ALL))).toEqual(model.map((e) => e.label))
        }),
        { numRuns: 200 },
      )
    })
  })
}
