import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import type * as NodeHttp from 'node:http'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EchotrailSpanProcessor } from '@echotrail/node/otel'
import type { SdkTestCollector } from '../support/collector'
import { startTestCollector } from '../support/collector'
import { close, listen, settle } from '../support/listen'

describe('the OpenTelemetry span processor against the real collector', () => {
  let collector: SdkTestCollector
  beforeAll(async () => {
    collector = await startTestCollector()
  })
  afterAll(async () => {
    await collector?.destroy()
  })

  it('turns each finished HTTP server span into one request event', async () => {
    const processor = new EchotrailSpanProcessor({ apiKey: collector.apiKey, endpoint: collector.url, service: 'otel-app', flushIntervalMs: 50, logger: () => {} })
    const provider = new NodeTracerProvider({ spanProcessors: [processor] })
    provider.register()
    const unregister = registerInstrumentations({ instrumentations: [new HttpInstrumentation()], tracerProvider: provider })
    // Required after the instrumentation is registered, so its require hook patches it.
    const http = createRequire(import.meta.url)('node:http') as typeof NodeHttp
    const server = http.createServer((req, res) => {
      res.statusCode = req.url?.startsWith('/missing') ? 404 : 200
      res.end('ok')
    })
    const base = await listen(server)
    const n = 6
    for (let i = 0; i < n; i++) {
      const path = i === 5 ? '/missing' : `/accounts/${i}`
      await new Promise<void>((resolve, reject) =>
        http.get(`${base}${path}?access_token=abc123secret`, (res) => res.resume().on('end', resolve)).on('error', reject),
      )
    }
    await new Promise<void>((resolve, reject) => http.get(`${base}/healthz`, (res) => res.resume().on('end', resolve)).on('error', reject))
    await settle()
    await close(server)
    await provider.forceFlush()
    unregister()
    await provider.shutdown()
    const events = (await collector.events()).filter((e) => e.service_name === 'otel-app')
    expect(events).toHaveLength(n)
    for (const e of events) {
      expect(e).toMatchObject({ method: 'GET', source: 'backend', query_params: { access_token: '********' } })
      expect(e.status_code).toBe(e.path === '/missing' ? 404 : 200)
      expect(e.response_time).toBeTypeOf('number')
      expect(e.request_id).toMatch(/^[0-9a-f]{32}$/)
    }
  })
})
