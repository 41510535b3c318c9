// @echotrail/node/otel — turns finished OpenTelemetry server spans into audit events.
import type { AuditEvent } from '@echotrail/core'
import { uuidv7 } from '@echotrail/core'
import type { Context } from '@opentelemetry/api'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { NodeClient } from './client'
import { createClient } from './client'
import { CAPTURE_DEFAULTS } from './capture/capture-options'
import { parseQuery, wireMethod } from './capture/request-record'
import type { NodeClientOptions } from './options'

// Numeric values of @opentelemetry/api's SpanKind.SERVER and SpanStatusCode.ERROR, so the
// processor needs the API only for types.
const SPAN_KIND_SERVER = 1
const STATUS_ERROR = 2

/** Options of `EchotrailSpanProcessor`: a client or its options, and which spans to skip. */
export type OtelOptions = ({ client: NodeClient } | NodeClientOptions) & {
  /** Paths not recorded (exact strings or RegExps on the path without query). @default ['/health', '/healthz', '/ready', '/metrics'] */
  ignorePaths?: readonly (string | RegExp)[]
}

type Attributes = ReadableSpan['attributes']
const str = (a: Attributes, ...keys: string[]): string | undefined => {
  for (const key of keys) {
    const v = a[key]
    if (typeof v === 'string' && v !== '') return v
  }
  return undefined
}
const num = (a: Attributes, ...keys: string[]): number | undefined => {
  for (const key of keys) {
    const v = a[key]
    if (typeof v === 'number') return v
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v)
  }
  return undefined
}

/**
 * A SpanProcessor for apps already instrumented with OpenTelemetry: each finished
 * server span with HTTP semantic-convention attributes (old and stable names) becomes one
 * request event through the same client; other spans are ignored.
 * `new NodeTracerProvider({ spanProcessors: [new EchotrailSpanProcessor({ apiKey })] })`.
 */
export class EchotrailSpanProcessor implements SpanProcessor {
  /** The client events go through. */
  readonly client: NodeClient
  readonly #ignoredPaths: ReadonlySet<string>
  readonly #ignoredPatterns: readonly RegExp[]

  constructor(options: OtelOptions) {
    this.client = 'client' in options && options.client ? options.client : createClient(options as NodeClientOptions)
    const ignore = options.ignorePaths ?? CAPTURE_DEFAULTS.ignorePaths
    this.#ignoredPaths = new Set(ignore.filter((p): p is string => typeof p === 'string'))
    this.#ignoredPatterns = ignore.filter((p): p is RegExp => p instanceof RegExp)
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    try {
      const event = this.#toEvent(span)
      if (event !== undefined) this.client.enqueue(event)
    } catch (error) {
      this.client.failures.report('otel.onEnd', error)
    }
  }

  async forceFlush(): Promise<void> {
    await this.client.flush()
  }

  async shutdown(): Promise<void> {
    await this.client.shutdown()
  }

  #toEvent(span: ReadableSpan): AuditEvent | undefined {
    if (span.kind !== SPAN_KIND_SERVER) return undefined
    const a = span.attributes
    const method = wireMethod(str(a, 'http.request.method', 'http.method'))
    const status = num(a, 'http.response.status_code', 'http.status_code')
    if (method === undefined || status === undefined) return undefined
    const target = str(a, 'http.target') ?? ''
    const queryAt = target.indexOf('?')
    const path = str(a, 'url.path') ?? (queryAt === -1 ? target : target.slice(0, queryAt)) ?? '/'
    if (this.#ignoredPaths.has(path) || this.#ignoredPatterns.some((p) => p.test(path))) return undefined
    const query = str(a, 'url.query') ?? (queryAt === -1 ? undefined : target.slice(queryAt + 1))
    const [startS, startNs] = span.startTime
    const [durS, durNs] = span.duration
    const event: AuditEvent = {
      event_id: uuidv7(),
      timestamp: new Date(startS * 1_000 + Math.floor(startNs / 1e6)).toISOString(),
      method,
      path: (path || '/').slice(0, 255),
      status_code: status,
      response_time: Math.round((durS * 1_000 + durNs / 1e6) * 1_000) / 1_000,
      service_name: this.client.service,
      environment: this.client.environment,
      request_id: span.spanContext().traceId,
      source: 'backend',
    }
    const route = str(a, 'http.route')
    if (route !== undefined) event.route = route
    const ip = str(a, 'client.address', 'http.client_ip', 'net.peer.ip', 'network.peer.address')
    if (ip !== undefined) event.ip = ip
    const userAgent = str(a, 'user_agent.original', 'http.user_agent')
    if (userAgent !== undefined) event.user_agent = userAgent
    if (query) event.query_params = parseQuery(query)
    const user = str(a, 'enduser.id', 'user.id')
    if (user !== undefined) event.identifier = user.slice(0, 100)
    if (span.status.code === STATUS_ERROR) {
      const exception = span.events.find((e) => e.name === 'exception')?.attributes
      const message = (exception && str(exception, 'exception.message')) ?? span.status.message
      if (message) event.error_message = message
    }
    return event
  }
}
