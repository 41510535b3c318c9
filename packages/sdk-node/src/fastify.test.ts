import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { useAcceptingCollector } from '../test/support/msw-server'
import { echotrailFastify } from './fastify'

describe('the Fastify plugin', () => {
  const { options, sent } = useAcceptingCollector()

  async function appFor(service: string) {
    const app = Fastify()
    await app.register(echotrailFastify, options(service))
    app.get('/ok', async () => ({ ok: true }))
    app.get('/fail', async () => {
      throw new Error('nope')
    })
    return app
  }

  it('echoes the request id on answers, 404s and errors, and records it as the event id when none came in', async () => {
    const app = await appFor('fastify-unit-echo')
    const answers = await Promise.all(['/ok', '/missing', '/fail'].map((url) => app.inject({ method: 'GET', url })))
    expect(answers.map((r) => r.statusCode)).toEqual([200, 404, 500])
    const ids = answers.map((r) => r.headers['x-request-id'])
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    await app.echotrail.flush()
    await app.close()
    const events = sent('fastify-unit-echo')
    expect(events.map((e) => e.request_id).sort()).toEqual([...ids].sort())
    for (const e of events) expect(e.event_id).toBe(e.request_id)
  })

  it('echoes an incoming request id unchanged and gives the event its own id', async () => {
    const app = await appFor('fastify-unit-incoming')
    const res = await app.inject({ method: 'GET', url: '/ok', headers: { 'x-request-id': 'req-123' } })
    expect(res.headers['x-request-id']).toBe('req-123')
    await app.echotrail.flush()
    await app.close()
    const [event] = sent('fastify-unit-incoming')
    expect(event).toMatchObject({ request_id: 'req-123', route: '/ok', status_code: 200 })
    expect(event!.event_id).not.toBe('req-123')
  })

  it('gives handlers the record as request.echotrail, and undefined on paths it ignores', async () => {
    const app = Fastify()
    await app.register(echotrailFastify, options('fastify-unit-context'))
    app.get('/healthz', async (request) => ({ recorded: request.echotrail !== undefined }))
    app.get('/me', async (request) => {
      request.echotrail?.setUser({ identifier: 'u_1' })
      return { id: request.echotrail?.requestId }
    })
    const health = await app.inject({ method: 'GET', url: '/healthz' })
    const me = await app.inject({ method: 'GET', url: '/me' })
    expect(health.json()).toEqual({ recorded: false })
    expect(me.json()).toEqual({ id: me.headers['x-request-id'] })
    await app.echotrail.flush()
    await app.close()
    expect(sent('fastify-unit-context')).toEqual([expect.objectContaining({ path: '/me', identifier: 'u_1' })])
  })
})
