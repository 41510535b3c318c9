// @echotrail/node/next — records Next.js App Router route handlers and Node-runtime middleware.
import type { JsonObject } from '@echotrail/core'
import type { NodeClient } from './client'
import type { FetchExchangeHooks } from './capture/fetch-exchange'
import { recordFetchExchange } from './capture/fetch-exchange'
import type { AdapterOptions } from './capture/request-capture'
import { createRequestCapture } from './capture/request-capture'

/** Options of the Next.js adapters. */
export type NextOptions = AdapterOptions<Request> & {
  /**
   * Route template: the route file's path (`'/api/users/[id]'`), or a function of the request
   * (middleware sees every route). With a string, `path_params` come from the handler's `params`.
   */
  route?: string | ((request: Request) => string | undefined)
}

/** An App Router route handler: `(request, { params })`. */
export type NextRouteHandler<Req extends Request = Request, Ctx = unknown> = (request: Req, context: Ctx) => Response | Promise<Response>

/** What a middleware returns: a Response (`NextResponse.next()` is one) or nothing to continue. */
export type NextMiddlewareResult = Response | null | undefined | void

/** A `middleware.ts`/`proxy.ts` function: `(request, event)`. */
export type NextMiddlewareHandler<Req extends Request = Request, Ev = unknown> = (request: Req, event: Ev) => NextMiddlewareResult | Promise<NextMiddlewareResult>

type After = (task: Promise<unknown>) => void

let afterLoading: Promise<After | undefined> | undefined

/**
 * `after` of `next/server`, or undefined where Next is not installed (next is an optional
 * peer). Loaded once, on first use, so importing this entry never requires Next.
 */
function loadAfter(): Promise<After | undefined> {
  afterLoading ??= import('next/server').then(
    (mod: { after?: unknown }) => (typeof mod.after === 'function' ? (mod.after as After) : undefined),
    () => undefined,
  )
  return afterLoading
}

/**
 * Wraps an App Router route handler: `export const GET = withEchotrail(handler, { client,
 * route: '/api/users/[id]' })`. The request is recorded when the handler's Response is ready;
 * the flush goes to `after()` (or the context's `waitUntil`), so serverless functions stay
 * alive until the event is delivered.
 */
export function withEchotrail<Req extends Request, Ctx>(
  handler: NextRouteHandler<Req, Ctx>,
  options: NextOptions,
): ((request: Req, context: Ctx) => Promise<Response>) & { client: NodeClient } {
  const capture = createRequestCapture<Request>(options)
  const client = capture.client
  const route = routeOf(options.route)
  const fixedRoute = typeof options.route === 'string'
  const wrapped = async (request: Req, context: Ctx): Promise<Response> => {
    const after = client.enabled ? await loadAfter() : undefined
    return recordFetchExchange(capture, request, () => handler(request, context), {
      site: 'next',
      route,
      params: fixedRoute ? () => paramsOf(context) : undefined,
      handOff: handOffTo(client, context, after),
    })
  }
  return Object.assign(wrapped, { client })
}

/**
 * Wraps a middleware (`middleware.ts`, or `proxy.ts` in Next 16) on the Node.js runtime; the
 * middleware's result is returned unchanged. The recorded status is that of its Response
 * (200 when it continues), not the final route's: prefer `withEchotrail` on route handlers.
 * Without a middleware, the returned one only records and continues.
 */
export function echotrailMiddleware<Req extends Request, Ev>(
  middleware: NextMiddlewareHandler<Req, Ev> | undefined,
  options: NextOptions,
): ((request: Req, event: Ev) => Promise<NextMiddlewareResult>) & { client: NodeClient } {
  const capture = createRequestCapture<Request>(options)
  const client = capture.client
  const route = routeOf(options.route)
  const wrapped = async (request: Req, event: Ev): Promise<NextMiddlewareResult> => {
    const after = client.enabled ? await loadAfter() : undefined
    let result: NextMiddlewareResult
    await recordFetchExchange(
      capture,
      request,
      async () => {
        result = middleware === undefined ? undefined : await middleware(request, event)
        return isResponse(result) ? result : CONTINUE
      },
      // The middleware's own result goes back, so the id is set only on headers that can change
      // (NextResponse's can).
      { site: 'next.middleware', route, handOff: handOffTo(client, event, after), noEcho: (response) => response === CONTINUE, keepIdentity: true },
    )
    return result
  }
  return Object.assign(wrapped, { client })
}

/** Stands for "continue" (`undefined`, `NextResponse.next()`): what the middleware answered. */
const CONTINUE = { status: 200, headers: new Headers(), body: null, bodyUsed: false } as unknown as Response

function routeOf(route: NextOptions['route']): ((request: Request) => string | undefined) | undefined {
  if (typeof route === 'string') return () => route
  return route
}

function handOffTo(client: NodeClient, context: unknown, after: After | undefined): FetchExchangeHooks['handOff'] {
  return (queued) => {
    const task = queued.then(() => client.flush())
    const waitUntil = (context as { waitUntil?: unknown } | null | undefined)?.waitUntil
    if (typeof waitUntil === 'function') return void waitUntil.call(context, task)
    if (after === undefined) return
    try {
      after(task)
    } catch {
      // Outside a request scope (a unit test, a custom server): the client's timer delivers.
    }
  }
}

/** The route's `params` (a promise since Next 15, an object before), as recorded path parameters. */
async function paramsOf(context: unknown): Promise<JsonObject | undefined> {
  const params: unknown = await (context as { params?: unknown } | null | undefined)?.params
  if (typeof params !== 'object' || params === null) return undefined
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string' || Array.isArray(value)) out[key] = value as string | string[]
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function isResponse(value: unknown): value is Response {
  return typeof value === 'object' && value !== null && typeof (value as Response).status === 'number' && typeof (value as Response).headers === 'object'
}
