import { startTimer } from './timers'

interface Waiter {
  /** Largest queue id the flush waits for; undefined until the next push tells. */
  maxId: number | undefined
  /** Events with id ≤ maxId still unsettled; undefined until armed. */
  remaining: number | undefined
  finish: (done: boolean) => void
}

/** A pending `flush()`: resolves `done`, armed once the events it covers are known. */
export interface FlushWait {
  readonly done: Promise<boolean>
  /** Starts counting: `remaining` queued events with ids up to `maxId` must settle. */
  arm(maxId: number | undefined, remaining: number): void
}

/**
 * Tracks pending flushes. Counting settled events rather than watching the queue
 * empty lets a flush finish under steady traffic: events queued after the call
 * have larger ids and do not hold it back.
 */
export class FlushWaiters {
  readonly #waiters = new Set<Waiter>()

  /** True while an armed flush waits for events. */
  get waiting(): boolean {
    for (const waiter of this.#waiters) if (waiter.remaining !== undefined) return true
    return false
  }

  /** Opens a flush that resolves false after `timeoutMs` unless armed and settled first. */
  open(timeoutMs: number): FlushWait {
    let finish: (done: boolean) => void = () => {}
    const done = new Promise<boolean>((resolve) => {
      finish = resolve
    })
    const waiter: Waiter = { maxId: undefined, remaining: undefined, finish: () => {} }
    const cancel = startTimer(() => waiter.finish(false), timeoutMs)
    waiter.finish = (result) => {
      cancel()
      this.#waiters.delete(waiter)
      finish(result)
    }
    this.#waiters.add(waiter)
    return {
      done,
      arm: (maxId, remaining) => {
        if (!this.#waiters.has(waiter)) return
        waiter.maxId = maxId
        waiter.remaining = remaining
        if (remaining <= 0) waiter.finish(true)
      },
    }
  }

  /** A push assigned ids from `firstId` on: flushes armed before it wait for older ids only. */
  bindPending(firstId: number): void {
    for (const waiter of this.#waiters) {
      if (waiter.remaining !== undefined && waiter.maxId === undefined) waiter.maxId = firstId - 1
    }
  }

  /** Events with these ids were delivered or dropped. */
  settle(events: readonly { readonly id: number }[]): void {
    for (const waiter of this.#waiters) {
      if (waiter.remaining === undefined) continue
      let count = 0
      for (const { id } of events) if (waiter.maxId === undefined || id <= waiter.maxId) count += 1
      waiter.remaining -= count
      if (waiter.remaining <= 0) waiter.finish(true)
    }
  }

  /** Resolves every pending flush with `done`. */
  finishAll(done: boolean): void {
    for (const waiter of [...this.#waiters]) waiter.finish(done)
  }
}
