import type { AuditEvent, HttpMethod, JsonObject, JsonValue } from '@echotrail/core'
import { HTTP_METHODS, uuidv7, WIRE_LIMITS } from '@echotrail/core'
import { performance } from 'node:perf_hooks'
import type { NodeClient } from '../client'
import type { ResolvedCaptureOptions, UserFields } from './capture-options'

/** Request headers as node:http (a plain object) or fetch (`Headers`) hold them. */
export type HeaderSource = Readonly<Record<string, string | string[] | undefined>> | { get(name: string): string | null }

/** Reads one header, first value, from either kind of header source. */
export function headerOf(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined
  const value = (headers as Record<string, string | string[] | undefined>)[name]
  return Array.isArray(value) ? value[0] : value
}

const METHODS: ReadonlySet<string> = new Set(HTTP_METHODS)

/** The per-request state of one recorded request: what adapters learn, then `end()`. */
export class RequestRecord<Req> {
  readonly requestId: string
  readonly timestamp = Date.now()
  readonly #startMs = performance.now()
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
    readonly client: NodeClient,
    readonly options: ResolvedCaptureOptions<Req>,
    readonly req: Req,
    readonly method: HttpMethod,
    readonly url: string,
    readonly headers: HeaderSource,
    readonly ip: string | undefined,
  ) {
    this.requestId = headerOf(headers, options.requestIdHeader) ?? uuidv7()
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

  /** Builds the event and queues it; later calls do nothing. */
  end(statusCode: number): void {
    if (this.#done) return
    if (this.#holds > 0) {
      this.#endedWith = statusCode
      return
    }
    this.#done = true
    const client = this.client
    const queryAt = this.url.indexOf('?')
    const path = queryAt === -1 ? this.url : this.url.slice(0, queryAt)
    const event: AuditEvent = {
      event_id: uuidv7(),
      // RFC 3339, not epoch ms: a 13-digit number that passes the Luhn check is masked
      // as a card number by core's masker (about one timestamp in ten).
      timestamp: new Date(this.timestamp).toISOString(),
      method: this.method,
      path: path.length > WIRE_LIMITS.maxPathLength ? path.slice(0, WIRE_LIMITS.maxPathLength) : path,
      status_code: statusCode >= 100 && statusCode <= 599 ? statusCode : 500,
      response_time: Math.round((performance.now() - this.#startMs) * 1_000) / 1_000,
      service_name: client.service,
      environment: client.environment,
      request_id: this.requestId,
      source: 'backend',
    }
    if (this.route !== undefined) event.route = this.route
    if (this.ip !== undefined) event.ip = this.ip
    const userAgent = headerOf(this.headers, 'user-agent')
    if (userAgent !== undefined) event.user_agent = userAgent
    if (queryAt !== -1 && queryAt < this.url.length - 1) event.query_params = parseQuery(this.url.slice(queryAt + 1))
    if (this.pathParams !== undefined) event.path_params = this.pathParams
    const user = this.#resolveUser()
    if (user !== undefined) applyUser(event, user)
    if (this.errorMessage !== undefined) event.error_message = this.errorMessage
    if (this.requestBody !== undefined) event.request_body = this.requestBody
    if (this.responseBody !== undefined) event.response_body = this.responseBody
    const names = this.options.captureHeaders
    if (names.length > 0) {
      const captured: JsonObject = {}
      for (const name of names) {
        const value = headerOf(this.headers, name)
        if (value !== undefined) captured[name] = value
      }
      event.metadata = { request_headers: captured }
    }
    client.enqueue(event)
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

function applyUser(event: AuditEvent, user: UserFields): void {
  if (typeof user.identifier === 'string') event.identifier = user.identifier.slice(0, WIRE_LIMITS.maxIdentifierLength)
  else if (typeof user.identifier === 'number') event.identifier = String(user.identifier)
  if (typeof user.user_email === 'string') event.user_email = user.user_email
  if (typeof user.user_name === 'string') event.user_name = user.user_name
  if (Array.isArray(user.user_roles)) event.user_roles = user.user_roles.map(String)
  if (typeof user.user_type === 'string') event.user_type = user.user_type
  if (typeof user.tenant_id === 'string') event.tenant_id = user.tenant_id
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
