import type { EventQueue, EvictedEvent, NewQueuedEvent, PushResult, QueueLimits, QueuedEvent, QueueSize } from './event-queue'

// Dequeued slots are skipped by index and compacted in bulk: shifting a
// 10,000-entry array once per delivered event would be quadratic.
const COMPACT_AFTER = 1_024

class MemoryQueue implements EventQueue {
  #items: QueuedEvent[] = []
  #head = 0
  #bytes = 0
  #nextId = 1

  async push(events: readonly NewQueuedEvent[], limits: QueueLimits): Promise<PushResult> {
    const ids: number[] = []
    for (const { json, bytes } of events) {
      const id = this.#nextId++
      this.#items.push({ id, json, bytes })
      this.#bytes += bytes
      ids.push(id)
    }
    const evicted: EvictedEvent[] = []
    while (this.#head < this.#items.length && (this.#count() > limits.maxEvents || this.#bytes > limits.maxBytes)) {
      const { id, bytes } = this.#items[this.#head]!
      this.#head += 1
      this.#bytes -= bytes
      evicted.push({ id, bytes })
    }
    this.#compact()
    return { ids, evicted }
  }

  async peek(maxEvents: number, maxBytes: number): Promise<QueuedEvent[]> {
    const batch: QueuedEvent[] = []
    let bytes = 0
    for (let i = this.#head; i < this.#items.length && batch.length < maxEvents; i++) {
      const item = this.#items[i]!
      if (batch.length > 0 && bytes + item.bytes > maxBytes) break
      batch.push(item)
      bytes += item.bytes
    }
    return batch
  }

  async remove(ids: readonly number[]): Promise<void> {
    const oldest = this.#items[this.#head]?.id
    if (oldest === undefined) return
    // The usual case, a delivered batch: exactly the oldest events, in order. Moving the
    // head past them needs no set of ids.
    if (ids[0] === oldest && this.#head + ids.length <= this.#items.length) {
      let prefix = true
      for (let k = 1; k < ids.length && prefix; k++) prefix = this.#items[this.#head + k]!.id === ids[k]
      if (prefix) {
        for (let k = 0; k < ids.length; k++) this.#bytes -= this.#items[this.#head + k]!.bytes
        this.#head += ids.length
        this.#compact()
        return
      }
    }
    // Ids below the oldest held one were evicted already.
    const doomed = new Set(ids.filter((id) => id >= oldest))
    // Delivered batches are the oldest events: drop that prefix by moving the head.
    while (doomed.size > 0 && this.#head < this.#items.length && doomed.delete(this.#items[this.#head]!.id)) {
      this.#bytes -= this.#items[this.#head]!.bytes
      this.#head += 1
    }
    if (doomed.size > 0) {
      const kept: QueuedEvent[] = []
      for (let i = this.#head; i < this.#items.length; i++) {
        const item = this.#items[i]!
        if (doomed.has(item.id)) this.#bytes -= item.bytes
        else kept.push(item)
      }
      this.#items = kept
      this.#head = 0
    }
    this.#compact()
  }

  async size(): Promise<QueueSize> {
    return { events: this.#count(), bytes: this.#bytes }
  }

  #count(): number {
    return this.#items.length - this.#head
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = []
      this.#head = 0
    } else if (this.#head > COMPACT_AFTER && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
  }
}

/** Creates an in-memory `EventQueue`: the default, lost when the process or page ends. */
export function createMemoryQueue(): EventQueue {
  return new MemoryQueue()
}
