import type { RequestHandler } from 'msw'
import { getResponse, http, HttpResponse } from 'msw'
import { afterAll, beforeAll } from 'vitest'
import { createServer } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { close, listen } from './listen'

/** A request as the mock collector saw it, body decompressed. */
export interface SeenRequest {
  path: string
  headers: Record<string, string>
  body: string
  at: number
}

/**
 * Serves msw handlers on a real port: the undici transport speaks real HTTP (msw's
 * interceptors patch fetch and node:http, not undici's dispatcher), and the msw
 * handlers decide each answer.
 */
export async function serveMsw(handlers: RequestHandler[]) {
  const seen: SeenRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        let raw = Buffer.concat(chunks)
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw)
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v
        seen.push({ path: req.url ?? '/', headers: { ...headers }, body: raw.toString('utf8'), at: Date.now() })
        delete headers['content-encoding']
        delete headers['content-length']
        const request = new Request(`http://mock${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, body: raw })
        const response = (await getResponse(handlers, request)) ?? new Response('no handler', { status: 404 })
        // HttpResponse.error(): a network failure, which over a real socket is a reset.
        if (response.type === 'error') return void req.socket.destroy()
        const out: Record<string, string> = {}
        response.headers.forEach((value, key) => (out[key] = value))
        res.writeHead(response.status, out)
        res.end(Buffer.from(await response.arrayBuffer()))
      })()
    })
  })
  const url = await listen(server)
  return {
    url,
    seen,
    /** Event counts of the batches received, in order. */
    batchSizes: () => seen.filter((r) => r.path === '/v1/audit/batch').map((r) => (JSON.parse(r.body) as { events: unknown[] }).events.length),
    close: () => close(server),
  }
}

/** The events the mock collector received in batches, those of `service` only. */
export function sentEvents(seen: readonly SeenRequest[], service: string): Record<string, unknown>[] {
  return seen
    .filter((r) => r.path === '/v1/audit/batch')
    .flatMap((r) => (JSON.parse(r.body) as { events: Record<string, unknown>[] }).events)
    .filter((e) => e.service_name === service)
}

/**
 * A mock collector that accepts every batch, started before the suite's tests and
 * closed after them (call inside `describe`), with the adapter options that send to
 * it and the events it received for a service.
 */
export function useAcceptingCollector() {
  let mock: Awaited<ReturnType<typeof serveMsw>> | undefined
  beforeAll(async () => {
    mock = await serveMsw([http.post('http://mock/v1/audit/batch', () => HttpResponse.json({ accepted: 1 }, { status: 202 }))])
  })
  afterAll(async () => {
    await mock?.close()
  })
  const started = () => {
    if (mock === undefined) throw new Error('the mock collector starts in beforeAll')
    return mock
  }
  return {
    /** Client options sending to the mock, batches held until flushed. */
    options: (service: string) => ({ apiKey: 'et_sk_unit', endpoint: started().url, service, flushIntervalMs: 60_000, logger: () => {} }),
    sent: (service: string): Record<string, unknown>[] => sentEvents(started().seen, service),
  }
}
