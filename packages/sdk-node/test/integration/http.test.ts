import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withEchotrail } from '@echotrail/node/http'
import type { SdkTestCollector } from '../support/collector'
import { startTestCollector } from '../support/collector'
import { SECRETS, close, containsNoSecret, listen, settle } from '../support/listen'

describe('the node:http adapter against the real collector', () => {
  let collector: SdkTestCollector
  beforeAll(async () => {
    collector = await startTestCollector()
  })
  afterAll(async () => {
    await collector?.destroy()
  })

  it('stores exactly one event per request with route, status, timing and user, secrets masked', async () => {
    const listener = withEchotrail(
      (req, res) => {
        if (req.url?.startsWith('/users/')) {
          let body = ''
          req.setEncoding('utf8')
          req.on('data', (chunk: string) => (body += chunk))
          req.on('end', () => {
            const parsed = body ? (JSON.parse(body) as Record<string, unknown>) : {}
            res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' })
            res.end(JSON.stringify({ ok: true, echoed: parsed.name ?? null, token: SECRETS.responseToken }))
          })
          return
        }
        res.writeHead(req.url === '/healthz' ? 200 : 404)
        res.end()
      },
      {
        apiKey: collector.apiKey,
        endpoint: collector.url,
        service: 'http-test',
        environment: 'test',
        flushIntervalMs: 100,
        captureRequestBody: true,
        captureResponseBody: true,
        captureHeaders: ['authorization', 'content-type'],
        route: (req) => (req.url?.startsWith('/users/') ? '/users/:id' : undefined),
        identify: (req) => ({ identifier: String(req.headers['x-user'] ?? 'anonymous'), user_email: 'ada@example.com', user_roles: ['admin'], tenant_id: 't-1' }),
      },
    )
    const server = createServer(listener)
    const base = await listen(server)
    const n = 12
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${base}/users/${i}?token=${SECRETS.query}&page=${i}`, {
        method: i % 2 === 0 ? 'POST' : 'GET',
        headers: { authorization: SECRETS.header, 'x-user': `user-${i}`, 'content-type': 'application/json' },
        ...(i % 2 === 0 ? { body: JSON.stringify({ name: `n${i}`, password: SECRETS.bodyPassword }) } : {}),
      })
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
      await res.arrayBuffer()
    }
    await fetch(`${base}/healthz`).then((r) => r.arrayBuffer())
    await settle()
    await listener.client.flush()
    const events = await collector.waitForEvents(n)
    expect(listener.client.stats()).toMatchObject({ sent: n, dropped: 0, failures: 0 })
    await close(server)
    await listener.client.shutdown()

    expect(events.map((e) => e.path).sort()).toEqual(Array.from({ length: n }, (_, i) => `/users/${i}`).sort())
    expect(events).toHaveLength(n)
    const byPath = new Map(events.map((e) => [e.path, e]))
    for (let i = 0; i < n; i++) {
      const e = byPath.get(`/users/${i}`)!
      expect(e).toMatchObject({
        method: i % 2 === 0 ? 'POST' : 'GET',
        route: '/users/:id',
        status_code: i % 2 === 0 ? 201 : 200,
        identifier: `user-${i}`,
        user_email: 'ada@example.com',
        user_roles: ['admin'],
        tenant_id: 't-1',
        service_name: 'http-test',
        environment: 'test',
        source: 'backend',
      })
      expect(e.response_time).toBeGreaterThanOrEqual(0)
      expect(e.request_id).toMatch(/^[0-9a-f-]{36}$/)
      expect(e.query_params).toEqual({ token: '********', page: String(i) })
      if (i % 2 === 0) expect(e.request_body).toEqual({ name: `n${i}`, password: '********' })
      expect(e.response_body).toMatchObject({ ok: true, token: '********' })
      expect(e.metadata?.request_headers).toMatchObject({ authorization: '********', 'content-type': 'application/json' })
      expect(containsNoSecret(e)).toBe(true)
    }
  })

  it('keeps the request id the client sent and records the error of a rejected handler', async () => {
    const listener = withEchotrail(
      async (_req, res) => {
        res.statusCode = 500
        res.end('boom')
        throw new Error('handler exploded')
      },
      { apiKey: collector.apiKey, endpoint: collector.url, flushIntervalMs: 50 },
    )
    const rejections: unknown[] = []
    const onRejection = (err: unknown) => rejections.push(err)
    process.on('unhandledRejection', onRejection)
    const server = createServer(listener)
    const base = await listen(server)
    const res = await fetch(`${base}/fail`, { headers: { 'x-request-id': 'req-abc-123' } })
    expect(res.status).toBe(500)
    expect(res.headers.get('x-request-id')).toBe('req-abc-123')
    await res.arrayBuffer()
    await close(server)
    await settle()
    await listener.client.shutdown()
    process.off('unhandledRejection', onRejection)
    const stored = (await collector.events()).find((e) => e.request_id === 'req-abc-123')
    expect(stored).toMatchObject({ path: '/fail', status_code: 500, error_message: 'Error: handler exploded' })
    expect(rejections).toHaveLength(1)
  })
})
