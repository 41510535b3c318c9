import { launchChromium, type TestBrowser, type TestCollectorProcess } from '@echotrail/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageScenario, SCENARIO_REQUESTS } from './scenario'
import { closedPort, startCollectorWithKey, startPageServer, waitForEvents, type TestServer } from './support'

describe('fetch and XMLHttpRequest in Chromium, with and without the SDK', () => {
  let browser: TestBrowser
  let collector: TestCollectorProcess
  let pages: TestServer
  let refusedOrigin: string
  let withoutSdk: Record<string, unknown>
  let withSdk: Record<string, unknown>

  beforeAll(async () => {
    const port = await closedPort()
    refusedOrigin = `http://127.0.0.1:${port}`
    browser = await launchChromium()
    // The page origin must be known before the key, and the key before the page config.
    const config: Record<string, Record<string, string>> = {}
    pages = await startPageServer(config)
    const started = await startCollectorWithKey([pages.origin])
    collector = started.collector
    config.on = { key: started.publishableKey, endpoint: collector.url, service: 'parity-page', environment: 'test' }

    const context = await browser.newContext()
    const plain = await context.newPage()
    await plain.goto(`${pages.origin}/page`)
    withoutSdk = await plain.evaluate(pageScenario, refusedOrigin)
    const instrumented = await context.newPage()
    await instrumented.goto(`${pages.origin}/page?sdk=on`)
    withSdk = await instrumented.evaluate(pageScenario, refusedOrigin)
    await instrumented.evaluate(() => (window as unknown as { Echotrail: { flush(): Promise<boolean> } }).Echotrail.flush())
  })

  afterAll(async () => {
    await browser?.close()
    await pages?.close()
    await collector?.destroy()
  })

  it('gives the page exactly the same results, events and readyState order with the SDK as without it', () => {
    expect(withSdk).toEqual(withoutSdk)
    // The scenario really exercised what it claims to.
    expect(withoutSdk.stream).toEqual([200, 'chunk0;chunk1;chunk2;chunk3;chunk4;', true])
    expect(withoutSdk.abort).toEqual(['AbortError', true])
    expect(withoutSdk.refused).toEqual(['TypeError', true])
    expect((withoutSdk.xhrTimeout as unknown[])[5]).toContain('timeout:4')
  })

  it('stores one event per request with its method, path, status and duration', async () => {
    const events = await waitForEvents(collector, (e) => e.length >= SCENARIO_REQUESTS.length)
    await new Promise((r) => setTimeout(r, 1_500))
    const settled = await waitForEvents(collector, () => true)
    expect(settled).toHaveLength(SCENARIO_REQUESTS.length)
    const seen = events.map((e) => [e.method, e.path, e.orphan ? 'orphan' : e.status_code])
    expect(seen.sort()).toEqual([...SCENARIO_REQUESTS].sort())
    for (const event of events) {
      expect(event.source).toBe('browser')
      expect(event.service_name).toBe('parity-page')
      expect(event.response_time_ms).toBeGreaterThanOrEqual(0)
    }
    const slow = events.find((e) => e.path === '/api/redirect')!
    expect(slow.event.target).toBe(`${pages.origin}/api/redirect`)
    const refused = events.find((e) => e.path === '/refused')!
    expect(refused.event.error_message).toMatch(/^TypeError/)
    expect(events.find((e) => e.path === '/refused-xhr')!.event.error_message).toBe('NetworkError')
  })

  it('never records its own traffic to the collector', async () => {
    const events = await waitForEvents(collector, () => true)
    expect(events.filter((e) => e.path?.startsWith('/v1/'))).toEqual([])
  })
})
