import type { TestCollectorProcess } from '@echotrail/test-harness'
import { connect, startCollectorProcess } from '@echotrail/test-harness'

/** A stored event: the document as the collector stored it. */
export type StoredEvent = Record<string, unknown> & { event_id: string; metadata?: Record<string, unknown> }

/** A real collector process on its own PostgreSQL database, with a way to read what it stored. */
export interface SdkTestCollector {
  proc: TestCollectorProcess
  url: string
  apiKey: string
  /** Every stored event, in seq order. */
  events(): Promise<StoredEvent[]>
  /** Waits until at least `count` events are stored (or fails after `timeoutMs`). */
  waitForEvents(count: number, timeoutMs?: number): Promise<StoredEvent[]>
  /** Summed drop counts of every client report received. */
  droppedReported(): Promise<Record<string, number>>
  destroy(): Promise<void>
}

/** Starts the collector the SDK talks to in production: the built CLI, as a process. */
export async function startTestCollector(env: Record<string, string> = {}): Promise<SdkTestCollector> {
  const proc = await startCollectorProcess({ backend: 'postgres', env })
  const databaseUrl = proc.env.DATABASE_URL!
  const query = async <T>(sql: string): Promise<T[]> => {
    const db = await connect(databaseUrl)
    try {
      return (await db.query(sql)).rows as T[]
    } finally {
      await db.end()
    }
  }
  const events = async () => (await query<{ event: StoredEvent }>('select event from events order by seq')).map((r) => r.event)
  return {
    proc,
    url: proc.url,
    apiKey: proc.secretKey!,
    events,
    async waitForEvents(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = await events()
        if (found.length >= count || Date.now() > deadline) return found
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    async droppedReported() {
      const rows = await query<{ dropped: Record<string, number> }>('select dropped from client_reports')
      const total: Record<string, number> = {}
      for (const row of rows) for (const [k, v] of Object.entries(row.dropped)) total[k] = (total[k] ?? 0) + v
      return total
    },
    destroy: () => proc.destroy(),
  }
}
