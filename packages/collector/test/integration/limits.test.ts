import { gzipSync } from 'node:zlib'
import { WIRE_LIMITS } from '@echotrail/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, startTestCollector, type TestCollector } from '../support/collector.js'
import { expectErrorShape, rawRequest, type RawRequest, type RawResponse } from '../support/http.js'

// Put into every submitted value below: no answer may ever repeat it.
const CANARY = 'c4n4ry-5ubm1tted'

const event = (identifier: string, extra: Record<string, unknown> = {}) => ({
  path: '/api/reports',
  method: 'GET',
  status_code: 200,
  identifier,
  user_email: `${CANARY}@example.test`,
  ...extra,
})

describe.each(BACKENDS)('ingest content types and sizes on %s', (backend) => {
  let t: TestCollector
  beforeAll(async () => {
    t = await startTestCollector(backend)
  })
  afterAll(async () => {
    await t?.stop()
  })

  /** POSTs to /v1/audit (or `path`) with JSON and the secret key unless `headers` say otherwise (undefined drops one). */
  const send = (req: { path?: string; body?: RawRequest['body'] | undefined; headers?: Record<string, string | undefined> }): Promise<RawResponse> => {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries({ 'content-type': 'application/json', 'x-api-key': t.secretKey, ...req.headers })) {
      if (value !== undefined) headers[name] = value
    }
    return rawRequest(t.url, { path: req.path ?? '/v1/audit', headers, ...(req.body === undefined ? {} : { body: req.body }) })
  }
  const storedCount = async (identifierPattern: string) =>
    (await t.collector.db.query<{ n: number }>(`select count(*)::int as n from events where project_id = $1 and identifier like $2`, [t.projectId, identifierPattern])).rows[0]!.n
  const expectError = (res: RawResponse, status: number, code: string) => {
    expect(res.status, res.text.slice(0, 300)).toBe(status)
    const body = expectErrorShape(res)
    expect(body.error.code).toBe(code)
    expect(res.text).not.toContain(CANARY)
    return body
  }
  const json = (identifier: string, extra?: Record<string, unknown>) => JSON.stringify(event(identifier, extra))

  it('answers a body without Content-Type, or with application/xml, with 415 ET_INGEST_UNSUPPORTED_MEDIA', async () => {
    expectError(await send({ headers: { 'content-type': undefined }, body: json('no-type') }), 415, 'ET_INGEST_UNSUPPORTED_MEDIA')
    expectError(await send({ headers: { 'content-type': undefined }, body: '' }), 415, 'ET_INGEST_UNSUPPORTED_MEDIA')
    expectError(await send({ headers: { 'content-type': 'application/xml' }, body: `<event>${CANARY}</event>` }), 415, 'ET_INGEST_UNSUPPORTED_MEDIA')
    expect(await storedCount('no-type')).toBe(0)
  })

  it('answers Content-Encoding br with 415 and a gzip body that does not inflate with 400 ET_INGEST_BAD_ENCODING', async () => {
    expectError(await send({ headers: { 'content-encoding': 'br' }, body: json('br') }), 415, 'ET_INGEST_UNSUPPORTED_MEDIA')
    expectError(await send({ headers: { 'content-encoding': 'gzip' }, body: json('not-gzip') }), 400, 'ET_INGEST_BAD_ENCODING')
    const truncated = gzipSync(json('truncated-gzip')).subarray(0, 20)
    expectError(await send({ headers: { 'content-encoding': 'gzip' }, body: truncated }), 400, 'ET_INGEST_BAD_ENCODING')
    expect(await storedCount('%gzip')).toBe(0)
  })

  it('answers a body that is not JSON with 400 ET_INGEST_INVALID_JSON', async () => {
    for (const body of [`{"identifier": "${CANARY}"`, `${CANARY}`, '', '\uFEFF{}', '{"a":1}{"b":2}']) {
      expectError(await send({ body }), 400, 'ET_INGEST_INVALID_JSON')
    }
    expectError(await send({ headers: { 'content-encoding': 'gzip' }, body: gzipSync(`[${CANARY}]`) }), 400, 'ET_INGEST_INVALID_JSON')
  })

  it('answers a body over 5 MiB with 413 ET_INGEST_TOO_LARGE', async () => {
    const events = Array.from({ length: 100 }, (_, i) => event(`big-${i}`, { request_body: 'x'.repeat(55_000) }))
    const body = JSON.stringify(events)
    expect(Buffer.byteLength(body)).toBeGreaterThan(WIRE_LIMITS.maxBatchBytes)
    expectError(await send({ body }), 413, 'ET_INGEST_TOO_LARGE')
    expect(await storedCount('big-%')).toBe(0)
  })

  it('answers a small gzip body that inflates past 5 MiB with 413 without inflating it all', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from('[{"identifier":"bomb","request_body":"'), Buffer.alloc(64 * 1024 * 1024, 'a'), Buffer.from('"}]')]))
    expect(bomb.length).toBeLessThan(128 * 1024)
    const started = performance.now()
    expectError(await send({ headers: { 'content-encoding': 'gzip' }, body: bomb }), 413, 'ET_INGEST_TOO_LARGE')
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(await storedCount('bomb')).toBe(0)
  })

  it('answers 1,001 events with 413 so SDKs split, and stores all 1,000 of a full batch', async () => {
    const over = Array.from({ length: WIRE_LIMITS.maxBatchEvents + 1 }, (_, i) => event(`over-${i}`))
    expectError(await send({ body: JSON.stringify(over) }), 413, 'ET_INGEST_TOO_LARGE')
    expectError(await send({ path: '/v1/audit/batch', body: JSON.stringify({ events: over }) }), 413, 'ET_INGEST_TOO_LARGE')
    expect(await storedCount('over-%')).toBe(0)

    const full = Array.from({ length: WIRE_LIMITS.maxBatchEvents }, (_, i) => event(`full-${i}`))
    const res = await send({ path: '/v1/audit/batch', body: gzipSync(JSON.stringify({ events: full })), headers: { 'content-encoding': 'gzip' } })
    expect(res.status).toBe(202)
    expect(JSON.parse(res.text)).toEqual({ accepted: 1000, duplicates: 0, rejected: [] })
    expect(await storedCount('full-%')).toBe(1000)
  })

  it('rejects an event over 64 KiB naming its size, alone with 400 and in a batch beside stored events', async () => {
    // The masker cuts single strings at 16 Ki characters, so the size comes from several.
    const huge = event('huge', { request_body: Array.from({ length: 8 }, () => `${CANARY}${'y'.repeat(10_000)}`) })
    const alone = expectError(await send({ body: JSON.stringify(huge) }), 400, 'ET_INGEST_INVALID')
    const sizeIssue = /^event is \d+ bytes as JSON, over the 65536 limit$/
    expect(alone.error.issues).toEqual([expect.objectContaining({ path: [], message: expect.stringMatching(sizeIssue) })])

    const res = await send({ path: '/v1/audit/batch', body: JSON.stringify({ events: [event('huge-neighbour-1'), huge, event('huge-neighbour-2')] }) })
    expect(res.status).toBe(202)
    expect(res.text).not.toContain(CANARY)
    const answer = JSON.parse(res.text) as { accepted: number; rejected: { index: number; issues: { message: string }[] }[] }
    expect(answer.accepted).toBe(2)
    expect(answer.rejected).toEqual([{ index: 1, issues: [expect.objectContaining({ message: expect.stringMatching(sizeIssue) })] }])
    expect(await storedCount('huge')).toBe(0)
    expect(await storedCount('huge-neighbour-%')).toBe(2)
  })

  it('rejects a service_name or action too long for its index, naming the field, without failing the rest of the commit', async () => {
    const long = `${CANARY}${'s'.repeat(3_000)}`
    const res = await send({
      path: '/v1/audit/batch',
      body: JSON.stringify({ events: [event('long-ok-1'), event('long-service', { service_name: long }), { action: long, identifier: 'long-action' }, event('long-ok-2')] }),
    })
    expect(res.status).toBe(202)
    expect(res.text).not.toContain(CANARY)
    const answer = JSON.parse(res.text) as { accepted: number; rejected: { index: number; issues: { path: string[] }[] }[] }
    expect(answer.accepted).toBe(2)
    expect(answer.rejected.map((r) => [r.index, r.issues.map((i) => i.path.join('.'))])).toEqual([
      [1, ['service_name']],
      [2, ['action']],
    ])
    expect(await storedCount('long-ok-%')).toBe(2)
  })

  it('answers headers over 16 KiB and a URL that does not decode in the error shape', async () => {
    const headers = await send({ headers: { 'x-api-key': `et_sk_${CANARY}${'k'.repeat(20_000)}` }, body: json('big-header') })
    expectError(headers, 431, 'ET_INGEST_HEADERS_TOO_LARGE')
    expectError(await send({ path: '/v1/%E0%A4%A', body: json('bad-url') }), 400, 'ET_INGEST_INVALID')
    expectError(await send({ path: '/v1/nowhere', body: json('nowhere') }), 404, 'ET_NOT_FOUND')
    // The server is unharmed.
    expect((await send({ body: json('after-bad-requests') })).status).toBe(202)
  })

  it('answers every kind of bad request in exactly the error shape, without stacks or submitted values', async () => {
    const cases: [string, RawRequest['body'], Record<string, string | undefined>, number][] = [
      ['wrong types', JSON.stringify({ path: 7, method: [CANARY], status_code: CANARY, environment: `${CANARY} !`, identifier: CANARY.repeat(20), timestamp: CANARY }), {}, 400],
      ['bad enum values', json('enums', { method: `BREW-${CANARY}`, category: CANARY, severity: CANARY, outcome: CANARY, source: CANARY, actor_type: CANARY }), {}, 400],
      ['bad event_id', json('id', { event_id: `${CANARY}-not-a-uuid` }), {}, 400],
      ['bad batch envelope', JSON.stringify({ events: CANARY }), {}, 400],
      ['unknown key', json('k'), { 'x-api-key': `et_sk_${CANARY}${'0'.repeat(20)}` }, 401],
      ['bearer without key', json('k'), { 'x-api-key': undefined, authorization: `Basic ${CANARY}` }, 401],
      ['xml', `<${CANARY}/>`, { 'content-type': 'application/xml' }, 415],
      ['form', `a=${CANARY}`, { 'content-type': 'application/x-www-form-urlencoded' }, 415],
      ['deflate', json('d'), { 'content-encoding': 'deflate' }, 415],
    ]
    for (const [name, body, headers, status] of cases) {
      const path = name === 'bad batch envelope' ? '/v1/audit/batch' : '/v1/audit'
      const res = await send({ path, body, headers })
      expect(res.status, `${name}: ${res.text.slice(0, 300)}`).toBe(status)
      expectErrorShape(res, name)
      expect(res.text, name).not.toContain(CANARY)
    }
  })
})
