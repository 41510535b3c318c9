// @echotrail/node/fetch — records handlers of the shape (Request) => Response, and Hono apps.
import type { NodeClient } from './client'
import { recordFetchExchange, withRequestId } from './capture/fetch-exchange'
import { beginFetchRequest, readCappedBody } from './capture/fetch-request'
import type { AdapterOptions } from './capture/request-capture'
import { createRequestCapture } from './capture/request-capture'
import type { RequestRecord } from './capture/request-record'

/** Options of the fetch adapters. */
export type FetchOptions = AdapterOptions<Request> & {
  /** Returns the route template of a request (`/users/:id`); fetch handlers have no router. */
  route?: (request: Request) => string | undefined
}

/** A fetch-style handler: the Request first, anything after (env, ctx) passed through. */
export type FetchHandler<Rest extends unknown[] = unknown[]> = (request: Request, ...rest: Rest) => Response | Promise<Response>

/** What a serverless platform may hand the handler to keep work alive after the response. */
interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void
}

/**
 * Wraps a fetch handler (Workers, Deno, Bun, `Request → Response` routers): the request is
 * recorded when the handler's Response is ready; `response_time` is time to the Response.
 * Where a context with `waitUntil` is passed (Workers: `(request, env, ctx)`), the flush is
 * handed to it so the platform keeps the process alive until the event is delivered.
 */
export function withEchotrail<Rest extends unknown[]>(handler: FetchHandler<Rest>, options: FetchOptions): FetchHandler<Rest> & { client: NodeClient } {
  const capture = createRequestCapture<Request>(options)
  const client = capture.client
  const route = options.route
  const wrapped = (request: Request, ...rest: Rest): Promise<Response> =>
    recordFetchExchange(capture, request, () => handler(request, ...rest), {
      site: 'fetch',
      route,
      handOff: (queued) => rest.find(isWaitUntilContext)?.waitUntil(queued.then(() => client.flush())),
    })
  return Object.assign(wrapped, { client })
}

function isWaitUntilContext(value: unknown): value is WaitUntilContext {
  return typeof value === 'object' && value !== null && typeof (value as { waitUntil?: unknown }).waitUntil === 'function'
}

/** The part of a Hono `Context` the middleware reads (structural, so hono is not a dependency). */
export interface HonoLikeContext {
  req: { raw: Request; routePath: string; param(): Record<string, string> }
  res: Response
  error?: Error | undefined
  env?: unknown
  executionCtx?: unknown
}

/**
 * Hono middleware: `app.use(echotrailHono({ apiKey, service }))`. The route template is the
 * path of the route that answered (`c.req.routePath`).
 */
export function echotrailHono(options: FetchOptions): ((c: HonoLikeContext, next: () => Promise<void>) => Promise<void>) & { client: NodeClient } {
  const capture = createRequestCapture<Request>(options)
  const failures = capture.client.failures
  const middleware = async (c: HonoLikeContext, next: () => Promise<void>): Promise<void> => {
    let record: RequestRecord<Request> | undefined
    let requestBody: Promise<unknown> | undefined
    try {
      const raw = c.req.raw
      record = beginFetchRequest(capture, raw, raw, remoteAddressOf(c.env))
      if (record !== undefined && capture.options.captureRequestBody) requestBody = readCappedBody(raw, capture.options.maxBodyBytes)
    } catch (error) {
      failures.report('hono.begin', error)
    }
    if (record === undefined) return next()
    try {
      await next()
    } catch (error) {
      record.setError(error)
      throw error
    } finally {
      echo(record, c)
      void finishHono(record, c, requestBody)
    }
  }
  return Object.assign(middleware, { client: capture.client })

  function echo(record: RequestRecord<Request>, c: HonoLikeContext): void {
    const o = capture.options
    if (!o.echoRequestId) return
    try {
      const response = withRequestId(c.res, o.requestIdHeader, record.requestId)
      // Hono's `res` setter carries the headers of the old Response over to a new one.
      if (response !== c.res) c.res = response
    } catch (error) {
      failures.report('hono.echo', error)
    }
  }

  async function finishHono(record: RequestRecord<Request>, c: HonoLikeContext, requestBody: Promise<unknown> | undefined) {
    try {
      if (c.error !== undefined) record.setError(c.error)
      const route = c.req.routePath
      if (typeof route === 'string' && !route.includes('*')) {
        const params = c.req.param()
        record.setRoute(route, Object.keys(params).length > 0 ? { ...params } : undefined)
      }
      const response = c.res
      // Cloned before any await: the server starts reading the body once we return.
      const responseBody = capture.options.captureResponseBody ? readCappedBody(response, capture.options.maxBodyBytes) : undefined
      if (requestBody !== undefined) record.requestBody = (await requestBody.catch(() => undefined)) as typeof record.requestBody
      if (responseBody !== undefined) record.responseBody = (await responseBody.catch(() => undefined)) as typeof record.responseBody
      record.end(response.status)
    } catch (error) {
      failures.report('hono.end', error)
    }
  }
}

/** @hono/node-server puts the socket at `c.env.incoming`. */
function remoteAddressOf(env: unknown): string | undefined {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming
  return incoming?.socket?.remoteAddress
}
