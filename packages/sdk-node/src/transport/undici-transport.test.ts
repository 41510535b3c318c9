import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import type { NodeClient } from '../client'
import { createClient } from '../client'
import { serveMsw } from '../../test/support/msw-server'

type Mock = Awaited<ReturnType<typeof serveMsw>>
const accepted = (n: number) => HttpResponse.json({ accepted: n, duplicates: 0, rejected: [] }, { status: 202 })
const eventsOf = async (request: Request) => ((await request.json()) as { events: unknown[] }).events

let mock: Mock | undefined
let client: NodeClient | undefined
afterEach(async () => {
  await client?.shutdown(1_000)
  await mock?.close()
  client = mock = undefined
})

function clientFor(url: string, extra: Partial<Parameters<typeof createClient>[0]> = {}) {
  return createClient({
    apiKey: 'et_sk_test',
    endpoint: url,
    flushIntervalMs: 20,
    retry: { initialDelayMs: 10, maxDelayMs: 50, random: () => 1 },
    logger: () => {},
    ...extra,
  })
}

describe('the undici transport with the core batch sender', () => {
  it('retries a 503 and a dropped connection until the batch is delivered', async () => {
    let calls = 0
    mock = await serveMsw([
      http.post('http://mock/v1/audit/batch', async ({ request }) => {
        calls += 1
        if (calls === 1) return new HttpResponse(null, { status: 503 })
        if (calls === 2) return HttpResponse.error()
        return accepted((await eventsOf(request)).length)
      }),
    ])
    client = clientFor(mock.url)
    for (let i = 0; i < 5; i++) client.action({ action: 'key.created', resource_id: `k${i}` })
    expect(await client.flush(5_000)).toBe(true)
    expect(client.stats()).toMatchObject({ sent: 5, dropped: 0 })
    expect(client.stats().retried).toBeGreaterThanOrEqual(5)
    expect(mock.batchSizes().at(-1)).toBe(5)
  })

  it('splits a batch the collector answers 413 until every event fits', async () => {
    mock = await serveMsw([
      http.post('http://mock/v1/audit/batch', async ({ request }) => {
        const events = await eventsOf(request)
        return events.length > 3 ? new HttpResponse(null, { status: 413 }) : accepted(events.length)
      }),
    ])
    client = clientFor(mock.url, { flushIntervalMs: 1_000 })
    for (let i = 0; i < 10; i++) client.action({ action: 'HardDeleteTenant', parameters: { tenant: `t${i}` } })
    expect(await client.flush(5_000)).toBe(true)
    expect(client.stats()).toMatchObject({ sent: 10, dropped: 0 })
    const sizes = mock.batchSizes()
    expect(sizes[0]).toBe(10)
    expect(sizes.filter((n) => n <= 3).reduce((a, b) => a + b, 0)).toBe(10)
  })

  it('waits as long as a 429 Retry-After asks, even when backoff would retry sooner', async () => {
    let calls = 0
    mock = await serveMsw([
      http.post('http://mock/v1/audit/batch', async ({ request }) => {
        calls += 1
        if (calls === 1) return new HttpResponse(null, { status: 429, headers: { 'retry-after': '1' } })
        return accepted((await eventsOf(request)).length)
      }),
    ])
    client = clientFor(mock.url)
    client.action({ action: 'key.created' })
    expect(await client.flush(5_000)).toBe(true)
    const [first, second] = mock.seen
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950)
  })

  it('drops a batch answered 401 without retrying and reports it once', async () => {
    const logged: string[] = []
    mock = await serveMsw([
      http.post('http://mock/v1/audit/batch', () => HttpResponse.json({ error: { code: 'ET_AUTH_UNKNOWN_KEY', message: 'no' } }, { status: 401 })),
      http.post('http://mock/v1/audit/client-report', () => new HttpResponse(null, { status: 202 })),
    ])
    client = clientFor(mock.url, { logger: (message) => logged.push(message) })
    client.action({ action: 'a' })
    client.action({ action: 'b' })
    await client.flush(2_000)
    expect(client.stats()).toMatchObject({ sent: 0, dropped: 2, droppedByReason: expect.objectContaining({ rejected: 2 }) })
    expect(mock.batchSizes()).toEqual([2])
    expect(logged.filter((m) => m.includes('ET_SEND_REJECTED'))).toHaveLength(1)
  })

  it('gzips bodies above gzipThresholdBytes and sends the key in X-API-Key', async () => {
    mock = await serveMsw([http.post('http://mock/v1/audit/batch', async ({ request }) => accepted((await eventsOf(request)).length))])
    client = clientFor(mock.url, { gzipThresholdBytes: 1_000 })
    client.action({ action: 'small' })
    await client.flush()
    client.action({ action: 'large', description: 'x'.repeat(2_000) })
    await client.flush()
    const [small, large] = mock.seen
    expect(small!.headers['content-encoding']).toBeUndefined()
    expect(large!.headers['content-encoding']).toBe('gzip')
    expect(large!.headers['x-api-key']).toBe('et_sk_test')
    expect(JSON.parse(large!.body)).toMatchObject({ events: [{ action: 'large', source: 'backend' }] })
  })

  it('writes a gzipped batch of many events byte for byte, characters beyond ASCII included', async () => {
    mock = await serveMsw([http.post('http://mock/v1/audit/batch', async ({ request }) => accepted((await eventsOf(request)).length))])
    client = clientFor(mock.url, { gzipThresholdBytes: 100, flushIntervalMs: 1_000 })
    const descriptions = ['plain', 'é and ü', '€ 12', '😀 emoji', 'lone \ud800 surrogate', 'x'.repeat(3_000)]
    for (const description of descriptions) client.action({ action: 'note', description })
    expect(await client.flush(5_000)).toBe(true)
    expect(mock.seen).toHaveLength(1)
    expect(mock.seen[0]!.headers['content-encoding']).toBe('gzip')
    const events = (JSON.parse(mock.seen[0]!.body) as { events: { description: string }[] }).events
    // The masker escapes a lone surrogate as JSON.stringify does, so it comes back as it was.
    expect(events.map((e) => e.description)).toEqual(descriptions)
  })

  it('reports events dropped by overflow to the client-report endpoint once delivery succeeds', async () => {
    let down = true
    const reports: unknown[] = []
    mock = await serveMsw([
      http.post('http://mock/v1/audit/batch', async ({ request }) =>
        down ? new HttpResponse(null, { status: 503 }) : accepted((await eventsOf(request)).length),
      ),
      http.post('http://mock/v1/audit/client-report', async ({ request }) => {
        reports.push(await request.json())
        return new HttpResponse(null, { status: 202 })
      }),
    ])
    client = clientFor(mock.url, { maxQueueEvents: 5 })
    for (let i = 0; i < 12; i++) client.action({ action: 'x' })
    await new Promise((r) => setTimeout(r, 100))
    expect(client.stats().queued).toBeLessThanOrEqual(5)
    down = false
    await client.flush(5_000)
    expect(reports).toEqual([{ dropped: { queue_overflow: 7 }, sdk: { name: '@echotrail/node', version: expect.any(String) } }])
  })
})
