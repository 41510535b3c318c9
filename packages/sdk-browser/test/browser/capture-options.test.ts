import { launchChromium, type TestBrowser, type TestCollectorProcess } from '@echotrail/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollectorWithKey, startIngestProxy, startPageServer, waitForEvents, type IngestProxy, type TestServer } from './support'

describe('capture options from data- attributes in Chromium', () => {
  let browser: TestBrowser
  let collector: TestCollectorProcess
  let pages: TestServer
  let proxy: IngestProxy

  beforeAll(async () => {
    browser = await launchChromium()
    const config: Record<string, Record<string, string>> = {}
    pages = await startPageServer(config)
    const started = await startCollectorWithKey([pages.origin])
    collector = started.collector
    proxy = await startIngestProxy(collector.url)
    config.bodies = {
      key: started.publishableKey,
      endpoint: proxy.origin,
      service: 'bodies',
      'capture-bodies': 'true',
      'ignore-urls': `${pages.origin}/api/blob, ${pages.origin}/api/xml`,
    }
  })

  afterAll(async () => {
    await browser?.close()
    await pages?.close()
    await proxy?.close()
    await collector?.destroy()
  })

  it('records request bodies with secrets masked before they leave the page, and skips ignored URLs', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${pages.origin}/page?sdk=bodies`)
    await page.evaluate(async () => {
      await fetch('/api/blob')
      await fetch('/api/text?access_token=abc123', { method: 'POST', body: JSON.stringify({ user: 'ada', password: 'hunter2' }) })
      await fetch('/api/xml')
      await fetch('/healthz').catch(() => undefined)
      await (window as unknown as { Echotrail: { flush(): Promise<boolean> } }).Echotrail.flush()
    })
    const events = await waitForEvents(collector, (e) => e.some((x) => x.service_name === 'bodies'))
    const mine = events.filter((x) => x.service_name === 'bodies')
    expect(mine.map((x) => x.path)).toEqual(['/api/text'])
    expect(mine[0]!.event.request_body).toEqual({ user: 'ada', password: '********' })
    expect(mine[0]!.event.query_params).toEqual({ access_token: '********' })
    // Masked in the page: the secret never crossed the wire.
    const wire = proxy.requests.map((r) => r.body).join('\n')
    expect(wire).toContain('"user":"ada"')
    expect(wire).not.toContain('hunter2')
    expect(wire).not.toContain('abc123')
    await page.close()
  })
})
