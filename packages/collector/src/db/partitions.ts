import type { Queryable } from './db.js'

const DAY_MS = 86_400_000

/** The days (UTC) for which `events` has a partition: [fromMs, untilMs). */
export interface PartitionRange {
  fromMs: number
  untilMs: number
}

/** Start of the UTC day containing `ms`. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS
}

function partitionName(dayMs: number): string {
  return `events_p${new Date(dayMs).toISOString().slice(0, 10).replaceAll('-', '')}`
}

const LIST_PARTITIONS = `select c.relname as name
  from pg_inherits i
  join pg_class c on c.oid = i.inhrelid
  join pg_class p on p.oid = i.inhparent
  where p.relname = 'events'`

/**
 * Creates the daily partitions of `events` from `daysBehind` days before `nowMs`
 * to `daysAhead` days after it (UTC days), leaving existing ones alone.
 */
export async function ensurePartitions(db: Queryable, nowMs: number, daysBehind: number, daysAhead: number): Promise<number> {
  const today = startOfUtcDay(nowMs)
  const existing = new Set((await db.query<{ name: string }>(LIST_PARTITIONS)).rows.map((r) => r.name))
  let created = 0
  for (let d = -daysBehind; d <= daysAhead; d++) {
    const day = today + d * DAY_MS
    const name = partitionName(day)
    if (existing.has(name)) continue
    // Names and bounds come from our own date arithmetic, never from input.
    await db.query(
      `create table if not exists ${name} partition of events
         for values from ('${new Date(day).toISOString()}') to ('${new Date(day + DAY_MS).toISOString()}')`,
    )
    created++
  }
  return created
}

/** The contiguous range covered by existing partitions (oldest start, newest end). */
export async function partitionRange(db: Queryable): Promise<PartitionRange | undefined> {
  const names = (await db.query<{ name: string }>(LIST_PARTITIONS)).rows
    .map((r) => r.name)
    .filter((n) => /^events_p\d{8}$/.test(n))
    .sort()
  const first = names[0]
  const last = names[names.length - 1]
  if (!first || !last) return undefined
  const toMs = (name: string) => Date.parse(`${name.slice(8, 12)}-${name.slice(12, 14)}-${name.slice(14, 16)}T00:00:00Z`)
  return { fromMs: toMs(first), untilMs: toMs(last) + DAY_MS }
}
