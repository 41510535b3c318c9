import type { NewQueuedEvent } from './event-queue'

/** Staged events taken together, to be pushed to the queue in one call. */
export interface StagedChunk {
  readonly events: readonly NewQueuedEvent[]
  readonly bytes: number
  /** These events alone overflowed the queue, so every older event must be evicted. */
  readonly evictsOlder: boolean
  /** Runs once the chunk is pushed (or failed to be). */
  readonly onPushed: (() => void) | undefined
}

/**
 * Accepted events on their way into the queue. `enqueue` adds here synchronously,
 * and events reach the (asynchronous) queue in chunks, once per batch, so that the
 * request hot path creates no promise. Chunks leave in the order they were taken.
 */
export class Staging {
  readonly #maxEvents: number
  readonly #maxBytes: number
  #events: NewQueuedEvent[] = []
  #bytes = 0
  #evictsOlder = false
  readonly #taken: StagedChunk[] = []
  #takenEvents = 0
  #takenBytes = 0

  /** Staging never holds more than the queue may: `maxEvents`, `maxBytes`. */
  constructor(maxEvents: number, maxBytes: number) {
    this.#maxEvents = maxEvents
    this.#maxBytes = maxBytes
  }

  /** Events not yet taken. */
  get untakenEvents(): number {
    return this.#events.length
  }

  /** Bytes not yet taken. */
  get untakenBytes(): number {
    return this.#bytes
  }

  /** Events staged or taken, not yet pushed. */
  get events(): number {
    return this.#events.length + this.#takenEvents
  }

  /** Bytes staged or taken, not yet pushed. */
  get bytes(): number {
    return this.#bytes + this.#takenBytes
  }

  /**
   * Adds `event`; returns how many of the oldest untaken events were dropped to stay
   * within the limits. When that happens the newest events alone fill the queue, so
   * FIFO dooms every older event too: their chunk is marked to evict them on push.
   */
  add(event: NewQueuedEvent): number {
    this.#events.push(event)
    this.#bytes += event.bytes
    let dropped = 0
    while (this.#events.length > this.#maxEvents || this.#bytes > this.#maxBytes) {
      this.#bytes -= this.#events.shift()!.bytes
      dropped += 1
    }
    if (dropped > 0) this.#evictsOlder = true
    return dropped
  }

  /** Closes the untaken events into a chunk (possibly empty) waiting to be pushed. */
  take(onPushed?: () => void): void {
    this.#taken.push({ events: this.#events, bytes: this.#bytes, evictsOlder: this.#evictsOlder, onPushed })
    this.#takenEvents += this.#events.length
    this.#takenBytes += this.#bytes
    this.#events = []
    this.#bytes = 0
    this.#evictsOlder = false
  }

  /** The oldest taken chunk, handed over for pushing, or undefined. */
  next(): StagedChunk | undefined {
    const chunk = this.#taken.shift()
    if (chunk !== undefined) {
      this.#takenEvents -= chunk.events.length
      this.#takenBytes -= chunk.bytes
    }
    return chunk
  }
}
