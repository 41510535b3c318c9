import type { JsonObject } from '@echotrail/core'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { BodyKind } from './body'
import type { UserFields } from './capture-options'
import { BodyTap, bodyKindOf, decodeBody } from './body'
import type { RequestCapture } from './request-capture'
import type { RequestRecord } from './request-record'

/** What a framework knows better than node:http, read once the response is done. */
export interface NodeRequestHooks<Req> {
  /** The route template (`/users/:id`) and path parameters of the matched route. */
  route?(req: Req): { route: string; params?: JsonObject | undefined } | undefined
  /** The body the framework parsed, preferred over re-parsing the tapped bytes. */
  parsedBody?(req: Req): unknown
  /** Makes the record `req.echotrail`; by default an own property of the request. */
  attach?(req: Req, record: EchotrailRequestContext): void
  /** Where body chunks are observed; by default wrappers set on the request and response themselves. */
  taps?: BodyTaps<Req>
}

/** Receives the body chunks of one request or response as they pass. */
export interface ChunkObserver {
  add(chunk: unknown, encoding?: unknown): void
}

/** Told once the response of a recorded request closed (ended or cut off). */
export interface CloseObserver {
  closed(): void
}

/**
 * Hands body chunks to observers. An adapter whose framework gives request objects a
 * hidden class of their own (Express) observes through its prototypes instead, since a
 * wrapper set on the object itself costs a new hidden class every request.
 */
export interface BodyTaps<Req> {
  /** Makes `observer` see every 'data' chunk `req` emits; false when it cannot (the default wrappers are used). */
  request(hostReq: Req, req: IncomingMessage, observer: ChunkObserver): boolean
  /** Makes `observer` see every chunk written to `res` (write and end); false when it cannot. */
  response(hostReq: Req, res: ServerResponse, observer: ChunkObserver): boolean
  /** Calls `observer.closed()` when `res` emits 'close'; false (or absent) for a 'close' listener on `res`. */
  close?(hostReq: Req, res: ServerResponse, observer: CloseObserver): boolean
}

/**
 * Response headers a framework keeps itself and writes in one `writeHead` (Fastify's reply).
 * Setting ours there too spares Node the slow path of merging headers set on `res` earlier.
 */
export interface FrameworkHeaders {
  header(name: string, value: string): unknown
}

/** What an app can do with the request being recorded (`req.echotrail`). */
export interface EchotrailRequestContext {
  /** The request id: read from the request header, or generated. */
  readonly requestId: string
  /** Sets user fields; they win over what `identify` returns. */
  setUser(user: UserFields): void
  /** Sets the route template (`/users/:id`) when the adapter cannot know it. */
  setRoute(route: string, params?: JsonObject): void
  /** Records the error the request failed with. */
  setError(error: unknown): void
}

/**
 * Starts recording a node:http request: echoes the request id, taps bodies only when
 * their capture is on, and queues the event when the response closes. Taps observe
 * chunks as they pass and never change how they flow, so back-pressure and streaming
 * stay the app's. Call inside a guard; the returned record is also `hostReq.echotrail`.
 * `reply`, when given, receives the echoed request id instead of `res`.
 */
export function recordNodeRequest<Req extends object>(
  capture: RequestCapture<Req>,
  hostReq: Req,
  req: IncomingMessage,
  res: ServerResponse,
  hooks: NodeRequestHooks<Req>,
  reply?: FrameworkHeaders,
): RequestRecord<Req> | undefined {
  const o = capture.options
  const ip = (o.trustProxy ? forwardedFor(req) : undefined) ?? req.socket?.remoteAddress
  const record = capture.begin(hostReq, req.method, req.url ?? '/', req.headers, ip)
  if (record === undefined) return undefined
  if (hooks.attach !== undefined) hooks.attach(hostReq, record)
  else (hostReq as { echotrail?: EchotrailRequestContext }).echotrail = record
  if (o.echoRequestId) {
    if (reply !== undefined) reply.header(o.requestIdHeader, record.requestId)
    else {
      // Tried rather than checked with `headersSent` first: on Express every property
      // read of `res` is a lookup of its own, and the headers are almost never sent yet.
      try {
        res.setHeader(o.requestIdHeader, record.requestId)
      } catch (error) {
        // Headers already sent (an earlier handler answered) leave nothing to echo on.
        if (!res.headersSent) capture.client.failures.report('capture.echo', error)
      }
    }
  }
  let requestTap: BodyTap | undefined
  let requestKind: BodyKind | undefined
  if (o.captureRequestBody) {
    requestKind = encodedBody(req.headers['content-encoding']) ? undefined : bodyKindOf(req.headers['content-type'])
    if (requestKind !== undefined) {
      // node:http hands out every 'data' chunk as a fresh copy: kept by reference.
      requestTap = new BodyTap(o.maxBodyBytes, false)
      if (hooks.taps === undefined || !hooks.taps.request(hostReq, req, requestTap)) tapEmittedData(req, requestTap)
    }
  }
  let responseTap: ResponseTap | undefined
  if (o.captureResponseBody) {
    responseTap = new ResponseTap(res, o.maxBodyBytes)
    if (hooks.taps === undefined || !hooks.taps.response(hostReq, res, responseTap)) tapWrites(res, responseTap)
  }
  const closing = new Closing(capture, hostReq, res, hooks, record, requestTap, requestKind, responseTap)
  // `on`, not `once`: 'close' comes once anyway, and `once` wraps every listener in a bound copy.
  if (hooks.taps?.close === undefined || !hooks.taps.close(hostReq, res, closing)) res.on('close', () => closing.closed())
  return record
}

/** What ends a record when its response closes: route, bodies, completeness, then `end`. */
class Closing<Req extends object> implements CloseObserver {
  constructor(
    readonly capture: RequestCapture<Req>,
    readonly hostReq: Req,
    readonly res: ServerResponse,
    readonly hooks: NodeRequestHooks<Req>,
    readonly record: RequestRecord<Req>,
    readonly requestTap: BodyTap | undefined,
    readonly requestKind: BodyKind | undefined,
    readonly responseTap: ResponseTap | undefined,
  ) {}

  closed(): void {
    const { hooks, hostReq, record, res, responseTap } = this
    try {
      if (hooks.route !== undefined) {
        const found = hooks.route(hostReq)
        if (found !== undefined) record.setRoute(found.route, found.params)
      }
      if (this.capture.options.captureRequestBody) {
        record.requestBody = requestBodyOf(hostReq, hooks, this.requestTap, this.requestKind) ?? record.requestBody
      }
      if (responseTap !== undefined && responseTap.kind !== undefined && !responseTap.tap.empty) {
        record.responseBody = decodeBody(responseTap.kind, responseTap.tap.text(), responseTap.tap.truncated)
      }
      if (!res.writableFinished) record.setError(new Error('the connection closed before the response was complete'))
      record.end(res.statusCode)
    } catch (error) {
      this.capture.client.failures.report('capture.end', error)
    }
  }
}

function requestBodyOf<Req>(hostReq: Req, hooks: NodeRequestHooks<Req>, tap: BodyTap | undefined, kind: BodyKind | undefined) {
  // A cut body stays cut: the parsed object could be far larger than maxBodyBytes.
  if (tap !== undefined && tap.truncated) return decodeBody(kind!, tap.text(), true)
  const parsed = hooks.parsedBody?.(hostReq)
  if (typeof parsed === 'object' && parsed !== null && !Buffer.isBuffer(parsed)) return parsed as JsonObject
  if (typeof parsed === 'string') return parsed
  if (tap !== undefined && !tap.empty) return decodeBody(kind!, tap.text(), false)
  return undefined
}

/**
 * Observes 'data' as it is emitted instead of listening for it: a listener would switch
 * the stream to flowing mode before the app reads it. `read()` emits 'data' too, so
 * pipes, async iteration and body parsers are all seen.
 */
function tapEmittedData(req: IncomingMessage, tap: ChunkObserver): void {
  const emit = req.emit
  req.emit = function (this: IncomingMessage, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'data') tap.add(args[0])
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>)
  } as typeof req.emit
}

/** Copies written chunks up to `maxBytes`, once the headers say the body is recordable: JSON, form or text, not compressed. */
class ResponseTap implements ChunkObserver {
  // Copied: the app may reuse a buffer once write() returned.
  readonly tap: BodyTap
  kind: BodyKind | undefined = undefined
  #decided = false
  readonly #res: ServerResponse

  constructor(res: ServerResponse, maxBytes: number) {
    this.#res = res
    this.tap = new BodyTap(maxBytes, true)
  }

  add(chunk: unknown, encoding?: unknown): void {
    if (!this.#decided) {
      this.#decided = true
      const type = responseHeader(this.#res, 'content-type')
      this.kind = encodedBody(responseHeader(this.#res, 'content-encoding')) ? undefined : bodyKindOf(type)
    }
    if (this.kind !== undefined && typeof chunk !== 'function') this.tap.add(chunk, encoding)
  }
}

/** Wraps this response's own `write` and `end` so `observer` sees every chunk. */
function tapWrites(res: ServerResponse, observer: ChunkObserver): void {
  const write = res.write
  const end = res.end
  res.write = function (this: ServerResponse, ...args: unknown[]): boolean {
    try {
      observer.add(args[0], args[1])
    } catch {
      // Observation is best-effort; the write itself must happen.
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args)
  } as typeof res.write
  res.end = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    try {
      observer.add(args[0], args[1])
    } catch {
      // As above.
    }
    return (end as (...a: unknown[]) => ServerResponse).apply(this, args)
  } as typeof res.end
}

/**
 * A response header, also when it was passed to `writeHead(status, headers)`: Node then
 * writes the head at once without keeping the headers for `getHeader` (Fastify answers
 * this way, and many node:http apps), so the written head (`_header`) is read instead.
 */
function responseHeader(res: ServerResponse, name: string): string | undefined {
  const value = res.getHeader(name)
  if (value !== undefined) return Array.isArray(value) ? value[0] : String(value)
  const head = (res as { _header?: unknown })._header
  if (typeof head !== 'string') return undefined
  const at = head.toLowerCase().indexOf(`\r\n${name}:`)
  if (at === -1) return undefined
  const start = at + name.length + 3
  const end = head.indexOf('\r\n', start)
  return head.slice(start, end === -1 ? undefined : end).trim()
}

/** True for a body sent compressed (`Content-Encoding` other than identity): its bytes are not the text. */
function encodedBody(coding: string | string[] | undefined): boolean {
  const value = Array.isArray(coding) ? coding[0] : coding
  return value !== undefined && value.toLowerCase() !== 'identity'
}

function forwardedFor(req: IncomingMessage): string | undefined {
  const header = req.headers['x-forwarded-for']
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined) return undefined
  const comma = value.indexOf(',')
  return (comma === -1 ? value : value.slice(0, comma)).trim() || undefined
}
