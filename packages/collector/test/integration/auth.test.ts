import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { revokeApiKey } from '../../src/auth/keys.repo.js'
import { BACKENDS, startTestCollector, type TestCollector } from '../support/collector.js'
import { expectErrorShape, rawRequest, type RawResponse } from '../support/http.js'

const APP = 'http://app.test'
const event = (identifier: string, extra: Record<string, unknown> = {}) => ({
  path: '/api/orders',
  method: 'POST',
  status_code: 201,
  identifier,
  ...extra,
})

describe.each(BACKENDS)('ingest keys and browsers on %s', (backend) => {
  let t: TestCollector
  let publishable: string
  beforeAll(async () => {
    t = await startTestCollector(backend)
    publishable = await t.createKey('publishable', { allowedOrigins: [APP] })
  })
  afterAll(async () => {
    await t?.stop()
  })

  /** POSTs JSON with exactly these headers (no key unless given). */
  const send = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> =>
    rawRequest(t.url, { path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  const stored = async (identifier: string) =>
    (await t.collector.db.query<{ source: string; event: Record<string, unknown> }>(`select source, event from events where project_id = $1 and identifier = $2`, [t.projectId, identifier])).rows
  const errorCode = (res: RawResponse) => expectErrorShape(res).error.code

  it('answers a request without a key with 401 ET_AUTH_MISSING_KEY and stores nothing', async () => {
    const res = await send('/v1/audit', event('no-key'))
    expect(res.status).toBe(401)
    expect(errorCode(res)).toBe('ET_AUTH_MISSING_KEY')
    expect(await stored('no-key')).toEqual([])
  })

  it('answers unknown keys, key-shaped or not, with 401 ET_AUTH_UNKNOWN_KEY', async () => {
    for (const key of [`et_sk_${randomBytes(32).toString('base64url')}`, `et_pk_${randomBytes(32).toString('base64url')}`, 'bat_0123456789', 'hunter2']) {
      const res = await send('/v1/audit', event('unknown-key'), { 'x-api-key': key })
      expect(res.status, key).toBe(401)
      expect(errorCode(res)).toBe('ET_AUTH_UNKNOWN_KEY')
    }
    expect(await stored('unknown-key')).toEqual([])
  })

  it('accepts a secret key sent as Authorization: Bearer', async () => {
    const res = await send('/v1/audit', event('bearer'), { authorization: `Bearer ${t.secretKey}` })
    expect(res.status).toBe(202)
    expect(JSON.parse(res.text)).toEqual({ accepted: 1, duplicates: 0, rejected: [] })
    expect(await stored('bearer')).toHaveLength(1)
  })

  it('refuses a key once it is revoked', async () => {
    const key = await t.createKey('secret')
    expect((await send('/v1/audit', event('before-revoke'), { 'x-api-key': key })).status).toBe(202)
    const revoked = await revokeApiKey(t.collector.db, key.slice(0, 'et_sk_'.length + 6))
    expect(revoked?.revoked_at).toBeInstanceOf(Date)
    const res = await send('/v1/audit', event('after-revoke'), { 'x-api-key': key })
    expect(res.status).toBe(401)
    expect(errorCode(res)).toBe('ET_AUTH_UNKNOWN_KEY')
    expect(await stored('after-revoke')).toEqual([])
  })

  it('refuses a secret key sent from a browser origin with 403 ET_AUTH_WRONG_KEY_KIND', async () => {
    const res = await send('/v1/audit', event('secret-from-browser'), { 'x-api-key': t.secretKey, origin: APP })
    expect(res.status).toBe(403)
    expect(errorCode(res)).toBe('ET_AUTH_WRONG_KEY_KIND')
    // Readable, so the page learns the refusal is final; nothing was stored.
    expect(res.headers['access-control-allow-origin']).toBe(APP)
    expect(await stored('secret-from-browser')).toEqual([])
  })

  it('refuses a secret key in the query string with 403 ET_AUTH_WRONG_KEY_KIND', async () => {
    const res = await send(`/v1/audit?key=${t.secretKey}`, event('secret-in-url'))
    expect(res.status).toBe(403)
    expect(errorCode(res)).toBe('ET_AUTH_WRONG_KEY_KIND')
    expect(await stored('secret-in-url')).toEqual([])
  })

  it('accepts a publishable key from an allowed origin and echoes the origin for CORS', async () => {
    const res = await send('/v1/audit', event('pk-allowed'), { 'x-api-key': publishable, origin: APP })
    expect(res.status).toBe(202)
    expect(res.headers['access-control-allow-origin']).toBe(APP)
    expect(res.headers.vary).toMatch(/origin/i)
    expect(await stored('pk-allowed')).toHaveLength(1)
  })

  it('refuses a publishable key from another origin, or from no origin, with 403 ET_AUTH_ORIGIN_NOT_ALLOWED', async () => {
    for (const headers of [{ origin: 'http://evil.test' }, { origin: 'http://app.test:8080' }, {}]) {
      const res = await send('/v1/audit', event('pk-elsewhere'), { 'x-api-key': publishable, ...headers })
      expect(res.status, JSON.stringify(headers)).toBe(403)
      expect(errorCode(res)).toBe('ET_AUTH_ORIGIN_NOT_ALLOWED')
      // The page may read its refusal (so the SDK stops retrying); nothing else is shared.
      expect(res.headers['access-control-allow-origin']).toBe((headers as { origin?: string }).origin)
    }
    expect(await stored('pk-elsewhere')).toEqual([])
  })

  it('lets a publishable key store browser events only: source backend is rejected, an absent source becomes browser', async () => {
    const headers = { 'x-api-key': publishable, origin: APP }
    const single = await send('/v1/audit', event('pk-backend', { source: 'backend' }), headers)
    expect(single.status).toBe(400)
    const body = expectErrorShape(single)
    expect(body.error.code).toBe('ET_INGEST_INVALID')
    expect(body.error.issues?.map((i) => i.path.join('.'))).toEqual(['source'])

    const batch = await send('/v1/audit/batch', { events: [event('pk-backend', { source: 'backend' }), event('pk-default')] }, headers)
    expect(batch.status).toBe(202)
    expect(JSON.parse(batch.text)).toMatchObject({ accepted: 1, rejected: [{ index: 0 }] })

    expect(await stored('pk-backend')).toEqual([])
    const [row] = await stored('pk-default')
    expect(row?.source).toBe('browser')
    expect(row?.event.source).toBe('browser')
  })

  it('accepts the sendBeacon shape: key in the URL, text/plain JSON, allowed origin', async () => {
    const res = await rawRequest(t.url, {
      path: `/v1/audit?key=${publishable}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: APP },
      body: JSON.stringify([event('beacon-1'), event('beacon-2', { orphan: true, status_code: undefined })]),
    })
    expect(res.status).toBe(202)
    expect(JSON.parse(res.text)).toEqual({ accepted: 2, duplicates: 0, rejected: [] })
    expect(res.headers['access-control-allow-origin']).toBe(APP)
    expect((await stored('beacon-1')).map((r) => r.source)).toEqual(['browser'])
    expect(await stored('beacon-2')).toHaveLength(1)
  })

  it('answers a CORS preflight from an allowed origin with 204 and the allowed headers, and from others without them', async () => {
    const allowed = await rawRequest(t.url, {
      method: 'OPTIONS',
      path: '/v1/audit',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key, content-type, content-encoding' },
    })
    expect(allowed.status).toBe(204)
    expect(allowed.headers['access-control-allow-origin']).toBe(APP)
    const allowHeaders = String(allowed.headers['access-control-allow-headers']).split(/\s*,\s*/)
    expect(allowHeaders).toEqual(expect.arrayContaining(['x-api-key', 'content-type', 'content-encoding']))
    expect(String(allowed.headers['access-control-allow-methods'])).toContain('POST')

    const other = await rawRequest(t.url, {
      method: 'OPTIONS',
      path: '/v1/audit',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key' },
    })
    expect(other.status).toBe(204)
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    expect(other.headers['access-control-allow-headers']).toBeUndefined()
  })

  it('answers a burst over the key rate with 429 ET_RATE_LIMITED and a Retry-After', async () => {
    const key = await t.createKey('secret', { rateLimitPerSecond: 2 })
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => send('/v1/audit', event(`burst-${i}`), { 'x-api-key': key })))
    const limited = answers.filter((r) => r.status === 429)
    const passed = answers.filter((r) => r.status === 202)
    expect(limited.length + passed.length).toBe(answers.length)
    // A bucket holds one second's worth: 2 now, at most one more refilled during the burst.
    expect(passed.length).toBeGreaterThanOrEqual(1)
    expect(passed.length).toBeLessThanOrEqual(3)
    for (const res of limited) {
      expect(errorCode(res)).toBe('ET_RATE_LIMITED')
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    }
    const { rows } = await t.collector.db.query<{ n: number }>(`select count(*)::int as n from events where identifier like 'burst-%'`)
    expect(rows[0]!.n).toBe(passed.length)
  })

  it('stores a client report and counts its drops in /metrics', async () => {
    const res = await send(
      '/v1/audit/client-report',
      { dropped: { queue_overflow: 3 }, sdk: { name: '@echotrail/node', version: '0.0.0' } },
      { 'x-api-key': t.secretKey },
    )
    expect(res.status).toBe(202)
    expect(JSON.parse(res.text)).toEqual({ accepted: true })
    const { rows } = await t.collector.db.query<{ sdk_name: string; sdk_version: string; dropped: unknown }>(
      `select sdk_name, sdk_version, dropped from client_reports where project_id = $1`,
      [t.projectId],
    )
    expect(rows).toEqual([{ sdk_name: '@echotrail/node', sdk_version: '0.0.0', dropped: { queue_overflow: 3 } }])
    const metrics = await fetch(`${t.url}/metrics`).then((r) => r.text())
    expect(metrics.split('\n')).toContain('echotrail_client_reported_dropped_total{reason="queue_overflow"} 3')
  })

  it('stores a client report whose strings hold U+0000 or a lone surrogate instead of failing with 503', async () => {
    const res = await rawRequest(t.url, {
      path: '/v1/audit/client-report',
      headers: { 'content-type': 'application/json', 'x-api-key': t.secretKey },
      body: '{"dropped":{"nul\\u0000reason":1,"lone\\ud800reason":2},"sdk":{"name":"sdk\\u0000","version":"1\\udfff"}}',
    })
    expect(res.status).toBe(202)
    const { rows } = await t.collector.db.query<{ sdk_name: string; sdk_version: string; dropped: unknown }>(
      `select sdk_name, sdk_version, dropped from client_reports where project_id = $1 and sdk_name <> '@echotrail/node'`,
      [t.projectId],
    )
    expect(rows).toEqual([{ sdk_name: 'sdk\uFFFD', sdk_version: '1\uFFFD', dropped: { 'nul\uFFFDreason': 1, 'lone\uFFFDreason': 2 } }])
  })

  it('answers /healthz and /readyz with 200 and /metrics with Prometheus text', async () => {
    const health = await fetch(`${t.url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${t.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready' })

    const metrics = await fetch(`${t.url}/metrics`)
    expect(metrics.status).toBe(200)
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const lines = (await metrics.text()).trimEnd().split('\n')
    for (const line of lines) expect(line, 'a Prometheus comment or sample').toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+-]+)$/)
    expect(lines).toContain('# TYPE echotrail_events_accepted_total counter')
    const accepted = lines.find((l) => l.startsWith('echotrail_events_accepted_total '))
    const { rows } = await t.collector.db.query<{ n: number }>(`select count(*)::int as n from events where project_id = $1`, [t.projectId])
    expect(Number(accepted?.split(' ')[1])).toBe(rows[0]!.n)
  })
})
