import { launchChromium, type TestBrowser, type TestCollectorProcess } from '@echotrail/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPort, startCollectorWithKey, startPageServer, storedEvents, waitForEvents, type TestServer } from './support'

describe('orphaned requests in Chromium', () => {
  let browser: TestBrowser
  let collector: TestCollectorProcess
  let pages: TestServer & { hits: string[] }

  beforeAll(async () => {
    browser = await launchChromium()
    const config: Record<string, Record<string, string>> = {}
    pages = await startPageServer(config)
    const started = await startCollectorWithKey([pages.origin])
    collector = started.collector
    config.on = { key: started.publishableKey, endpoint: collector.url, service: 'orphans' }
  })

  afterAll(async () => {
    await browser?.close()
    await pages?.close()
    await collector?.destroy()
  })

  it('records a refused connection as an orphan right away, while the page stays open', async () => {
    const refused = `http://127.0.0.1:${await closedPort()}/refused-now`
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${pages.origin}/page?sdk=on`)
    await page.evaluate((url) => fetch(url).catch(() => undefined), refused)
    const events = await waitForEvents(collector, (e) => e.some((x) => x.path === '/refused-now'))
    const orphan = events.find((x) => x.path === '/refused-now')!
    expect(orphan.orphan).toBe(true)
    expect(orphan.status_code).toBeNull()
    expect(orphan.event.error_message).toMatch(/^TypeError/)
    await page.close()
  })

  it('reports a request that never got an answer before its page closed, on the next page load', async () => {
    const context = await browser.newContext()
    const first = await context.newPage()
    await first.goto(`${pages.origin}/page?sdk=on`)
    await first.evaluate(() => {
      void fetch('/api/hang?attempt=1').catch(() => undefined)
    })
    // Long enough for the in-flight record to reach IndexedDB (written in batches).
    await new Promise((r) => setTimeout(r, 600))
    expect(pages.hits).toContain('GET /api/hang')
    await first.close()
    const second = await context.newPage()
    await second.goto(`${pages.origin}/page?sdk=on`)
    const events = await waitForEvents(collector, (e) => e.some((x) => x.path === '/api/hang'))
    const orphan = events.find((x) => x.path === '/api/hang')!
    expect(orphan.orphan).toBe(true)
    expect(orphan.method).toBe('GET')
    expect(orphan.event.error_message).toBe('page closed before the response arrived')
    expect(orphan.event.query_params).toEqual({ attempt: '1' })
    // The unload beacon and the next load may both report it: the trail holds it once.
    await new Promise((r) => setTimeout(r, 1_500))
    expect((await storedEvents(collector)).filter((x) => x.path === '/api/hang')).toHaveLength(1)
    await context.close()
  })

  it('reports it on the next load even when nothing could be sent as the page went away', async () => {
    const context = await browser.newContext()
    // Beacons and fetches to the collector fail while the page is closing.
    await context.route(`${collector.url}/**`, (route) => route.abort())
    const first = await context.newPage()
    await first.goto(`${pages.origin}/page?sdk=on`)
    await first.evaluate(() => {
      void fetch('/api/hang?attempt=2', { method: 'POST', body: 'x' }).catch(() => undefined)
    })
    await new Promise((r) => setTimeout(r, 600))
    await first.close()
    await context.unroute(`${collector.url}/**`)
    const second = await context.newPage()
    await second.goto(`${pages.origin}/page?sdk=on`)
    const events = await waitForEvents(collector, (e) => e.some((x) => x.path === '/api/hang' && x.method === 'POST'))
    const orphan = events.find((x) => x.path === '/api/hang' && x.method === 'POST')!
    expect(orphan.orphan).toBe(true)
    expect(orphan.event.query_params).toEqual({ attempt: '2' })
    await context.close()
  })
})
