import { http, HttpResponse } from 'msw'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, request as httpRequest } from 'node:http'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { close, listen, settle } from '../../test/support/listen'
import { sentEvents, serveMsw } from '../../test/support/msw-server'
import type { HttpAdapterOptions } from '../http'
import { withEchotrail } from '../http'

type Mock = Awaited<ReturnType<typeof serveMsw>>
type Sent = Record<string, unknown>
type Listener = (req: IncomingMessage, res: ServerResponse) => void

/** Reads the whole request body, as an app (or its body parser) would. */
const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })

/** Answers with the request body echoed back, so request and response bodies can be compared. */
const echo: Listener = (req, res) => {
  void readBody(req).then((body) => res.writeHead(200, { 'content-type': 'application/json' }).end(body))
}

describe('request capture on node:http', () => {
  let mock: Mock
  let n = 0
  beforeAll(async () => {
    mock = await serveMsw([http.post('http://mock/v1/audit/batch', () => HttpResponse.json({ accepted: 1 }, { status: 202 }))])
  })
  afterAll(async () => {
    await mock?.close()
  })
  const sent = (service: string): Sent[] => sentEvents(mock.seen, service)

  /** Runs `requests` against a server recording with `options`, then returns the events it sent. */
  async function record(
    options: Partial<HttpAdapterOptions>,
    listener: Listener,
    requests: (url: string) => Promise<unknown>,
  ): Promise<{ events: Sent[]; failures: Readonly<Record<string, number>> }> {
    const service = `node-request-unit-${++n}`
    const wrapped = withEchotrail(listener, { apiKey: 'et_sk_unit', endpoint: mock.url, service, flushIntervalMs: 60_000, logger: () => {}, ...options })
    const server = createServer(wrapped)
    const url = await listen(server)
    await requests(url)
    await settle()
    await close(server)
    await wrapped.client.shutdown()
    return { events: sent(service), failures: wrapped.client.stats().failuresBySite }
  }

  const post = (url: string, body: string | ArrayLike<number>, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers }).then((r) => r.text())

  describe('request and response bodies', () => {
    it('records a JSON body within maxBodyBytes parsed, its secrets masked, on both sides', async () => {
      const body = JSON.stringify({ name: 'ada', password: 'hunter2' })
      const { events } = await record({ captureRequestBody: true, captureResponseBody: true }, echo, (url) => post(`${url}/items`, body, { 'content-type': 'application/json' }))
      expect(events).toEqual([expect.objectContaining({ request_body: { name: 'ada', password: '********' }, response_body: { name: 'ada', password: '********' } })])
    })

    it('cuts a body past maxBodyBytes to that many bytes and marks it', async () => {
      const body = JSON.stringify({ text: 'a'.repeat(100) })
      const { events } = await record({ captureRequestBody: true, captureResponseBody: true, maxBodyBytes: 20 }, echo, (url) =>
        post(`${url}/items`, body, { 'content-type': 'application/json' }),
      )
      const cut = `${body.slice(0, 20)}…[Truncated]`
      expect(events).toEqual([expect.objectContaining({ request_body: cut, response_body: cut })])
    })

    it('records a body of exactly maxBodyBytes whole', async () => {
      const body = JSON.stringify({ t: 'abc' })
      const { events } = await record({ captureRequestBody: true, maxBodyBytes: Buffer.byteLength(body) }, echo, (url) =>
        post(`${url}/items`, body, { 'content-type': 'application/json' }),
      )
      expect(events[0]!.request_body).toEqual({ t: 'abc' })
    })

    it('counts the cap in bytes, not characters', async () => {
      const body = 'é'.repeat(10) // 20 bytes in UTF-8
      const { events } = await record({ captureRequestBody: true, maxBodyBytes: 10 }, echo, (url) => post(`${url}/t`, body, { 'content-type': 'text/plain' }))
      expect(events[0]!.request_body).toBe(`${'é'.repeat(5)}…[Truncated]`)
    })

    it('records form fields and text, and never binary, multipart or compressed bodies', async () => {
      const { events } = await record({ captureRequestBody: true, captureResponseBody: true }, echo, async (url) => {
        await post(`${url}/form`, 'a=1&b=two', { 'content-type': 'application/x-www-form-urlencoded' })
        await post(`${url}/text`, 'plain words', { 'content-type': 'text/plain; charset=utf-8' })
        await post(`${url}/bin`, Buffer.from([1, 2, 3]), { 'content-type': 'application/octet-stream' })
        await post(`${url}/multi`, '--x\r\n\r\nv\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' })
        await post(`${url}/gz`, gzipSync('{"a":1}'), { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      })
      const byPath = Object.fromEntries(events.map((e) => [e.path, e]))
      expect(byPath['/form']!.request_body).toEqual({ a: '1', b: 'two' })
      expect(byPath['/text']!.request_body).toBe('plain words')
      for (const path of ['/bin', '/multi', '/gz']) expect(byPath[path]).not.toHaveProperty('request_body')
    })

    it('records a response written in chunks as it was sent, even when the app reuses its buffer', async () => {
      const listener: Listener = (_req, res) => {
        res.setHeader('content-type', 'text/plain')
        const buf = Buffer.from('first ')
        res.write(buf)
        buf.write('XXXXXX') // the app reuses its buffer once write() returned
        res.write('second ')
        res.end(Buffer.from('third'))
      }
      const { events } = await record({ captureResponseBody: true }, listener, (url) => fetch(url).then((r) => r.text()))
      expect(events[0]!.response_body).toBe('first second third')
    })

    it('does not record a response the app compressed', async () => {
      const listener: Listener = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync('{"a":1}'))
      }
      const { events } = await record({ captureResponseBody: true }, listener, (url) => fetch(url).then((r) => r.arrayBuffer()))
      expect(events[0]).not.toHaveProperty('response_body')
    })

    it('records no body at all when capture is off', async () => {
      const { events } = await record({}, echo, (url) => post(`${url}/items`, '{"a":1}', { 'content-type': 'application/json' }))
      expect(events[0]).not.toHaveProperty('request_body')
      expect(events[0]).not.toHaveProperty('response_body')
    })
  })

  describe('ignore rules', () => {
    const ok: Listener = (_req, res) => void res.end('ok')

    it('skips the default health paths and records everything else', async () => {
      const { events } = await record({}, ok, async (url) => {
        for (const path of ['/health', '/healthz', '/ready', '/metrics', '/healthz?deep=1', '/api/health']) await fetch(url + path).then((r) => r.text())
      })
      expect(events.map((e) => e.path)).toEqual(['/api/health'])
    })

    it('skips exact paths and RegExps of ignorePaths, tested on the path without its query', async () => {
      const { events } = await record({ ignorePaths: ['/skip', /^\/internal\//] }, ok, async (url) => {
        for (const path of ['/skip', '/skip?x=1', '/skip/more', '/internal/jobs', '/public/internal/', '/healthz']) await fetch(url + path).then((r) => r.text())
      })
      expect(events.map((e) => e.path)).toEqual(['/skip/more', '/public/internal/', '/healthz'])
    })

    it('skips requests for which ignore returns true', async () => {
      const { events } = await record({ ignore: (req) => req.headers['x-synthetic'] === '1' }, ok, async (url) => {
        await fetch(`${url}/a`, { headers: { 'x-synthetic': '1' } }).then((r) => r.text())
        await fetch(`${url}/b`).then((r) => r.text())
      })
      expect(events.map((e) => e.path)).toEqual(['/b'])
    })

    it('records a request whose ignore hook throws, and counts the failure', async () => {
      const { events, failures } = await record(
        {
          ignore: () => {
            throw new Error('hook bug')
          },
        },
        ok,
        (url) => fetch(`${url}/a`).then((r) => r.text()),
      )
      expect(events.map((e) => e.path)).toEqual(['/a'])
      expect(failures).toEqual({ 'capture.ignore': 1 })
    })
  })

  describe('trustProxy', () => {
    const ok: Listener = (_req, res) => void res.end('ok')
    // fetch() refuses to send some headers and always sets its own Host; node:http sends as told.
    const get = (url: string, headers: Record<string, string>) =>
      new Promise<void>((resolve, reject) => {
        const req = httpRequest(url, { headers }, (res) => res.resume().on('end', resolve))
        req.on('error', reject).end()
      })

    it('records the socket address and ignores X-Forwarded-For by default', async () => {
      const { events } = await record({}, ok, (url) => get(`${url}/a`, { 'x-forwarded-for': '203.0.113.7' }))
      expect(events[0]!.ip).toBe('127.0.0.1')
    })

    it('records the first X-Forwarded-For address, trimmed, when the proxy is trusted', async () => {
      const { events } = await record({ trustProxy: true }, ok, (url) => get(`${url}/a`, { 'x-forwarded-for': ' 203.0.113.7 , 10.0.0.1, 10.0.0.2' }))
      expect(events[0]!.ip).toBe('203.0.113.7')
    })

    it('falls back to the socket address when a trusted proxy sent no address', async () => {
      const { events } = await record({ trustProxy: true }, ok, async (url) => {
        await get(`${url}/none`, {})
        await get(`${url}/empty`, { 'x-forwarded-for': ' , 10.0.0.1' })
      })
      expect(events.map((e) => [e.path, e.ip])).toEqual([
        ['/none', '127.0.0.1'],
        ['/empty', '127.0.0.1'],
      ])
    })
  })
})
