import type { HttpMethod, JsonObject, JsonValue } from '@echotrail/core'
import { WIRE_LIMITS } from '@echotrail/core'
import type { UserFields } from './capture-options'
import type { EventJsonWriter } from './event-json'

/** What one request event is written from. */
export interface RequestEventParts {
  eventId: string
  /** True when `requestId` is `eventId` (no request id arrived), so it needs no masking. */
  requestIdGenerated: boolean
  requestId: string
  /** Epoch ms of the request's start. */
  timestamp: number
  method: HttpMethod
  /** Path without query, at most 255 characters. */
  path: string
  /** Query string without `?`, or undefined. */
  query: string | undefined
  statusCode: number
  responseTimeMs: number
  route: string | undefined
  ip: string | undefined
  userAgent: string | undefined
  pathParams: JsonObject | undefined
  user: UserFields | undefined
  errorMessage: string | undefined
  requestBody: JsonValue | undefined
  responseBody: JsonValue | undefined
  requestHeaders: JsonObject | undefined
}

/** Writes one request event as masked JSON; the member order is the wire format's documented one. */
export type RequestEventJsonWriter = (parts: RequestEventParts) => string

/**
 * Compiles the member writers of request events once per adapter. `service` and
 * `environment` are the client's; `parseQuery` turns a query string into `query_params`.
 */
export function createRequestEventJsonWriter(
  w: EventJsonWriter,
  service: string,
  environment: string,
  parseQuery: (query: string) => JsonObject,
): RequestEventJsonWriter {
  const eventId = w.generated('event_id')
  const timestamp = w.generated('timestamp')
  const method = w.generated('method')
  const generatedRequestId = w.generated('request_id')
  const requestId = w.string('request_id')
  const path = w.cachedString('path')
  const route = w.cachedString('route')
  const ip = w.cachedString('ip')
  const userAgent = w.cachedString('user_agent')
  const query = w.cachedDerived('query_params', parseQuery)
  const statusCode = w.smallNumber('status_code')
  const responseTime = w.smallNumber('response_time')
  const fixed = `${w.constant('service_name', service)},${w.constant('environment', environment)}`
  const source = w.constant('source', 'backend')
  // Requests arrive many per millisecond: format each millisecond once, and the part
  // before the milliseconds (`2026-01-02T03:04:05.`) once per second, since
  // toISOString costs about half a microsecond.
  let isoMs = Number.NaN
  let isoText = ''
  let isoSecond = Number.NaN
  let isoSecondText = ''

  return (p) => {
    if (p.timestamp !== isoMs) {
      isoMs = p.timestamp
      const ms = isoMs % 1_000
      if (isoMs - ms !== isoSecond) {
        isoSecond = isoMs - ms
        // Without the trailing `sssZ`, whatever the width of the year.
        isoSecondText = new Date(isoSecond).toISOString().slice(0, -4)
      }
      // RFC 3339, not epoch ms: a 13-digit number that passes the Luhn check is masked
      // as a card number by core's masker (about one timestamp in ten).
      isoText = timestamp(`${isoSecondText}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`)
    }
    let json = `{${eventId(p.eventId)},${isoText},${method(p.method)},${path(p.path)},${statusCode(p.statusCode)},${responseTime(p.responseTimeMs)},${fixed},`
    json += p.requestIdGenerated ? generatedRequestId(p.requestId) : requestId(p.requestId)
    json += `,${source}`
    if (p.route !== undefined) json += `,${route(p.route)}`
    if (p.ip !== undefined) json += `,${ip(p.ip)}`
    if (p.userAgent !== undefined) json += `,${userAgent(p.userAgent)}`
    if (p.query !== undefined) json += `,${query(p.query)}`
    if (p.pathParams !== undefined) json += `,${w.member('path_params', p.pathParams)!}`
    if (p.user !== undefined) json += userMembers(w, p.user)
    if (p.errorMessage !== undefined) json += `,${w.member('error_message', p.errorMessage)!}`
    if (p.requestBody !== undefined) json += optional(w.member('request_body', p.requestBody))
    if (p.responseBody !== undefined) json += optional(w.member('response_body', p.responseBody))
    if (p.requestHeaders !== undefined) json += `,${w.member('metadata', { request_headers: p.requestHeaders })!}`
    return `${json}}`
  }
}

const optional = (member: string | undefined): string => (member === undefined ? '' : `,${member}`)

/** The user fields `identify` or `setUser` gave, as members; anything of the wrong type is left out. */
function userMembers(w: EventJsonWriter, user: UserFields): string {
  let out = ''
  const id: unknown = user.identifier
  if (typeof id === 'string') out += `,${w.member('identifier', id.slice(0, WIRE_LIMITS.maxIdentifierLength))!}`
  else if (typeof id === 'number') out += `,${w.member('identifier', String(id))!}`
  if (typeof user.user_email === 'string') out += `,${w.member('user_email', user.user_email)!}`
  if (typeof user.user_name === 'string') out += `,${w.member('user_name', user.user_name)!}`
  if (Array.isArray(user.user_roles)) out += `,${w.member('user_roles', user.user_roles.map(String))!}`
  if (typeof user.user_type === 'string') out += `,${w.member('user_type', user.user_type)!}`
  if (typeof user.tenant_id === 'string') out += `,${w.member('tenant_id', user.tenant_id)!}`
  return out
}

/** The path as recorded: at most `WIRE_LIMITS.maxPathLength` characters. */
export function recordedPath(path: string): string {
  return path.length > WIRE_LIMITS.maxPathLength ? path.slice(0, WIRE_LIMITS.maxPathLength) : path
}
