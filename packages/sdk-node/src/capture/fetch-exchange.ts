import type { JsonObject } from '@echotrail/core'
import { beginFetchRequest, readCappedBody } from './fetch-request'
import type { RequestCapture } from './request-capture'
import type { RequestRecord } from './request-record'

/** What a fetch-style adapter knows about one exchange besides the Request itself. */
export interface FetchExchangeHooks {
  /** Site prefix for failures (`fetch`, `next`). */
  site: string
  /** The route template of the request, read once the Response is ready. */
  route?: ((request: Request) => string | undefined) | undefined
  /** The path parameters, read once the Response is ready (Next passes them as a promise). */
  params?: (() => Promise<JsonObject | undefined> | JsonObject | undefined) | undefined
  /** Receives the promise of the queued event, to keep the platform alive until it is delivered. */
  handOff?: ((queued: Promise<void>) => void) | undefined
  /** True for a Response that stands for none (Next middleware continuing): no request id is set on it. */
  noEcho?: ((response: Response) => boolean) | undefined
  /** The caller must get its own Response object back: the id is set only where its headers can change. */
  keepIdentity?: boolean | undefined
}

/**
 * Records one `Request → Response` exchange: begins before `call`, ends when its Response
 * is ready (or it threw, as a 500). The host's errors are rethrown untouched; ours are
 * reported. Bodies are read from tees only when their capture is on.
 */
export async function recordFetchExchange(
  capture: RequestCapture<Request>,
  request: Request,
  call: () => Response | Promise<Response>,
  hooks: FetchExchangeHooks,
): Promise<Response> {
  const failures = capture.client.failures
  let record: RequestRecord<Request> | undefined
  let requestBody: Promise<unknown> | undefined
  try {
    record = beginFetchRequest(capture, request, request, undefined)
    if (record !== undefined && capture.options.captureRequestBody) requestBody = readCappedBody(request, capture.options.maxBodyBytes)
  } catch (error) {
    failures.report(`${hooks.site}.begin`, error)
  }
  if (record === undefined) return call()
  let response: Response
  try {
    response = await call()
  } catch (error) {
    handOff(finish(record, 500, requestBody, undefined, error))
    throw error
  }
  // Cloned now, before the caller starts reading the body.
  let responseBody: Promise<unknown> | undefined
  try {
    const o = capture.options
    if (o.echoRequestId && hooks.noEcho?.(response) !== true) response = withRequestId(response, o.requestIdHeader, record.requestId, hooks.keepIdentity !== true)
    if (o.captureResponseBody) responseBody = readCappedBody(response, o.maxBodyBytes)
  } catch (error) {
    failures.report(`${hooks.site}.end`, error)
  }
  handOff(finish(record, response.status, requestBody, responseBody, undefined))
  return response

  function handOff(queued: Promise<void>): void {
    if (hooks.handOff === undefined) return
    try {
      hooks.handOff(queued)
    } catch (error) {
      failures.report(`${hooks.site}.handoff`, error)
    }
  }

  async function finish(
    rec: RequestRecord<Request>,
    status: number,
    reqBody: Promise<unknown> | undefined,
    resBody: Promise<unknown> | undefined,
    error: unknown,
  ): Promise<void> {
    try {
      if (error !== undefined) rec.setError(error)
      const template = hooks.route?.(rec.req)
      if (template !== undefined) rec.setRoute(template, hooks.params === undefined ? undefined : await hooks.params())
      if (reqBody !== undefined) rec.requestBody = (await reqBody.catch(() => undefined)) as typeof rec.requestBody
      if (resBody !== undefined) rec.responseBody = (await resBody.catch(() => undefined)) as typeof rec.responseBody
    } catch (failure) {
      failures.report(`${hooks.site}.end`, failure)
    }
    try {
      // Ends even when a hook failed: the request happened and is worth an event.
      rec.end(status)
    } catch (failure) {
      failures.report(`${hooks.site}.end`, failure)
    }
  }
}

/**
 * `response` with the request id header set, unless the app set one. A Response from
 * `fetch()` has immutable headers, so it is copied first (`new Response(body, response)`,
 * the usual Workers idiom) when `copy` allows; one that cannot be copied (1xx, a used body)
 * is left as it is.
 */
export function withRequestId(response: Response, name: string, id: string, copy = true): Response {
  if (response.headers.has(name)) return response
  try {
    response.headers.set(name, id)
    return response
  } catch {
    if (!copy || response.status < 200 || response.status > 599 || response.bodyUsed) return response
    const copied = new Response(response.body, response)
    copied.headers.set(name, id)
    return copied
  }
}
