// @echotrail/node/http — records every request of a node:http server.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { NodeClient } from './client'
import type { AdapterOptions } from './capture/request-capture'
import { createRequestCapture } from './capture/request-capture'
import { recordNodeRequest } from './capture/node-request'
import type { RequestRecord } from './capture/request-record'

export type { BodyTaps, ChunkObserver, CloseObserver, EchotrailRequestContext, FrameworkHeaders, NodeRequestHooks } from './capture/node-request'
export { recordNodeRequest } from './capture/node-request'
export { createRequestCapture } from './capture/request-capture'
export type { AdapterOptions, RequestCapture } from './capture/request-capture'
export type { RequestRecord } from './capture/request-record'

/** Options of `withEchotrail`: capture options, a client or its options, and how to name routes. */
export type HttpAdapterOptions = AdapterOptions<IncomingMessage> & {
  /** Returns the route template of a request (`/users/:id`); node:http has no router. */
  route?: (req: IncomingMessage) => string | undefined
}

/** A node:http request listener. */
export type HttpListener = (req: IncomingMessage, res: ServerResponse) => unknown

/**
 * Wraps a node:http request listener so every request becomes an audit event:
 * `http.createServer(withEchotrail(listener, { apiKey, service }))`. The listener runs
 * exactly as before; its errors stay its own (recorded as `error_message`, then rethrown).
 */
export function withEchotrail<L extends HttpListener>(listener: L, options: HttpAdapterOptions): L & { client: NodeClient } {
  const capture = createRequestCapture<IncomingMessage>(options)
  const failures = capture.client.failures
  const routeOf = options.route
  const hooks = routeOf === undefined ? {} : {
    route(req: IncomingMessage) {
      const route = routeOf(req)
      return route === undefined ? undefined : { route }
    },
  }
  const wrapped = function (this: unknown, req: IncomingMessage, res: ServerResponse): unknown {
    let record: RequestRecord<IncomingMessage> | undefined
    try {
      record = recordNodeRequest(capture, req, req, res, hooks)
    } catch (error) {
      failures.report('http.begin', error)
    }
    let result: unknown
    try {
      result = listener.call(this, req, res)
    } catch (error) {
      record?.setError(error)
      throw error
    }
    if (record !== undefined && isThenable(result)) {
      record.hold()
      // Rethrown, so an unhandled rejection stays as unhandled as it was without us.
      void result.then(
        () => record.release(),
        (error: unknown) => {
          record.setError(error)
          record.release()
          throw error
        },
      )
    }
    return result
  }
  return Object.assign(wrapped as L, { client: capture.client })
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}
