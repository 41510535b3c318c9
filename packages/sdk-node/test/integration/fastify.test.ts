import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { echotrailFastify } from '@echotrail/node/fastify'
import type { SdkTestCollector } from '../support/collector'
import { startTestCollector } from '../support/collector'
import { SECRETS, containsNoSecret, settle } from '../support/listen'

describe('the Fastify plugin against the real collector', () => {
  let collector: SdkTestCollector
  beforeAll(async () => {
    collector = await startTestCollector()
  })
  afterAll(async () => {
    await collector?.destroy()
  })

  const base = (service: string) => ({ apiKey: collector.apiKey, endpoint: collector.url, service, environment: 'test', flushIntervalMs: 50, logger: () => {} })

  it('stores one event per request with the route template from the route config, secrets masked at rest', async () => {
    const app = Fastify()
    await app.register(echotrailFastify, {
      ...base('fastify-crud'),
      captureRequestBody: true,
      captureResponseBody: true,
      captureHeaders: ['authorization'],
      identify: (request) => ({ identifier: String(request.headers['x-user']), user_type: 'admin' }),
    })
    await app.register(
      async (scoped) => {
        scoped.get<{ Params: { id: string } }>('/items/:id', async (request) => ({ id: request.params.id, secret: SECRETS.responseToken }))
        scoped.post('/items', async (request, reply) => reply.code(201).send({ got: (request.body as { name: string }).name }))
      },
      { prefix: '/v2' },
    )
    app.get('/healthz', async () => 'ok')
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const n = 8
    for (let i = 0; i < n; i++) {
      const post = i % 2 === 0
      const res = await fetch(post ? `${url}/v2/items?password=${SECRETS.query}` : `${url}/v2/items/${i}?password=${SECRETS.query}`, {
        method: post ? 'POST' : 'GET',
        headers: { authorization: SECRETS.header, 'x-user': `f${i}`, ...(post ? { 'content-type': 'application/json' } : {}) },
        ...(post ? { body: JSON.stringify({ name: `n${i}`, password: SECRETS.bodyPassword }) } : {}),
      })
      expect(res.status).toBe(post ? 201 : 200)
      expect(res.headers.get('x-request-id')).toBeTruthy()
      await res.arrayBuffer()
    }
    await fetch(`${url}/healthz`).then((r) => r.text())
    await settle()
    const client = app.echotrail
    await app.close()
    expect(client.stats()).toMatchObject({ sent: n, dropped: 0, queued: 0, failures: 0 })
    const events = (await collector.waitForEvents(n)).filter((e) => e.service_name === 'fastify-crud')
    expect(events).toHaveLength(n)
    for (const e of events) {
      const i = Number(String(e.identifier).slice(1))
      const post = i % 2 === 0
      expect(e).toMatchObject({
        method: post ? 'POST' : 'GET',
        route: post ? '/v2/items' : '/v2/items/:id',
        status_code: post ? 201 : 200,
        user_type: 'admin',
        query_params: { password: '********' },
        metadata: { request_headers: { authorization: '********' } },
      })
      if (post) expect(e.request_body).toEqual({ name: `n${i}`, password: '********' })
      else expect(e).toMatchObject({ path_params: { id: String(i) }, response_body: { id: String(i), secret: '********' } })
      expect(containsNoSecret(e)).toBe(true)
    }
  })

  it('records a thrown route error and answers as Fastify does without the plugin', async () => {
    const build = async (withSdk: boolean) => {
      const app = Fastify()
      if (withSdk) await app.register(echotrailFastify, { ...base('fastify-errors'), identify: () => { throw new Error('boom in identify') } })
      app.get('/fail', async () => {
        throw new RangeError('quota exceeded')
      })
      return app
    }
    const answers = []
    let client
    for (const withSdk of [false, true]) {
      const app = await build(withSdk)
      const res = await app.inject({ method: 'GET', url: '/fail' })
      answers.push({ status: res.statusCode, body: res.body })
      if (withSdk) client = app.echotrail
      await settle()
      await app.close()
    }
    expect(answers[1]).toEqual(answers[0])
    expect(client!.stats().failuresBySite).toEqual({ 'capture.identify': 1 })
    const stored = (await collector.events()).filter((e) => e.service_name === 'fastify-errors')
    expect(stored).toEqual([expect.objectContaining({ route: '/fail', status_code: 500, error_message: 'RangeError: quota exceeded' })])
  })
})
