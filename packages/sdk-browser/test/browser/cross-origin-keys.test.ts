import { request } from 'node:http'
import { launchChromium, type TestBrowser, type TestCollectorProcess } from '@echotrail/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen, startCollectorWithKey, startPageServer, storedEvents, waitForEvents, type TestServer } from './support'

/** POSTs to the collector from Node, so the test controls the Origin header. */
function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('cross-origin requests and keys in Chromium', () => {
  let browser: TestBrowser
  let collector: TestCollectorProcess
  let publishableKey: string
  let pages: TestServer
  let api: TestServer
  const apiSeen: { method: string; url: string; requestId: string | undefined }[] = []

  beforeAll(async () => {
    browser = await launchChromium()
    // The second origin: answers CORS for anyone and counts preflights.
    api = await listen((req, res) => {
      const requestId = req.headers['x-request-id']
      apiSeen.push({ method: req.method ?? '', url: req.url ?? '', requestId: typeof requestId === 'string' ? requestId : undefined })
      res.setHeader('access-control-allow-origin', '*')
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-headers': 'x-request-id', 'access-control-allow-methods': 'GET, POST' }).end()
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
    const config: Record<string, Record<string, string>> = {}
    pages = await startPageServer(config)
    const started = await startCollectorWithKey([pages.origin])
    collector = started.collector
    publishableKey = started.publishableKey
    config.plain = { key: publishableKey, endpoint: collector.url, service: 'no-propagation' }
    config.propagating = { key: publishableKey, endpoint: collector.url, service: 'propagation', 'propagate-to': api.origin }
  })

  afterAll(async () => {
    await browser?.close()
    await pages?.close()
    await api?.close()
    await collector?.destroy()
  })

  const callApi = (origin: string, tag: string) => async () => {
    await fetch(`${origin}/data?${tag}=fetch`)
    await fetch(`${origin}/data?${tag}=post`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'text/plain' } })
    await new Promise((resolve) => {
      const x = new XMLHttpRequest()
      x.open('GET', `${origin}/data?${tag}=xhr`)
      x.onloadend = resolve
      x.send()
    })
  }

  it('causes no preflight and adds no header on an origin missing from propagateTo', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${pages.origin}/page?sdk=plain`)
    await page.evaluate(`(${callApi.toString()})(${JSON.stringify(api.origin)}, 'plain')()`)
    const plain = apiSeen.filter((r) => r.url.includes('plain='))
    expect(plain.map((r) => r.method)).toEqual(['GET', 'POST', 'GET'])
    expect(plain.every((r) => r.requestId === undefined)).toBe(true)
    expect(apiSeen.filter((r) => r.method === 'OPTIONS')).toHaveLength(0)
    const events = await waitForEvents(collector, (e) => e.filter((x) => x.service_name === 'no-propagation').length >= 3)
    expect(events.filter((x) => x.service_name === 'no-propagation').every((x) => x.request_id === null)).toBe(true)
    await page.close()
  })

  it('sends the request id header to a propagateTo origin, the same id the stored event carries', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${pages.origin}/page?sdk=propagating`)
    await page.evaluate(`(${callApi.toString()})(${JSON.stringify(api.origin)}, 'prop')()`)
    const sent = apiSeen.filter((r) => r.url.includes('prop=') && r.method !== 'OPTIONS')
    expect(sent).toHaveLength(3)
    expect(sent.every((r) => r.requestId !== undefined)).toBe(true)
    const events = await waitForEvents(collector, (e) => e.filter((x) => x.service_name === 'propagation').length >= 3)
    const ids = events.filter((x) => x.service_name === 'propagation').map((x) => x.request_id)
    expect(ids.sort()).toEqual(sent.map((r) => r.requestId).sort())
    await page.close()
  })

  it('stores nothing from a page whose origin the publishable key does not allow', async () => {
    const other = await startPageServer({ stranger: { key: publishableKey, endpoint: collector.url, service: 'stranger' } })
    try {
      const page = await (await browser.newContext()).newPage()
      await page.goto(`${other.origin}/page?sdk=stranger`)
      await page.evaluate(() => fetch('/api/json'))
      await new Promise((r) => setTimeout(r, 2_500))
      expect((await storedEvents(collector)).filter((e) => e.service_name === 'stranger')).toEqual([])
      await page.close()
    } finally {
      await other.close()
    }
  })

  const batch = (event: Record<string, unknown>) => JSON.stringify({ events: [event] })
  const browserEvent = { path: '/x', method: 'GET', status_code: 200, source: 'browser' }

  it('answers 403 to a publishable key used from an origin it does not allow', async () => {
    const answer = await post(`${collector.url}/v1/audit/batch?key=${publishableKey}`, batch(browserEvent), {
      origin: 'http://127.0.0.1:1',
      'content-type': 'text/plain',
    })
    expect(answer.status).toBe(403)
    expect(JSON.parse(answer.body).error.code).toBe('ET_AUTH_ORIGIN_NOT_ALLOWED')
  })

  it('refuses a source "backend" event written with a publishable key', async () => {
    const answer = await post(`${collector.url}/v1/audit?key=${publishableKey}`, JSON.stringify({ ...browserEvent, source: 'backend' }), {
      origin: pages.origin,
      'content-type': 'text/plain',
    })
    expect(answer.status).toBe(400)
    expect(answer.body).toContain('source')
    expect((await storedEvents(collector)).filter((e) => e.source === 'backend')).toEqual([])
  })

  it('never accepts a secret key from a browser origin', async () => {
    const secret = collector.secretKey!
    const viaHeader = await post(`${collector.url}/v1/audit/batch`, batch(browserEvent), {
      origin: pages.origin,
      'content-type': 'application/json',
      'x-api-key': secret,
    })
    expect(viaHeader.status).toBe(403)
    expect(JSON.parse(viaHeader.body).error.code).toBe('ET_AUTH_WRONG_KEY_KIND')
    const viaUrl = await post(`${collector.url}/v1/audit/batch?key=${secret}`, batch(browserEvent), { 'content-type': 'text/plain' })
    expect(viaUrl.status).toBe(403)
  })

  it('stays disabled, without touching fetch, when given a secret key', async () => {
    const page = await (await browser.newContext()).newPage()
    await page.goto(`${pages.origin}/page`)
    await page.addScriptTag({ url: '/sdk.js' })
    const result = await page.evaluate((secret) => {
      const before = window.fetch
      const messages: string[] = []
      const started = (window as unknown as { Echotrail: { init(o: object): boolean } }).Echotrail.init({
        publishableKey: secret,
        onError: (m: string) => messages.push(m),
      })
      return { started, same: window.fetch === before, messages }
    }, collector.secretKey!)
    // The script tag's coded message: the option and what it takes, no prose (README, "Coded messages").
    expect(result).toEqual({ started: false, same: true, messages: ['ET_CONFIG_INVALID: publishableKey: et_pk_…'] })
    await page.close()
  })

  it("says in the script tag's short code which mask option is invalid, and stays disabled", async () => {
    const page = await (await browser.newContext()).newPage()
    const warnings: string[] = []
    page.on('console', (message) => void (message.type() === 'warning' && warnings.push(message.text())))
    await page.goto(`${pages.origin}/page`)
    await page.addScriptTag({ url: '/sdk.js' })
    const result = await page.evaluate((key) => {
      const before = window.fetch
      const started = (window as unknown as { Echotrail: { init(o: object): boolean } }).Echotrail.init({ publishableKey: key, mask: { maxDepth: 0 } })
      return { started, same: window.fetch === before }
    }, publishableKey)
    expect(result).toEqual({ started: false, same: true })
    expect(warnings.join('\n')).toContain('[echotrail] init failed')
    expect(warnings.join('\n')).toContain('mask.maxDepth: 1..1000')
    // With onError, the problem goes there and nowhere else, as every other option problem does.
    warnings.length = 0
    const reported = await page.evaluate((key) => {
      const messages: string[] = []
      const started = (window as unknown as { Echotrail: { init(o: object): boolean } }).Echotrail.init({
        publishableKey: key,
        mask: { maxDepth: 0 },
        onError: (m: string, e: unknown) => messages.push(`${m} | ${(e as Error).message}`),
      })
      return { started, messages }
    }, publishableKey)
    expect(reported.started).toBe(false)
    expect(reported.messages).toHaveLength(1)
    expect(reported.messages[0]).toMatch(/^init failed \| .*mask\.maxDepth: 1\.\.1000/)
    expect(warnings).toEqual([])
    await page.close()
  })
})
