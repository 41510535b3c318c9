import { describe, expect, it } from 'vitest'
import { useAcceptingCollector } from '../test/support/msw-server'
import { echotrailMiddleware, withEchotrail } from './next'

describe('the Next.js adapters', () => {
  const { options, sent } = useAcceptingCollector()
  const params = (id: string) => ({ params: Promise.resolve({ id }) })

  it('records method, path, route template, path parameters and status of a route handler', async () => {
    const GET = withEchotrail(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => Response.json({ id: (await params).id }, { status: 203 }), {
      ...options('next-unit-route'),
      route: '/api/users/[id]',
    })
    const pending: Promise<unknown>[] = []
    // Next passes `{ params }`; a platform may add `waitUntil`, which wins over after().
    const context = { ...params('42'), waitUntil: (p: Promise<unknown>) => void pending.push(p) }
    const response = await GET(new Request('http://app.test/api/users/42?expand=teams'), context)
    expect(response.status).toBe(203)
    expect(await response.json()).toEqual({ id: '42' })
    expect(pending).toHaveLength(1)
    await Promise.all(pending)
    expect(sent('next-unit-route')).toEqual([
      expect.objectContaining({ method: 'GET', path: '/api/users/42', route: '/api/users/[id]', path_params: { id: '42' }, status_code: 203, query_params: { expand: 'teams' } }),
    ])
    await GET.client.shutdown()
  })

  it('returns the handler’s Response object unread when body capture is off', async () => {
    const original = new Response('streamed text', { headers: { 'content-type': 'text/plain' } })
    const GET = withEchotrail(() => original, options('next-unit-unread'))
    const response = await GET(new Request('http://app.test/plain'), params('x'))
    expect(response).toBe(original)
    expect(response.bodyUsed).toBe(false)
    expect(await response.text()).toBe('streamed text')
    await GET.client.shutdown()
  })

  it('rethrows the handler’s error and records the request as a 500 with its message', async () => {
    const POST = withEchotrail(
      () => {
        throw new TypeError('bad input')
      },
      { ...options('next-unit-error'), route: '/api/users/[id]' },
    )
    await expect(POST(new Request('http://app.test/api/users/7', { method: 'POST' }), params('7'))).rejects.toThrow('bad input')
    expect(await POST.client.flush()).toBe(true)
    expect(sent('next-unit-error')).toEqual([expect.objectContaining({ method: 'POST', status_code: 500, route: '/api/users/[id]', error_message: 'TypeError: bad input' })])
    await POST.client.shutdown()
  })

  it('leaves delivery to the client outside a Next request scope, without counting a failure', async () => {
    const GET = withEchotrail(() => new Response(null, { status: 204 }), { ...options('next-unit-timer'), flushIntervalMs: 20 })
    await GET(new Request('http://app.test/ping'), params('p'))
    for (let i = 0; i < 100 && sent('next-unit-timer').length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    expect(sent('next-unit-timer')).toEqual([expect.objectContaining({ path: '/ping', status_code: 204 })])
    expect(GET.client.stats().failures).toBe(0)
    await GET.client.shutdown()
  })

  it('keeps answering and counts the failure when a route function throws', async () => {
    const GET = withEchotrail(() => new Response('ok'), {
      ...options('next-unit-hook'),
      route: () => {
        throw new Error('route lookup failed')
      },
    })
    const response = await GET(new Request('http://app.test/hook'), params('h'))
    expect(await response.text()).toBe('ok')
    expect(await GET.client.flush()).toBe(true)
    expect(GET.client.stats().failuresBySite).toMatchObject({ 'next.end': 1 })
    expect(sent('next-unit-hook')).toEqual([expect.objectContaining({ path: '/hook', status_code: 200 })])
    await GET.client.shutdown()
  })

  it('returns the middleware’s result unchanged and records its status, 200 when it continues', async () => {
    const redirect = Response.redirect('http://app.test/login', 307)
    const middleware = echotrailMiddleware((request: Request) => (request.url.endsWith('/admin') ? redirect : undefined), {
      ...options('next-unit-middleware'),
      route: (request) => new URL(request.url).pathname,
    })
    const pending: Promise<unknown>[] = []
    const event = { waitUntil: (p: Promise<unknown>) => void pending.push(p) }
    expect(await middleware(new Request('http://app.test/admin'), event)).toBe(redirect)
    expect(await middleware(new Request('http://app.test/home', { method: 'DELETE' }), event)).toBeUndefined()
    expect(pending).toHaveLength(2)
    await Promise.all(pending)
    const events = sent('next-unit-middleware')
    expect(events).toHaveLength(2)
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'GET', path: '/admin', route: '/admin', status_code: 307 }),
        expect.objectContaining({ method: 'DELETE', path: '/home', route: '/home', status_code: 200 }),
      ]),
    )
    await middleware.client.shutdown()
  })
})
