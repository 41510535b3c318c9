import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedCurl } from '../../src/cli/commands.js'
import { verifyProject } from '../../src/ledger/verify.js'
import { nodeSha256 } from '../../src/server.js'
import { BACKENDS, startTestCollector, type TestCollector } from '../support/collector.js'

const run = promisify(execFile)

const SEED = {
  path: '/api/users',
  method: 'GET',
  status_code: 200,
  response_time: 45,
  identifier: 'user-123',
  service_name: 'my-api',
  environment: 'production',
}

describe.each(BACKENDS)('ingest on %s', (backend) => {
  let t: TestCollector
  beforeAll(async () => {
    t = await startTestCollector(backend)
  })
  afterAll(async () => {
    await t?.stop()
  })

  const rows = async (sql: string, params: unknown[] = []) => (await t.collector.db.query<Record<string, unknown>>(sql, params)).rows

  it('accepts the BatAudit seed curl byte for byte and stores every field', async () => {
    const command = seedCurl(t.url, t.secretKey)
    const { stdout } = await run('sh', ['-c', `${command} -s -w ' %{http_code}'`])
    expect(stdout).toMatch(/^\{"accepted":1,"duplicates":0,"rejected":\[\]\} 202$/)
    const [row] = await rows(`select * from events where project_id = $1 and path = '/api/users' and identifier = 'user-123'`, [t.projectId])
    expect(row).toMatchObject({
      method: 'GET',
      status_code: 200,
      response_time_ms: 45,
      service_name: 'my-api',
      environment: 'production',
      action: 'http.request',
      category: 'DATA_ACCESS',
      severity: 'INFO',
      outcome: 'success',
      source: 'backend',
      orphan: false,
      seq: 1,
    })
    expect(row!.event).toMatchObject({ ...SEED, event_id: row!.event_id })
  })

  it('stores the valid events of a batch, names the invalid fields, and stores nothing new on resend', async () => {
    const base = { ...SEED, identifier: 'batch-user' }
    const events = [
      { ...base, event_id: '01936b2e-0000-7000-8000-000000000001' },
      { ...base, event_id: '01936b2e-0000-7000-8000-000000000002', status_code: 700 },
      { ...base, event_id: '01936b2e-0000-7000-8000-000000000003', method: 'BREW', path: 'x'.repeat(300) },
      { ...base, event_id: '01936b2e-0000-7000-8000-000000000004' },
    ]
    const first = await t.post('/v1/audit/batch', { events })
    expect(first.status).toBe(202)
    const answer = (await first.json()) as { accepted: number; duplicates: number; rejected: { index: number; issues: { path: string[] }[] }[] }
    expect(answer.accepted).toBe(2)
    expect(answer.duplicates).toBe(0)
    expect(answer.rejected.map((r) => r.index)).toEqual([1, 2])
    expect(answer.rejected[0]!.issues.map((i) => i.path.join('.'))).toEqual(['status_code'])
    expect(answer.rejected[1]!.issues.map((i) => i.path.join('.')).sort()).toEqual(['method', 'path'])

    const again = await t.post('/v1/audit/batch', { events })
    const second = (await again.json()) as { accepted: number; duplicates: number }
    expect(again.status).toBe(202)
    expect(second).toMatchObject({ accepted: 0, duplicates: 2 })
    const stored = await rows(`select count(*)::int as n from events where identifier = 'batch-user'`)
    expect(stored[0]!.n).toBe(2)
  })

  it('answers a single invalid event with 400 naming the field', async () => {
    const res = await t.post('/v1/audit', { ...SEED, identifier: 'u'.repeat(101) })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; issues: { path: string[] }[] } }
    expect(body.error.code).toBe('ET_INGEST_INVALID')
    expect(body.error.issues.map((i) => i.path.join('.'))).toEqual(['identifier'])
  })

  it('masks secrets at rest and keeps unknown fields in metadata.extra', async () => {
    const res = await t.post('/v1/audit', {
      ...SEED,
      identifier: 'mask-user',
      method: 'POST',
      request_body: { password: 'hunter2', card: 'pay with 4111 1111 1111 1111 please', nested: { api_key: 'k' } },
      query_params: { token: 'abc' },
      favourite_colour: 'teal',
    })
    expect(res.status).toBe(202)
    const [row] = await rows(`select event from events where identifier = 'mask-user'`)
    const text = JSON.stringify(row!.event)
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('4111 1111 1111 1111')
    expect(text).toContain('************1111')
    expect(row!.event).toMatchObject({
      request_body: { password: '********', nested: { api_key: '********' } },
      query_params: { token: '********' },
      metadata: { extra: { favourite_colour: 'teal' } },
    })
  })

  it('replaces a timestamp far in the future with received_at and keeps the sent value', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString()
    const past = new Date(Date.now() - 60_000).toISOString()
    await t.post('/v1/audit', { ...SEED, identifier: 'future-user', timestamp: future })
    await t.post('/v1/audit', { ...SEED, identifier: 'past-user', timestamp: past })
    const [f] = await rows(`select occurred_at, received_at, event from events where identifier = 'future-user'`)
    expect((f!.occurred_at as Date).getTime()).toBe((f!.received_at as Date).getTime())
    expect((f!.event as { metadata: unknown }).metadata).toEqual({ sent_timestamp: future })
    const [p] = await rows(`select occurred_at from events where identifier = 'past-user'`)
    expect((p!.occurred_at as Date).toISOString()).toBe(past)
  })

  it('accepts gzip bodies and arrays on /v1/audit', async () => {
    const res = await t.post('/v1/audit', [{ ...SEED, identifier: 'gz-1' }, { ...SEED, identifier: 'gz-2' }], { gzip: true })
    expect(res.status).toBe(202)
    expect(await res.json()).toMatchObject({ accepted: 2, duplicates: 0, rejected: [] })
  })

  it('keeps a gapless chain that verify re-derives', async () => {
    const report = await verifyProject(t.collector.db, t.projectId, { sha256: nodeSha256 })
    expect(report.findings).toEqual([])
    expect(report.ok).toBe(true)
    const [{ n }] = (await rows(`select count(*)::int as n from events where project_id = $1`, [t.projectId])) as [{ n: number }]
    expect(report.events).toBe(n)
    expect(report.lastSeq).toBe(n)
  })
})
