import { uuidv7 } from '@echotrail/core'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyProject } from '../../src/ledger/verify.js'
import { nodeSha256, startCollector, type RunningCollector } from '../../src/server.js'
import { createPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js'

const OUTAGE_MS = 10_000

describe('PostgreSQL down for 10 s', () => {
  let pg: PrivatePostgres | undefined
  let collector: RunningCollector | undefined
  afterAll(async () => {
    await collector?.close().catch(() => undefined)
    pg?.destroy()
  })

  it('answers 503 with Retry-After, fails /readyz, then recovers by itself with nothing lost', async () => {
    pg = await createPrivatePostgres()
    collector = await startCollector(
      { databaseUrl: pg.url, ingestPort: 0, keyCacheTtlMs: 60_000 },
      { logger: pino({ level: 'silent' }) },
    )
    const key = collector.firstStart!.secretKey
    const url = collector.ingestUrl
    const post = async (events: unknown[]) => {
      const res = await fetch(`${url}/v1/audit/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ events }),
      })
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> }
    }
    const batch = () => [{ event_id: uuidv7(), path: '/api/ping', method: 'GET', status_code: 200, response_time: 1, service_name: 'outage' }]

    const delivered = new Set<string>()
    const first = batch()
    expect((await post(first)).status).toBe(202)
    delivered.add(first[0]!.event_id)

    pg.stop()
    const downSince = Date.now()
    const during = await post(batch())
    expect(during.status).toBe(503)
    expect(Number(during.retryAfter)).toBeGreaterThan(0)
    expect(during.body).toMatchObject({ error: { code: 'ET_STORAGE_UNAVAILABLE' } })
    const ready = await fetch(`${url}/readyz`)
    expect(ready.status).toBe(503)
    expect((await fetch(`${url}/healthz`)).status).toBe(200)

    // A client retrying like an SDK while the database is away: nothing gets a 202,
    // nothing gets a 500, and every event is eventually stored once.
    const pending = Array.from({ length: 5 }, batch)
    const statuses = new Set<number>()
    while (Date.now() - downSince < OUTAGE_MS) {
      for (const b of pending) statuses.add((await post(b)).status)
      await new Promise((r) => setTimeout(r, 500))
    }
    expect([...statuses]).toEqual([503])

    pg.start()
    const deadline = Date.now() + 30_000
    let readyAgain = false
    while (Date.now() < deadline && !readyAgain) {
      readyAgain = (await fetch(`${url}/readyz`)).status === 200
      if (!readyAgain) await new Promise((r) => setTimeout(r, 250))
    }
    expect(readyAgain).toBe(true)
    for (const b of pending) {
      let result = await post(b)
      while (result.status === 503 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250))
        result = await post(b)
      }
      expect(result.status).toBe(202)
      delivered.add(b[0]!.event_id)
    }

    const { rows } = await collector.db.query<{ event_id: string }>(`select event_id::text as event_id from events`)
    expect(new Set(rows.map((r) => r.event_id))).toEqual(delivered)
    const report = await verifyProject(collector.db, collector.firstStart!.projectId, { sha256: nodeSha256 })
    expect(report.findings).toEqual([])
  }, 90_000)
})
