import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { apiUrl, createFetchTransport, KEEPALIVE_BUDGET_BYTES, retryAfterMs } from './transport'

const ENDPOINT = 'http://collector.test'
const KEY = 'et_pk_abcdefghijklmnopqrstuvwxyz'
const server = setupServer()
const seen: Request[] = []

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  seen.length = 0
})
afterAll(() => server.close())

const batch = (body = '{"events":[{"path":"/a","method":"GET","status_code":200}]}') => ({ body, events: 1, bytes: body.length })
const answer = (respond: () => Response) =>
  server.use(
    http.post(`${ENDPOINT}/v1/audit/batch`, ({ request }) => {
      seen.push(request.clone())
      return respond()
    }),
  )
const transport = () => createFetchTransport(apiUrl({ endpoint: ENDPOINT, publishableKey: KEY }, 'batch'), (...args) => fetch(...args))

describe('createFetchTransport', () => {
  it('posts the batch as a CORS-simple text/plain body with the key in the query string', async () => {
    answer(() => HttpResponse.json({ accepted: 1 }, { status: 202 }))
    const outcome = await transport().send(batch(), new AbortController().signal)
    expect(outcome).toEqual({ ok: true, status: 202 })
    const request = seen[0]!
    expect(new URL(request.url).searchParams.get('key')).toBe(KEY)
    expect(request.headers.get('content-type')).toBe('text/plain')
    expect(request.headers.get('x-api-key')).toBeNull()
    expect(await request.text()).toBe(batch().body)
  })

  it('reports the positions of events a 202 answer rejected', async () => {
    answer(() => HttpResponse.json({ accepted: 1, duplicates: 0, rejected: [{ index: 0, issues: [] }] }, { status: 202 }))
    const outcome = await transport().send(batch(), new AbortController().signal)
    expect(outcome).toEqual({ ok: true, status: 202, rejected: [0] })
  })

  it('reports the status and Retry-After of a refused send', async () => {
    answer(() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '7' } }))
    expect(await transport().send(batch(), new AbortController().signal)).toEqual({ ok: false, status: 429, retryAfterMs: 7_000 })
  })

  it('reports a final refusal without Retry-After as a plain status', async () => {
    answer(() => HttpResponse.json({ error: { code: 'ET_AUTH_ORIGIN_NOT_ALLOWED' } }, { status: 403 }))
    expect(await transport().send(batch(), new AbortController().signal)).toEqual({ ok: false, status: 403 })
  })

  it('turns a network error into an outcome without a status instead of throwing', async () => {
    answer(() => HttpResponse.error())
    const outcome = await transport().send(batch(), new AbortController().signal)
    expect(outcome.ok).toBe(false)
    expect('status' in outcome && outcome.status).toBeFalsy()
  })

  it('stops when its signal aborts', async () => {
    answer(() => HttpResponse.json({}, { status: 202 }))
    const controller = new AbortController()
    controller.abort()
    const outcome = await transport().send(batch(), controller.signal)
    expect(outcome.ok).toBe(false)
  })

  it('asks for keepalive only while the body fits the 64 KiB keepalive budget', async () => {
    const calls: RequestInit[] = []
    const spy = createFetchTransport(apiUrl({ endpoint: ENDPOINT, publishableKey: KEY }, 'batch'), async (_url, init) => {
      calls.push(init!)
      return new Response(null, { status: 202 })
    })
    await spy.send(batch(), new AbortController().signal)
    const big = 'x'.repeat(KEEPALIVE_BUDGET_BYTES + 1)
    await spy.send({ body: big, events: 1, bytes: big.length }, new AbortController().signal)
    expect(calls.map((c) => c.keepalive)).toEqual([true, false])
    expect(calls.every((c) => c.credentials === 'omit')).toBe(true)
  })
})

describe('apiUrl', () => {
  it('escapes the key and trims nothing else', () => {
    expect(apiUrl({ endpoint: 'http://h:1', publishableKey: 'et_pk_a+b' }, 'batch')).toBe('http://h:1/v1/audit/batch?key=et_pk_a%2Bb')
  })
})

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0)

  it('reads delta-seconds and IMF-fixdate HTTP-dates as a wait in ms', () => {
    expect(retryAfterMs('120', now)).toBe(120_000)
    expect(retryAfterMs(' 0 ', now)).toBe(0)
    expect(retryAfterMs('Thu, 01 Jan 2026 12:00:30 GMT', now)).toBe(30_000)
  })

  it('gives 0 for a date already past, and no hint for a missing or unreadable value', () => {
    expect(retryAfterMs('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0)
    expect(retryAfterMs(null, now)).toBeUndefined()
    expect(retryAfterMs('soon', now)).toBeUndefined()
    expect(retryAfterMs('-5', now)).toBeUndefined()
  })
})
