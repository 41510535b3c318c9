import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { echotrailHono, withEchotrail } from '@echotrail/node/fetch'
import type { SdkTestCollector } from '../support/collector'
import { startTestCollector } from '../support/collector'
import { SECRETS, containsNoSecret, settle } from '../support/listen'

describe('the fetch adapters against the real collector', () => {
  let collector: SdkTestCollector
  beforeAll(async () => {
    collector = await startTestCollector()
  })
  afterAll(async () => {
    await collector?.destroy()
  })
  const base = (service: string) => ({ apiKey: collector.apiKey, endpoint: collector.url, service, environment: 'test', flushIntervalMs: 50, logger: () => {} })

  it('records a wrapped (Request) => Response handler and hands the flush to waitUntil', async () => {
    const handler = withEchotrail(
      async (request: Request, _env: unknown, _ctx: { waitUntil(p: Promise<unknown>): void }) => {
        const body = (await request.json()) as { name: string }
        return Response.json({ hello: body.name, refresh_token: SECRETS.responseToken }, { status: 201 })
      },
      {
        ...base('fetch-handler'),
        captureRequestBody: true,
        captureResponseBody: true,
        route: () => '/greet',
        identify: (request) => ({ identifier: request.headers.get('x-user') ?? undefined }),
      },
    )
    const pending: Promise<unknown>[] = []
    const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p) }
    const n = 5
    for (let i = 0; i < n; i++) {
      const request = new Request(`http://worker.test/greet?token=${SECRETS.query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user': `w${i}` },
        body: JSON.stringify({ name: `n${i}`, password: SECRETS.bodyPassword }),
      })
      const response = await handler(request, {}, ctx)
      expect(response.status).toBe(201)
      expect(await response.json()).toEqual({ hello: `n${i}`, refresh_token: SECRETS.responseToken })
    }
    expect(pending).toHaveLength(n)
    await Promise.all(pending)
    expect(handler.client.stats()).toMatchObject({ sent: n, queued: 0 })
    await handler.client.shutdown()
    const events = (await collector.events()).filter((e) => e.service_name === 'fetch-handler')
    expect(events).toHaveLength(n)
    for (const e of events) {
      expect(e).toMatchObject({ method: 'POST', path: '/greet', route: '/greet', status_code: 201, query_params: { token: '********' } })
      expect(e.request_body).toMatchObject({ password: '********' })
      expect(e.response_body).toMatchObject({ refresh_token: '********' })
      expect(containsNoSecret(e)).toBe(true)
    }
  })

  it('works as Hono middleware with the route template of the answering route', async () => {
    const app = new Hono()
    const mw = echotrailHono({ ...base('hono-app'), captureRequestBody: true, identify: (request) => ({ identifier: request.headers.get('x-user') ?? 'anon', tenant_id: 'h' }) })
    app.use(mw)
    app.get('/books/:id', (c) => c.json({ id: c.req.param('id') }))
    app.post('/books', async (c) => c.json(await c.req.json(), 201))
    app.get('/boom', () => {
      throw new Error('hono failure')
    })
    app.onError((_err, c) => c.text('internal error', 500))
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((r) => server.once('listening', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const n = 6
    for (let i = 0; i < n; i++) {
      const post = i % 3 === 0
      const res = await fetch(post ? `${url}/books` : `${url}/books/${i}`, {
        method: post ? 'POST' : 'GET',
        headers: { 'x-user': `h${i}`, 'content-type': 'application/json' },
        ...(post ? { body: JSON.stringify({ title: 't', api_key: SECRETS.bodyPassword }) } : {}),
      })
      expect(res.status).toBe(post ? 201 : 200)
      await res.arrayBuffer()
    }
    const boom = await fetch(`${url}/boom`)
    expect(boom.status).toBe(500)
    await boom.arrayBuffer()
    await settle()
    await mw.client.shutdown()
    await new Promise((r) => server.close(r))
    const events = (await collector.events()).filter((e) => e.service_name === 'hono-app')
    expect(events).toHaveLength(n + 1)
    const books = events.filter((e) => e.path !== '/boom')
    for (const e of books) {
      const post = e.method === 'POST'
      expect(e).toMatchObject({ route: post ? '/books' : '/books/:id', status_code: post ? 201 : 200, tenant_id: 'h', ip: '127.0.0.1' })
      if (post) expect(e.request_body).toEqual({ title: 't', api_key: '********' })
      else expect(e.path_params).toEqual({ id: String(e.path).split('/')[2] })
    }
    expect(events.find((e) => e.path === '/boom')).toMatchObject({ route: '/boom', status_code: 500, error_message: 'Error: hono failure' })
  })
})
