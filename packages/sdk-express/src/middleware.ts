import type { AdapterOptions, EchotrailRequestContext, NodeRequestHooks } from '@echotrail/node/http'
import { createRequestCapture, recordNodeRequest } from '@echotrail/node/http'
import type { NodeClient } from '@echotrail/node'
import type { ErrorRequestHandler, Request, RequestHandler } from 'express'

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

const EXPRESS_HOOKS: NodeRequestHooks<Request> = {
  route(req) {
    const path = (req.route as { path?: unknown } | undefined)?.path
    if (typeof path !== 'string') return undefined
    const params = req.params as Record<string, string> | undefined
    const hasParams = params !== undefined && Object.keys(params).length > 0
    return { route: req.baseUrl + path, params: hasParams ? { ...params } : undefined }
  },
  // What a body parser (express.json(), urlencoded, text) left; the tapped bytes otherwise.
  parsedBody: (req) => (req as { body?: unknown }).body,
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
