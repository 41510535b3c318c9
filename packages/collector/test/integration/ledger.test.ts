import { generateKeyPairSync } from 'node:crypto'
import { connect } from '@echotrail/test-harness'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyProject } from '../../src/ledger/verify.js'
import { nodeSha256 } from '../../src/server.js'
import { BACKENDS, startTestCollector, type TestCollector } from '../support/collector.js'

const event = (identifier: string, i: number) => ({
  path: `/api/items/${i}`,
  method: i % 3 === 0 ? 'POST' : 'GET',
  status_code: i % 7 === 0 ? 500 : 200,
  response_time: i % 100,
  identifier,
  service_name: 'ledger-test',
  environment: 'test',
})

describe.each(BACKENDS)('ledger on %s', (backend) => {
  let t: TestCollector | undefined
  afterEach(async () => {
    await t?.stop()
    t = undefined
  })

  it('stores exactly what 50 concurrent senders × 200 batches sent, and verify passes', async () => {
    t = await startTestCollector(backend)
    const senders = 50
    const batchesPerSender = 200
    const perBatch = 3
    let acceptedTotal = 0
    await Promise.all(
      Array.from({ length: senders }, async (_, s) => {
        for (let b = 0; b < batchesPerSender; b++) {
          const events = Array.from({ length: perBatch }, (_, k) => event(`sender-${s}`, b * perBatch + k))
          const res = await t!.post('/v1/audit/batch', { events })
          expect(res.status).toBe(202)
          acceptedTotal += ((await res.json()) as { accepted: number }).accepted
        }
      }),
    )
    const expected = senders * batchesPerSender * perBatch
    expect(acceptedTotal).toBe(expected)
    const { rows } = await t.collector.db.query<{ n: number; max: number; commits: number }>(
      `select count(*)::int as n, max(seq)::int as max, (select count(*)::int from ledger where project_id = $1) as commits
         from events where project_id = $1`,
      [t.projectId],
    )
    expect(rows[0]).toMatchObject({ n: expected, max: expected })
    // Group commit: far fewer transactions than requests.
    expect(rows[0]!.commits).toBeLessThan(senders * batchesPerSender)
    const report = await verifyProject(t.collector.db, t.projectId, { sha256: nodeSha256 })
    expect(report.findings).toEqual([])
    expect(report.events).toBe(expected)
  }, 240_000)

  it('names an updated, a deleted and two swapped events', async () => {
    t = await startTestCollector(backend)
    for (let b = 0; b < 4; b++) {
      const res = await t.post('/v1/audit/batch', { events: Array.from({ length: 5 }, (_, k) => event('tamper', b * 5 + k)) })
      expect(res.status).toBe(202)
    }
    const db = t.collector.db
    const before = await verifyProject(db, t.projectId, { sha256: nodeSha256 })
    expect(before.ok).toBe(true)
    const idOf = async (seq: number) =>
      (await db.query<{ event_id: string }>(`select event_id::text as event_id from events where project_id = $1 and seq = $2`, [t!.projectId, seq])).rows[0]!
        .event_id
    const altered = await idOf(3)
    const swappedA = await idOf(12)
    const swappedB = await idOf(13)
    // As the owner (superuser on PostgreSQL), outside the collector's writer role.
    await db.query(`update events set event = jsonb_set(event, '{status_code}', '201') where project_id = $1 and seq = 3`, [t.projectId])
    await db.query(`delete from events where project_id = $1 and seq = 8`, [t.projectId])
    await db.query(`update events set seq = case seq when 12 then 13 else 12 end where project_id = $1 and seq in (12, 13)`, [t.projectId])

    const report = await verifyProject(db, t.projectId, { sha256: nodeSha256 })
    expect(report.ok).toBe(false)
    const named = report.findings.map((f) => [f.kind, f.seq, f.eventId])
    expect(named).toContainEqual(['altered', 3, altered])
    expect(named).toContainEqual(['missing', 8, undefined])
    expect(named).toContainEqual(['reordered', 13, swappedA])
    expect(named).toContainEqual(['reordered', 12, swappedB])
    expect(report.findings[0]).toMatchObject({ kind: 'altered', seq: 3 })
  })

  it('signs every checkpoint when a signing key is configured', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    t = await startTestCollector(backend, { signingKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() })
    expect((await t.post('/v1/audit', event('signed', 1))).status).toBe(202)
    expect((await t.post('/v1/audit', event('signed', 2))).status).toBe(202)
    const good = await verifyProject(t.collector.db, t.projectId, { sha256: nodeSha256, publicKey })
    expect(good.findings).toEqual([])
    const other = generateKeyPairSync('ed25519').publicKey
    const bad = await verifyProject(t.collector.db, t.projectId, { sha256: nodeSha256, publicKey: other })
    expect(bad.findings.map((f) => f.kind)).toEqual(['signature', 'signature'])
  })
})

describe('the writer role on postgres', () => {
  it('may insert events but an UPDATE or DELETE is refused', async () => {
    const t = await startTestCollector('postgres')
    try {
      expect((await t.post('/v1/audit', event('role', 1))).status).toBe(202)
      const client = await connect(String(t.store.config.databaseUrl))
      try {
        await client.query('set role echotrail_writer')
        const { rows } = await client.query<{ n: number }>('select count(*)::int as n from events')
        expect(rows[0]!.n).toBe(1)
        await expect(client.query(`update events set status_code = 201`)).rejects.toThrow(/permission denied/)
        await expect(client.query(`delete from events`)).rejects.toThrow(/permission denied/)
        await expect(client.query(`update events_p${new Date().toISOString().slice(0, 10).replaceAll('-', '')} set status_code = 201`)).rejects.toThrow(
          /permission denied/,
        )
      } finally {
        await client.end()
      }
    } finally {
      await t.stop()
    }
  })
})
