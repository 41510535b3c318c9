import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { migrate } from '../../src/db/migrate.js'
import { ensurePartitions, partitionRange, startOfUtcDay } from '../../src/db/partitions.js'
import { verifyProject } from '../../src/ledger/verify.js'
import { nodeSha256, startCollector } from '../../src/server.js'
import { BACKENDS, createTestStore, startTestCollector } from '../support/collector.js'

const DAY = 86_400_000

describe.each(BACKENDS)('storage on %s', (backend) => {
  it('applies migrations once and keeps daily partitions ready ahead of today', async () => {
    const t = await startTestCollector(backend, { partitionDaysAhead: 3, partitionDaysBehind: 2 })
    try {
      const db = t.collector.db
      expect(await migrate(db)).toEqual([])
      const range = await partitionRange(db)
      const today = startOfUtcDay(Date.now())
      expect(range).toEqual({ fromMs: today - 2 * DAY, untilMs: today + 4 * DAY })
      // A later run (the hourly job, a day on) adds only the missing day.
      expect(await ensurePartitions(db, Date.now() + DAY, 2, 3)).toBe(1)
      expect((await partitionRange(db))!.untilMs).toBe(today + 5 * DAY)
      // An event older than the oldest partition keeps its sent time beside received_at.
      const old = new Date(today - 10 * DAY).toISOString()
      const res = await t.post('/v1/audit', { action: 'backfill.imported', timestamp: old })
      expect(res.status).toBe(202)
      const { rows } = await db.query<{ event: { metadata: unknown }; occurred_at: Date }>(
        `select event, occurred_at from events where action = 'backfill.imported'`,
      )
      expect(rows[0]!.event.metadata).toEqual({ sent_timestamp: old })
      expect(rows[0]!.occurred_at.getTime()).toBeGreaterThanOrEqual(today)
    } finally {
      await t.stop()
    }
  })
})

describe.each(BACKENDS)('a row the database refuses on %s', (backend) => {
  it('fails only its own request; requests sharing its commit are stored', async () => {
    const t = await startTestCollector(backend)
    try {
      // Stands in for any value validation lets through but the database refuses.
      await t.collector.db.query(`alter table events add constraint test_no_poison check (identifier is distinct from 'poison')`)
      const send = (identifier: string) =>
        t.post('/v1/audit', { path: '/x', method: 'GET', status_code: 200, response_time: 1, identifier }).then((r) => r.status)
      const statuses = await Promise.all(['a', 'b', 'poison', 'c', 'd', 'e'].map(send))
      expect(statuses).toEqual([202, 202, 400, 202, 202, 202])
      const { rows } = await t.collector.db.query<{ identifier: string }>(`select identifier from events order by seq`)
      expect(rows.map((r) => r.identifier).sort()).toEqual(['a', 'b', 'c', 'd', 'e'])
      const report = await verifyProject(t.collector.db, t.projectId, { sha256: nodeSha256 })
      expect(report.findings).toEqual([])
    } finally {
      await t.stop()
    }
  })
})

describe('several collectors on one PostgreSQL database', () => {
  it('keep one gapless chain per project', async () => {
    const store = await createTestStore('postgres')
    const logger = pino({ level: process.env.ECHOTRAIL_TEST_LOG ?? 'silent' })
    const a = await startCollector({ ...store.config, ingestPort: 0 }, { logger })
    const b = await startCollector({ ...store.config, ingestPort: 0 }, { logger })
    try {
      const key = a.firstStart!.secretKey
      expect(b.firstStart).toBeUndefined()
      const send = (url: string, i: number) =>
        fetch(`${url}/v1/audit/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ events: Array.from({ length: 4 }, (_, k) => ({ action: 'job.ran', actor: `worker-${i}-${k}`, actor_type: 'system' })) }),
        }).then((r) => r.status)
      const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => send(i % 2 ? a.ingestUrl : b.ingestUrl, i)))
      expect(new Set(statuses)).toEqual(new Set([202]))
      const { rows } = await a.db.query<{ n: number; max: number }>(`select count(*)::int as n, max(seq)::int as max from events`)
      expect(rows[0]).toEqual({ n: 800, max: 800 })
      const report = await verifyProject(a.db, a.firstStart!.projectId, { sha256: nodeSha256 })
      expect(report.findings).toEqual([])
    } finally {
      await a.close()
      await b.close()
      await store.cleanup()
    }
  }, 60_000)
})
