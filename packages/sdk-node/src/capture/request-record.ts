import type { HttpMethod, JsonObject, JsonValue } from '@echotrail/core'
import { HTTP_METHODS, uuidv7 } from '@echotrail/core'
import { performance } from 'node:perf_hooks'
import type { NodeClient } from '../client'
import type { ResolvedCaptureOptions, UserFields } from './capture-options'
import type { RequestEventJsonWriter } from './request-event-json'
import { recordedPath } from './request-event-json'

/** Request headers as node:http (a plain object) or fetch (`Headers`) hold them. */
export type HeaderSource = Readonly<Record<string, string | string[] | undefined>> | { get(name: string): string | null }

/** Reads one header, first value, from either kind of header source. */
export function headerOf(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined
  const value = (headers as Record<string, string | string[] | undefined>)[name]
  return Array.isArray(value) ? value[0] : value
}

const METHODS: ReadonlySet<string> = new Set(HTTP_METHODS)

/** What a record needs from its adapter: the client, compiled options, and how events are written and queued. */
export interface RecordSink<Req> {
  readonly client: NodeClient
  readonly options: ResolvedCaptureOptions<Req>
  readonly writeEvent: RequestEventJsonWriter
  /** Queues an event `writeEvent` wrote. */
  enqueueJson(json: string): boolean
}

/** The per-request state of one recorded request: what adapters learn, then `end()`. */
export class RequestRecord<Req> {
  readonly requestId: string
  readonly timestamp = Date.now()
  readonly #startMs = performance.now()
  // Made at the start, so that a request without a request id is echoed the id of its event.
  readonly #eventId = uuidv7()
  readonly #sink: RecordSink<Req>
  readonly client: NodeClient
  readonly options: ResolvedCaptureOptions<Req>
  route: string | undefined = undefined
  pathParams: JsonObject | undefined = undefined
  requestBody: JsonValue | undefined = undefined
  responseBody: JsonValue | undefined = undefined
  errorMessage: string | undefined = undefined
  #user: UserFields | undefined = undefined
  #done = false
  #holds = 0
  #endedWith: number | undefined = undefined

  constructor(
    sink: RecordSink<Req>,
    readonly req: Req,
    readonly method: HttpMethod,
    readonly url: string,
    readonly headers: HeaderSource,
    readonly ip: string | undefined,
  ) {
    this.#sink = sink
    this.client = sink.client
    this.options = sink.options
    this.requestId = headerOf(headers, sink.options.requestIdHeader) ?? this.#eventId
  }

  /** Sets user fields for this request; they win over what `identify` returns. */
  setUser(user: UserFields): void {
    this.#user = this.#user === undefined ? { ...user } : { ...this.#user, ...user }
  }

  /** Sets the route template (`/users/:id`) and its parameters. */
  setRoute(route: string, params?: JsonObject): void {
    this.route = route
    if (params !== undefined) this.pathParams = params
  }

  /** Records the error the request failed with (its message only, never the stack). */
  setError(error: unknown): void {
    if (!this.options.captureErrors || this.errorMessage !== undefined) return
    this.errorMessage = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  }

  /** Delays `end` until `release`: an async handler may still reject after the response closed. */
  hold(): void {
    this.#holds += 1
  }

  /** Ends a held record once every hold is released and the response is done. */
  release(): void {
    this.#holds -= 1
    if (this.#holds === 0 && this.#endedWith !== undefined) this.end(this.#endedWith)
  }

  /** Writes the event, masked, and queues it; later calls do nothing. */
  end(statusCode: number): void {
    if (this.#done) return
    if (this.#holds > 0) {
      this.#endedWith = statusCode
      return
    }
    this.#done = true
    const url = this.url
    const queryAt = url.indexOf('?')
    const names = this.options.captureHeaders
    let requestHeaders: JsonObject | undefined
    if (names.length > 0) {
      requestHeaders = {}
      for (const name of names) {
        const value = headerOf(this.headers, name)
        if (value !== undefined) requestHeaders[name] = value
      }
    }
    const json = this.#sink.writeEvent({
      eventId: this.#eventId,
      requestIdGenerated: this.requestId === this.#eventId,
      requestId: this.requestId,
      timestamp: this.timestamp,
      method: this.method,
      path: recordedPath(queryAt === -1 ? url : url.slice(0, queryAt)),
      query: queryAt !== -1 && queryAt < url.length - 1 ? url.slice(queryAt + 1) : undefined,
      statusCode: statusCode >= 100 && statusCode <= 599 ? statusCode : 500,
      responseTimeMs: Math.round((performance.now() - this.#startMs) * 1_000) / 1_000,
      route: this.route,
      ip: this.ip,
      userAgent: headerOf(this.headers, 'user-agent'),
      pathParams: this.pathParams,
      user: this.#resolveUser(),
      errorMessage: this.errorMessage,
      requestBody: this.requestBody,
      responseBody: this.responseBody,
      requestHeaders,
    })
    this.#sink.enqueueJson(json)
  }

  #resolveUser(): UserFields | undefined {
    const identify = this.options.identify
    if (identify === undefined) return this.#user
    let found: UserFields | undefined
    try {
      found = identify(this.req)
    } catch (error) {
      this.client.failures.report('capture.identify', error)
    }
    if (found === undefined || found === null) return this.#user
    return this.#user === undefined ? found : { ...found, ...this.#user }
  }
}

/** Query parameters as an object; a repeated name becomes an array. */
export function parseQuery(query: string): JsonObject {
  const params: Record<string, string | string[]> = {}
  for (const [key, value] of new URLSearchParams(query)) {
    const seen = params[key]
    if (seen === undefined) params[key] = value
    else if (Array.isArray(seen)) seen.push(value)
    else params[key] = [seen, value]
  }
  return params
}

/** An upper-case method the wire format accepts, or undefined (WebDAV and others are not recorded). */
export function wireMethod(method: string | undefined): HttpMethod | undefined {
  if (method === undefined) return undefined
  if (METHODS.has(method)) return method as HttpMethod
  const upper = method.toUpperCase()
  return METHODS.has(upper) ? (upper as HttpMethod) : undefined
}
