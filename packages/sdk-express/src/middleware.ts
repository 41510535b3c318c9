import type { AdapterOptions, EchotrailRequestContext, NodeRequestHooks } from '@echotrail/node/http'
import { createRequestCapture, recordNodeRequest } from '@echotrail/node/http'
import type { NodeClient } from '@echotrail/node'
import type { ErrorRequestHandler, Request, RequestHandler } from 'express'
import { IncomingMessage } from 'node:http'

/** Options of `echotrail()`: the capture options of @echotrail/node and a client or its options. */
export type ExpressOptions = AdapterOptions<Request>

/** The middleware, with the client it records through (for `flush()`/`shutdown()`). */
export type EchotrailMiddleware = RequestHandler & { client: NodeClient }

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    interface Request {
      /** The Echotrail record of this request: request id, `setUser`, `setRoute`, `setError`. */
      echotrail?: EchotrailRequestContext
    }
  }
}

// Express moves every request onto the app's request prototype (Object.setPrototypeOf),
// which leaves each req with a hidden class of its own: a property added to req makes V8
// build a new hidden class, every request (about 1.5 µs, measured in bench/sdk-node). A
// WeakMap costs more still: its entries keep the garbage collector busy (about 10 µs a
// request). So the record is kept in `res.locals`, the per-request object Express makes
// without a prototype (a hash table: adding to it is cheap), under a symbol, and
// `req.echotrail` is an accessor defined once on Express's base request prototype,
// shared by an app and its sub-apps.
const RECORD = Symbol('echotrail.record')
type Locals = { [RECORD]?: EchotrailRequestContext }
const ACCESSOR = {
  configurable: true,
  enumerable: false,
  get(this: { res?: { locals?: Locals } }): EchotrailRequestContext | undefined {
    return this.res?.locals?.[RECORD]
  },
  // An app that assigns req.echotrail itself gets an own property, as without the accessor.
  set(this: object, value: unknown): void {
    Object.defineProperty(this, 'echotrail', { value, writable: true, enumerable: true, configurable: true })
  },
}
// The prototype of the previous request, known to reach the accessor: checked once per app.
let lastProto: object | null = null

function attach(req: Request, record: EchotrailRequestContext): void {
  const proto = Object.getPrototypeOf(req) as object | null
  const locals = (req.res as { locals?: Locals } | undefined)?.locals
  if (typeof locals === 'object' && locals !== null && (proto === lastProto || installAccessor(proto))) {
    lastProto = proto
    locals[RECORD] = record
  } else {
    // Not on Express's prototypes (a bare IncomingMessage, another copy of this package
    // owns the accessor): an own property, as before.
    ;(req as { echotrail?: EchotrailRequestContext }).echotrail = record
  }
}

/** Defines the accessor on the prototype just above IncomingMessage.prototype (Express's `request`); false when there is none or it holds another `echotrail`. */
function installAccessor(proto: object | null): boolean {
  for (let p = proto; p !== null && p !== IncomingMessage.prototype; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.getPrototypeOf(p) !== IncomingMessage.prototype) continue
    const own = Object.getOwnPropertyDescriptor(p, 'echotrail')
    if (own === undefined) Object.defineProperty(p, 'echotrail', ACCESSOR)
    else if (own.get !== ACCESSOR.get) return false
    return true
  }
  return false
}

const EXPRESS_HOOKS: NodeRequestHooks<Request> = {
  route(req) {
    const path = (req.route as { path?: unknown } | undefined)?.path
    if (typeof path !== 'string') return undefined
    const params = req.params as Record<string, string> | undefined
    return { route: req.baseUrl + path, params: hasOwnKeys(params) ? { ...params } : undefined }
  },
  // What a body parser (express.json(), urlencoded, text) left; the tapped bytes otherwise.
  parsedBody: (req) => (req as { body?: unknown }).body,
  attach,
}

// for…in stops at the first key; Object.keys would build the array of all of them.
function hasOwnKeys(params: object | undefined): boolean {
  if (params === undefined || params === null) return false
  for (const key in params) if (Object.hasOwn(params, key)) return true
  return false
}

/**
 * Records every request of an Express 4 or 5 app as an audit event:
 * `app.use(echotrail({ apiKey, service }))`, before the routes. The route template is
 * `req.baseUrl + req.route.path`; errors reach the record through `echotrailErrorHandler()`
 * or `req.echotrail.setError()`.
 */
export function echotrail(options: ExpressOptions): EchotrailMiddleware {
  const capture = createRequestCapture<Request>(options)
  const failures = capture.client.failures
  const middleware: RequestHandler = (req, res, next) => {
    try {
      recordNodeRequest(capture, req, req, res, EXPRESS_HOOKS)
    } catch (error) {
      failures.report('express.begin', error)
    }
    next()
  }
  return Object.assign(middleware, { client: capture.client })
}

/**
 * An error middleware that records the error's message on the request and passes it on
 * unchanged: `app.use(echotrailErrorHandler())`, after the routes, before your own error handlers.
 */
export function echotrailErrorHandler(): ErrorRequestHandler {
  return (error: unknown, req, _res, next) => {
    try {
      req.echotrail?.setError(error)
    } catch {
      // Recording is best-effort; the app's error handling continues regardless.
    }
    next(error)
  }
}
