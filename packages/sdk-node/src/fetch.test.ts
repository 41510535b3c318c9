import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { useAcceptingCollector } from '../test/support/msw-server'
import { echotrailHono, withEchotrail } from './fetch'
import { echotrailMiddleware, withEchotrail as withEchotrailNext } from './next'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('the request id echo of the fetch adapters', () => {
  const { options, sent } = useAcceptingCollector()

  it('sets the id of the recorded event on the Response of a wrapped handler', async () => {
    const handler = withEchotrail(() => Response.json({ ok: true }), options('fetch-echo'))
    const response = await handler(new Request('http://app.test/ok'))
    const id = response.headers.get('x-request-id')
    expect(id).toMatch(UUID_V7)
    expect(await response.json()).toEqual({ ok: true })
    await handler.client.shutdown()
    expect(sent('fetch-echo')).toEqual([expect.objectContaining({ request_id: id, event_id: id })])
  })

  it('echoes an incoming id, keeps one the app set, and stays silent when echoRequestId is false', async () => {
    const handler = withEchotrail(
      (request: Request) => (request.url.endsWith('/own') ? new Response('x', { headers: { 'x-request-id': 'app-chose' } }) : new Response('x')),
      options('fetch-echo-rules'),
    )
    const incoming = await handler(new Request('http://app.test/a', { headers: { 'x-request-id': 'from-proxy' } }))
    const own = await handler(new Request('http://app.test/own'))
    expect(incoming.headers.get('x-request-id')).toBe('from-proxy')
    expect(own.headers.get('x-request-id')).toBe('app-chose')
    await handler.client.shutdown()
    const silent = withEchotrail(() => new Response('x'), { ...options('fetch-echo-off'), echoRequestId: false })
    expect((await silent(new Request('http://app.test/a'))).headers.has('x-request-id')).toBe(false)
    await silent.client.shutdown()
  })

  it('copies a Response whose headers are immutable (a redirect, a proxied fetch) to set the id', async () => {
    const handler = withEchotrail(() => Response.redirect('http://elsewhere.test/next', 307), options('fetch-echo-immutable'))
    const response = await handler(new Request('http://app.test/go'))
    expect(response.status).toBe(307)
    expect(response.headers.get('location')).toBe('http://elsewhere.test/next')
    expect(response.headers.get('x-request-id')).toMatch(UUID_V7)
    await handler.client.shutdown()
  })

  it('sets the id on every Hono answer: a route, a 404 and an error', async () => {
    const middleware = echotrailHono(options('hono-echo'))
    const app = new Hono()
    app.use(middleware)
    app.get('/ok', (c) => c.json({ ok: true }))
    app.get('/fail', () => {
      throw new Error('nope')
    })
    const answers = await Promise.all(['/ok', '/missing', '/fail'].map((path) => app.request(path)))
    expect(answers.map((r) => r.status)).toEqual([200, 404, 500])
    const ids = answers.map((r) => r.headers.get('x-request-id'))
    for (const id of ids) expect(id).toMatch(UUID_V7)
    await new Promise((resolve) => setTimeout(resolve, 20))
    await middleware.client.shutdown()
    expect(sent('hono-echo').map((e) => e.request_id).sort()).toEqual([...ids].sort())
  })

  it('sets the id on Next route handler answers and on middleware answers, not on "continue"', async () => {
    const GET = withEchotrailNext(() => Response.json({ ok: true }), { ...options('next-echo'), route: '/api/ok' })
    const routed = await GET(new Request('http://app.test/api/ok'), {})
    expect(routed.headers.get('x-request-id')).toMatch(UUID_V7)
    const middleware = echotrailMiddleware((request: Request) => (request.url.endsWith('/blocked') ? new Response('no', { status: 403 }) : undefined), options('next-echo'))
    const blocked = await middleware(new Request('http://app.test/blocked'), {})
    expect(blocked).toBeInstanceOf(Response)
    expect((blocked as Response).headers.get('x-request-id')).toMatch(UUID_V7)
    // Its own object back, even when its headers cannot change.
    const redirect = Response.redirect('http://app.test/login', 307)
    const redirecting = echotrailMiddleware(() => redirect, options('next-echo'))
    expect(await redirecting(new Request('http://app.test/admin'), {})).toBe(redirect)
    await redirecting.client.shutdown()
    expect(await middleware(new Request('http://app.test/open'), {})).toBeUndefined()
    await Promise.all([GET.client.shutdown(), middleware.client.shutdown()])
  })
})
