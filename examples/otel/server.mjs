// A node:http server instrumented with OpenTelemetry; EchotrailSpanProcessor turns each finished
// HTTP server span into one audit event (route template /users/:id, set as the span's http.route).
import { createRequire } from 'node:module'
import { trace } from '@opentelemetry/api'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { EchotrailSpanProcessor } from '@echotrail/node/otel'

const provider = new NodeTracerProvider({
  spanProcessors: [
    new EchotrailSpanProcessor({
      apiKey: process.env.ECHOTRAIL_API_KEY ?? '',
      ...(process.env.ECHOTRAIL_ENDPOINT ? { endpoint: process.env.ECHOTRAIL_ENDPOINT } : {}),
      service: 'example-otel',
    }),
  ],
})
provider.register()
registerInstrumentations({ instrumentations: [new HttpInstrumentation()], tracerProvider: provider })

// Loaded after the instrumentation is registered, through require, so its require hook patches it
// (a static `import 'node:http'` would be loaded first and left unpatched).
const http = createRequire(import.meta.url)('node:http')

const USERS = { 1: { id: '1', name: 'Ada Lovelace' }, 2: { id: '2', name: 'Grace Hopper' } }

const server = http.createServer((req, res) => {
  const match = /^\/users\/([^/?]+)/.exec(req.url ?? '/')
  // node:http has no router, so name the route template on the server span ourselves.
  if (match) trace.getActiveSpan()?.setAttribute('http.route', '/users/:id')
  const user = match ? USERS[match[1]] : undefined
  res.writeHead(user ? 200 : 404, { 'content-type': 'application/json' })
  res.end(JSON.stringify(user ?? { error: 'not found' }))
})
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address()
  console.log(`listening on http://${address}:${port}`)
})

// Shutting the provider down shuts the processor's client down, delivering what is queued.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close()
    server.closeAllConnections()
    void provider.shutdown().then(() => process.exit(0), () => process.exit(1))
  })
}
