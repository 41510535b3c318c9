import { launchChromium, type TestBrowser, type TestCollectorProcess } from '@echotrail/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createPublishableKey,
  startIngestProxy,
  startPageServer,
  storedEvents,
  waitForEvents,
  type IngestProxy,
  type TestServer,
} from './support'
import { connect, startCollectorProcess } from '@echotrail/test-harness'

describe('delivery across offline spells, reloads and unloads in Chromium', () => {
  let browser: TestBrowser
  let collector: TestCollectorProcess
  let proxy: IngestProxy
  let pages: TestServer
  let key: string

  beforeAll(async () => {
    browser = await launchChromium()
    const config: Record<string, Record<string, string>> = {}
    pages = await startPageServer(config)
    collector = await startCollectorProcess()
    key = await createPublishableKey(collector, [pages.origin])
    // The page keeps one endpoint while the collector process stops and starts again.
    proxy = await startIngestProxy(collector.url)
    config.on = { key, endpoint: proxy.origin, service: 'delivery' }
  })

  afterAll(async () => {
    await browser?.close()
    await pages?.close()
    await proxy?.close()
    await collector?.destroy()
  })

  it('delivers every event exactly once after the collector was down across a reload', async () => {
    await collector.stop()
    await proxy.goOffline()
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${pages.origin}/page?sdk=on`)
    await page.evaluate(async () => {
      for (let i = 0; i < 5; i++) await fetch(`/api/json?offline=${i}`)
    })
    await page.reload()
    await page.evaluate(async () => {
      for (let i = 5; i < 8; i++) await fetch(`/api/json?offline=${i}`)
    })
    await new Promise((r) => setTimeout(r, 500))
    collector = await collector.restart()
    await proxy.goOnline(collector.url)
    const offline = (events: Awaited<ReturnType<typeof storedEvents>>) => events.filter((e) => e.event.query_params && 'offline' in (e.event.query_params as object))
    await waitForEvents(collector, (e) => offline(e).length >= 8, 75_000)
    // Give duplicates (a beacon plus the IndexedDB queue) time to show up if they would be stored.
    await new Promise((r) => setTimeout(r, 2_000))
    const stored = offline(await storedEvents(collector))
    const seen = stored.map((e) => (e.event.query_params as { offline: string }).offline).sort()
    expect(seen).toEqual(['0', '1', '2', '3', '4', '5', '6', '7'])
    expect(stored.every((e) => e.path === '/api/json' && e.status_code === 200)).toBe(true)
    await page.close()
  })

  it('keeps queued events in IndexedDB across a reload while the collector is down', async () => {
    await collector.stop()
    await proxy.goOffline()
    const context = await browser.newContext()
    // Prove the IndexedDB queue alone: drop the unload rescue copy before the SDK reads it.
    await context.addInitScript(() => {
      for (const key of Object.keys(localStorage)) if (key.startsWith('echotrail.rescue.')) localStorage.removeItem(key)
    })
    const page = await context.newPage()
    await page.goto(`${pages.origin}/page?sdk=on`)
    await page.evaluate(async () => {
      for (let i = 0; i < 3; i++) await fetch(`/api/json?queued=${i}`)
    })
    // The 1 s batch timer moves the events into IndexedDB; their sends fail.
    await new Promise((r) => setTimeout(r, 1_500))
    await page.reload()
    collector = await collector.restart()
    await proxy.goOnline(collector.url)
    const queued = (events: Awaited<ReturnType<typeof storedEvents>>) => events.filter((e) => e.event.query_params && 'queued' in (e.event.query_params as object))
    await waitForEvents(collector, (e) => queued(e).length >= 3, 75_000)
    await new Promise((r) => setTimeout(r, 1_500))
    expect(queued(await storedEvents(collector)).map((e) => (e.event.query_params as { queued: string }).queued).sort()).toEqual(['0', '1', '2'])
    await context.close()
  })

  it('reports what the bounded queue dropped to the collector when the page is hidden', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${pages.origin}/page`)
    await page.addScriptTag({ url: '/sdk.js' })
    await page.evaluate(
      async ({ key: publishableKey, endpoint }) => {
        const E = (window as unknown as { Echotrail: { init(o: object): boolean; flush(t: number): Promise<boolean> } }).Echotrail
        E.init({ publishableKey, endpoint, service: 'drops', maxQueueEvents: 2, flushIntervalMs: 60_000, storageName: 'drops' })
        for (let i = 0; i < 5; i++) await fetch(`/api/json?drop=${i}`)
        await E.flush(5_000)
      },
      { key, endpoint: proxy.origin },
    )
    await page.goto('about:blank')
    const deadline = Date.now() + 15_000
    let reports: { dropped: Record<string, number>; sdk_name: string }[] = []
    while (Date.now() < deadline && reports.length === 0) {
      const client = await connect(collector.env.DATABASE_URL)
      reports = (await client.query<{ dropped: Record<string, number>; sdk_name: string }>('select dropped, sdk_name from client_reports')).rows
      await client.end()
      if (reports.length === 0) await new Promise((r) => setTimeout(r, 200))
    }
    expect(reports).toEqual([{ dropped: { queue_overflow: 3 }, sdk_name: '@echotrail/browser' }])
  })

  it('sends the events of requests made just before navigating away by beacon', async () => {
    const before = proxy.requests.length
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${pages.origin}/page?sdk=on`)
    await page.evaluate(async () => {
      await fetch('/api/json?unload=1')
      const x = new XMLHttpRequest()
      x.open('GET', '/api/text?unload=2')
      await new Promise((resolve) => {
        x.onloadend = resolve
        x.send()
      })
    })
    // Leave at once: the 1 s batch timer has not fired, so only the unload path can send them.
    await page.goto('about:blank')
    const events = await waitForEvents(collector, (e) => e.filter((x) => (x.event.query_params as { unload?: string } | undefined)?.unload).length >= 2)
    const unloaded = events.filter((x) => (x.event.query_params as { unload?: string } | undefined)?.unload)
    expect(unloaded.map((e) => e.path).sort()).toEqual(['/api/json', '/api/text'])
    const sends = proxy.requests.slice(before).filter((r) => r.url.startsWith('/v1/audit/batch') && r.body.includes('unload'))
    // sendBeacon's requests are no-cors "text/plain" POSTs (no preflight) with the key in the URL.
    const beacon = sends.find((r) => r.headers['sec-fetch-mode'] === 'no-cors')
    expect(beacon, JSON.stringify(sends.map((r) => r.headers))).toBeDefined()
    expect(beacon!.headers['content-type']).toMatch(/^text\/plain/)
    expect(beacon!.url).toMatch(/[?&]key=et_pk_/)
    expect(proxy.requests.some((r) => r.method === 'OPTIONS')).toBe(false)
    await page.close()
  })
})
