import { runCliProcess } from '@echotrail/test-harness'
import { createServer } from 'node:http'
import { performance } from 'node:perf_hooks'
import { afterEach, describe, expect, it } from 'vitest'
import { createClient } from '@echotrail/node'
import { withEchotrail } from '@echotrail/node/http'
import type { SdkTestCollector } from '../support/collector'
import { startTestCollector } from '../support/collector'
import { close, listen, settle } from '../support/listen'
import { startTcpProxy } from '../support/tcp-proxy'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

/** An app recorded through the proxy; returns how to call it and its client. */
async function recordedApp(endpoint: string, apiKey: string, extra: Record<string, unknown> = {}) {
  const listener = withEchotrail(
    (_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end('{"ok":true}')
    },
    { apiKey, endpoint, service: 'faults', flushIntervalMs: 50, retry: { initialDelayMs: 50, maxDelayMs: 400, maxAttempts: 1_000 }, logger: () => {}, ...extra },
  )
  const server = createServer(listener)
  const base = await listen(server)
  cleanups.push(() => close(server))
  return {
    client: listener.client,
    async call(i: number): Promise<{ status: number; ms: number }> {
      const started = performance.now()
      const res = await fetch(`${base}/orders/${i}`, { headers: { 'x-request-id': `req-${i}` } })
      await res.text()
      return { status: res.status, ms: performance.now() - started }
    },
  }
}

describe('delivery under collector faults', () => {
  it('stores every event exactly once when the collector is killed with SIGKILL and restarted during traffic', async () => {
    const collector: SdkTestCollector = await startTestCollector()
    cleanups.push(() => collector.destroy())
    const proxy = await startTcpProxy()
    cleanups.push(() => proxy.close())
    proxy.setTarget(collector.url)
    const app = await recordedApp(proxy.url, collector.apiKey)
    const n = 400
    let proc = collector.proc
    for (let i = 0; i < n; i++) {
      expect((await app.call(i)).status).toBe(200)
      if (i === 150) {
        await proc.kill()
        proxy.setTarget(undefined)
      }
      if (i === 250) {
        proc = await proc.restart()
        cleanups.push(() => proc.stop())
        proxy.setTarget(proc.url)
      }
      if (i % 10 === 0) await sleep(10)
    }
    await settle()
    expect(await app.client.flush(30_000)).toBe(true)
    const events = (await collector.waitForEvents(n)).filter((e) => e.service_name === 'faults')
    const requestIds = events.map((e) => e.request_id)
    const missing = Array.from({ length: n }, (_, i) => `req-${i}`).filter((id) => !requestIds.includes(id))
    expect(missing, JSON.stringify(app.client.stats())).toEqual([])
    expect(new Set(requestIds).size).toBe(n)
    expect(events).toHaveLength(n)
    expect(new Set(events.map((e) => e.event_id)).size).toBe(n)
    expect(app.client.stats()).toMatchObject({ sent: n, dropped: 0, queued: 0 })
  })

  it('keeps the app unaffected, the queue bounded and drops reported while the collector is down for 30 s', async () => {
    const collector = await startTestCollector()
    cleanups.push(() => collector.destroy())
    const proxy = await startTcpProxy()
    cleanups.push(() => proxy.close())
    proxy.setTarget(collector.url)
    const maxQueueEvents = 100
    const maxBatchEvents = 20
    const app = await recordedApp(proxy.url, collector.apiKey, { maxQueueEvents, maxBatchEvents })
    const before: number[] = []
    for (let i = 0; i < 50; i++) before.push((await app.call(i)).ms)
    await settle()
    expect(await app.client.flush(10_000)).toBe(true)

    await collector.proc.stop()
    proxy.setTarget(undefined)
    const outageStart = Date.now()
    const during: number[] = []
    let maxQueued = 0
    let i = 50
    while (Date.now() - outageStart < 30_000) {
      const { status, ms } = await app.call(i++)
      expect(status).toBe(200)
      during.push(ms)
      maxQueued = Math.max(maxQueued, app.client.stats().queued)
      await sleep(20)
    }
    const total = i
    await settle()
    const outageStats = app.client.stats()
    // The queue holds at most maxQueueEvents; core counts the batch in flight until its send settles.
    expect(maxQueued).toBeLessThanOrEqual(maxQueueEvents + maxBatchEvents)
    expect(outageStats.droppedByReason.queue_overflow).toBe(total - 50 - outageStats.queued)
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    // The app answers as fast during the outage as before it (generous bound: CI noise).
    expect(median(during)).toBeLessThan(median(before) * 3 + 5)

    const restarted = await collector.proc.restart()
    cleanups.push(() => restarted.stop())
    proxy.setTarget(restarted.url)
    expect(await app.client.flush(30_000)).toBe(true)
    const stats = app.client.stats()
    expect(stats.sent + stats.dropped).toBe(total)
    expect(stats.queued).toBe(0)
    const stored = (await collector.waitForEvents(stats.sent)).filter((e) => e.service_name === 'faults')
    expect(stored).toHaveLength(stats.sent)
    expect(await collector.droppedReported()).toEqual({ queue_overflow: stats.droppedByReason.queue_overflow })
  })

  it('honours the collector’s 429 Retry-After under a rate-limited key and still stores every event', async () => {
    const collector = await startTestCollector()
    cleanups.push(() => collector.destroy())
    const created = await runCliProcess(['keys', 'create', '--rate-limit', '1', '--name', 'slow'], collector.proc.env)
    expect(created.code).toBe(0)
    const apiKey = /^(et_sk_[A-Za-z0-9_-]+)$/m.exec(created.output)![1]!
    const client = createClient({ apiKey, endpoint: collector.url, maxBatchEvents: 5, flushIntervalMs: 10, retry: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 1_000 }, logger: () => {} })
    const n = 20
    const started = Date.now()
    for (let i = 0; i < n; i++) client.action({ action: 'key.created', resource_type: 'api_key', resource_id: `k${i}` })
    expect(await client.flush(60_000)).toBe(true)
    const stats = client.stats()
    await client.shutdown()
    expect(stats, created.output).toMatchObject({ sent: n, dropped: 0 })
    expect(stats.retried).toBeGreaterThan(0)
    // Four batches at one request per second: the waits came from Retry-After, not the 10 ms backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_500)
    expect(await collector.events()).toHaveLength(n)
  })
})
