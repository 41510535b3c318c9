import express5 from 'express'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { echotrail, echotrailErrorHandler } from '@echotrail/express'
import type { ExpressOptions } from '@echotrail/express'
import type { SdkTestCollector } from '../../../sdk-node/test/support/collector'
import { startTestCollector } from '../../../sdk-node/test/support/collector'
import { SECRETS, close, containsNoSecret, listen, settle } from '../../../sdk-node/test/support/listen'

const express4 = createRequire(import.meta.url)('express4') as typeof express5

let collector: SdkTestCollector
beforeAll(async () => {
  collector = await startTestCollector()
})
afterAll(async () => {
  await collector?.destroy()
})

describe.each([
  ['Express 5', express5],
  ['Express 4', express4],
])('the middleware on %s against the real collector', (name, express) => {
  const service = `express-${name.slice(-1)}`
  const options = (extra: Partial<ExpressOptions> = {}): ExpressOptions =>
    ({ apiKey: collector.apiKey, endpoint: collector.url, service, environment: 'test', flushIntervalMs: 50, logger: () => {}, ...extra }) as ExpressOptions

  async function serve(app: ReturnType<typeof express5>) {
    const server = createServer(app)
    return { base: await listen(server), stop: () => close(server) }
  }

  /** Stops the app, delivers what the middleware holds, and returns the events the collector stored for `serviceName`. */
  async function storedAfter(stop: () => Promise<void>, mw: { client: { shutdown(): Promise<unknown> } }, serviceName: string) {
    await stop()
    await settle()
    await mw.client.shutdown()
    return (await collector.events()).filter((e) => e.service_name === serviceName)
  }

  it('stores one event per request with the route template, status, timing and user, secrets masked at rest', async () => {
    const mw = echotrail(
      options({
        service: `${service}-crud`,
        captureRequestBody: true,
        captureResponseBody: true,
        captureHeaders: ['authorization'],
        identify: (req) => ({ identifier: String(req.headers['x-user']), user_roles: ['editor'] }),
      }),
    )
    const app = express()
    app.use(mw)
    app.use(express.json())
    const api = express.Router()
    api.get('/users/:id', (req, res) => {
      req.echotrail?.setUser({ user_email: `${req.params.id}@example.com`, tenant_id: 'acme' })
      res.json({ id: req.params.id, token: SECRETS.responseToken })
    })
    api.post('/users', (req, res) => res.status(201).json({ created: (req.body as { name: string }).name }))
    app.use('/api', api)
    const { base, stop } = await serve(app)
    const n = 10
    for (let i = 0; i < n; i++) {
      const post = i % 2 === 1
      const res = await fetch(post ? `${base}/api/users?api_key=${SECRETS.query}` : `${base}/api/users/${i}?api_key=${SECRETS.query}`, {
        method: post ? 'POST' : 'GET',
        headers: { authorization: SECRETS.header, 'x-user': `u${i}`, 'content-type': 'application/json' },
        ...(post ? { body: JSON.stringify({ name: `n${i}`, password: SECRETS.bodyPassword }) } : {}),
      })
      expect(res.status).toBe(post ? 201 : 200)
      await res.arrayBuffer()
    }
    await stop()
    await settle()
    await mw.client.shutdown()
    const events = (await collector.waitForEvents(n)).filter((e) => e.service_name === `${service}-crud`)
    expect(events).toHaveLength(n)
    for (const e of events) {
      const i = Number(String(e.identifier).slice(1))
      const post = i % 2 === 1
      expect(e).toMatchObject({
        method: post ? 'POST' : 'GET',
        path: post ? '/api/users' : `/api/users/${i}`,
        route: post ? '/api/users' : '/api/users/:id',
        status_code: post ? 201 : 200,
        user_roles: ['editor'],
        query_params: { api_key: '********' },
        metadata: expect.objectContaining({ request_headers: { authorization: '********' } }),
      })
      expect(e.response_time).toBeTypeOf('number')
      if (post) expect(e.request_body).toEqual({ name: `n${i}`, password: '********' })
      else expect(e).toMatchObject({ user_email: `${i}@example.com`, tenant_id: 'acme', path_params: { id: String(i) }, response_body: { token: '********' } })
      expect(containsNoSecret(e)).toBe(true)
    }
  })

  it.each([false, true])('streams an SSE response unchanged with body capture %s', async (captureOn) => {
    const mw = echotrail(options({ service: `${service}-sse-${captureOn}`, captureResponseBody: captureOn, captureRequestBody: captureOn }))
    const app = express()
    app.use(mw)
    const sent: string[] = []
    app.get('/events', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      let i = 0
      const timer = setInterval(() => {
        const chunk = `id: ${i}\ndata: {"n":${i},"pad":"${'x'.repeat(i * 500)}"}\n\n`
        sent.push(chunk)
        res.write(chunk)
        if (++i === 6) {
          clearInterval(timer)
          res.end()
        }
      }, 20)
    })
    const { base, stop } = await serve(app)
    const res = await fetch(`${base}/events`)
    const arrivals: number[] = []
    const decoder = new TextDecoder()
    let received = ''
    for await (const chunk of res.body!) {
      arrivals.push(Date.now())
      received += decoder.decode(chunk, { stream: true })
    }
    expect(received).toBe(sent.join(''))
    // Streamed as written, not buffered to the end.
    expect(arrivals.length).toBeGreaterThan(3)
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(50)
    const stored = await storedAfter(stop, mw, `${service}-sse-${captureOn}`)
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ path: '/events', route: '/events', status_code: 200 })
    expect(stored[0]!.response_body === undefined).toBe(!captureOn)
  })

  it('answers exactly as without the SDK when identify throws, and counts the failure', async () => {
    const logged: unknown[] = []
    const mw = echotrail(
      options({
        service: `${service}-throwing`,
        logger: (_message, error) => logged.push(error),
        identify: () => {
          throw new Error('identify exploded')
        },
      }),
    )
    const build = (withSdk: boolean) => {
      const app = express()
      if (withSdk) app.use(mw)
      app.get('/me', (_req, res) => res.set('x-app', 'yes').json({ hello: 'world' }))
      return app
    }
    const plain = await serve(build(false))
    const wrapped = await serve(build(true))
    const bodies: string[] = []
    for (const { base } of [plain, wrapped]) {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${base}/me`)
        expect(res.status).toBe(200)
        expect(res.headers.get('x-app')).toBe('yes')
        bodies.push(await res.text())
      }
    }
    expect(new Set(bodies)).toEqual(new Set(['{"hello":"world"}']))
    await plain.stop()
    await wrapped.stop()
    await settle()
    expect(mw.client.stats().failuresBySite).toEqual({ 'capture.identify': 3 })
    expect(logged).toHaveLength(1)
    await mw.client.shutdown()
    // The request is still recorded, without user fields.
    const stored = (await collector.events()).filter((e) => e.service_name === `${service}-throwing`)
    expect(stored).toHaveLength(3)
    expect(stored.every((e) => e.identifier === undefined)).toBe(true)
  })

  it('hands req.echotrail and body capture to a mounted sub-app without wrapping methods on req or res or adding properties to them', async () => {
    const mw = echotrail(options({ service: `${service}-subapp`, captureRequestBody: true, captureResponseBody: true }))
    const app = express()
    app.use(mw)
    const admin = express()
    admin.use(express.json())
    const seen: { ownProperties: string[]; requestId: string | undefined }[] = []
    admin.post('/tenants/:id', (req, res) => {
      const own = [...['echotrail', 'emit'].filter((key) => Object.hasOwn(req, key)), ...['write', 'end'].filter((key) => Object.hasOwn(res, key))]
      // Nor any property of ours: req and res have hidden classes of their own on Express.
      const ours = (o: object) => Object.getOwnPropertySymbols(o).filter((s) => s.description?.startsWith('echotrail'))
      own.push(...[...ours(req), ...ours(res)].map(String))
      seen.push({ ownProperties: own, requestId: req.echotrail?.requestId })
      req.echotrail?.setUser({ identifier: `admin-${req.params.id}` })
      res.json({ ok: true, password: 'hunter2' })
    })
    app.use('/admin', admin)
    const { base, stop } = await serve(app)
    const res = await fetch(`${base}/admin/tenants/9`, {
      method: 'POST',
      headers: { 'x-request-id': 'req-sub-1', 'content-type': 'application/json' },
      body: JSON.stringify({ plan: 'pro', secret: 's3' }),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBe('req-sub-1')
    await res.arrayBuffer()
    const stored = await storedAfter(stop, mw, `${service}-subapp`)
    expect(seen).toEqual([{ ownProperties: [], requestId: 'req-sub-1' }])
    expect(stored).toEqual([
      expect.objectContaining({
        route: '/admin/tenants/:id',
        identifier: 'admin-9',
        request_id: 'req-sub-1',
        request_body: { plan: 'pro', secret: '********' },
        response_body: { ok: true, password: '********' },
      }),
    ])
  })

  it('records a request whose client went away before the response was complete', async () => {
    const mw = echotrail(options({ service: `${service}-aborted` }))
    const app = express()
    app.use(mw)
    let answered!: () => void
    const handled = new Promise<void>((resolve) => (answered = resolve))
    app.get('/slow', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('part one')
      // Ends long after the client gave up.
      setTimeout(() => {
        res.end()
        answered()
      }, 300)
    })
    const { base, stop } = await serve(app)
    const aborter = new AbortController()
    const res = await fetch(`${base}/slow`, { signal: aborter.signal })
    expect(res.status).toBe(200)
    aborter.abort()
    await handled
    const stored = await storedAfter(stop, mw, `${service}-aborted`)
    expect(stored).toEqual([
      expect.objectContaining({ path: '/slow', status_code: 200, error_message: 'Error: the connection closed before the response was complete' }),
    ])
  })

  it('keeps a req.echotrail the app assigned itself', async () => {
    const mw = echotrail(options({ service: `${service}-assigned` }))
    const app = express()
    app.use(mw)
    const mine = { requestId: 'mine', setUser() {}, setRoute() {}, setError() {} }
    app.get('/x', (req, res) => {
      req.echotrail = mine
      res.json({ same: req.echotrail === mine })
    })
    const { base, stop } = await serve(app)
    const res = await fetch(`${base}/x`)
    expect(await res.json()).toEqual({ same: true })
    await stop()
    await mw.client.shutdown()
  })

  it('records every request of an app that replaces res.locals, with the user set afterwards', async () => {
    const mw = echotrail(options({ service: `${service}-locals`, captureResponseBody: true }))
    const app = express()
    app.use(mw)
    // Some apps and view layers start each request with fresh locals.
    app.use((_req, res, next) => {
      res.locals = { page: 'orders' }
      next()
    })
    app.get('/orders/:id', (req, res) => {
      req.echotrail?.setUser({ identifier: `u${req.params.id}` })
      res.json({ id: req.params.id, page: res.locals.page })
    })
    const { base, stop } = await serve(app)
    const n = 5
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${base}/orders/${i}`)
      expect(await res.json()).toEqual({ id: String(i), page: 'orders' })
    }
    const stored = await storedAfter(stop, mw, `${service}-locals`)
    expect(stored).toHaveLength(n)
    for (const e of stored) {
      expect(e).toMatchObject({ route: '/orders/:id', status_code: 200, identifier: `u${String(e.path).split('/').at(-1)}` })
    }
  })

  it('records the error of a failing route through echotrailErrorHandler', async () => {
    const mw = echotrail(options({ service: `${service}-errors` }))
    const app = express()
    app.use(mw)
    app.get('/orders/:id', () => {
      throw new TypeError('order service unavailable')
    })
    app.use(echotrailErrorHandler())
    app.use(((_err, _req, res, _next) => {
      res.status(503).json({ error: 'try later' })
    }) as express5.ErrorRequestHandler)
    const { base, stop } = await serve(app)
    const res = await fetch(`${base}/orders/7`)
    expect(res.status).toBe(503)
    await res.arrayBuffer()
    const stored = await storedAfter(stop, mw, `${service}-errors`)
    expect(stored).toEqual([
      expect.objectContaining({ route: '/orders/:id', status_code: 503, error_message: 'TypeError: order service unavailable' }),
    ])
  })
})
