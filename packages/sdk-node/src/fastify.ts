// @echotrail/node/fastify — a Fastify plugin that records every request.
import type { JsonObject } from '@echotrail/core'
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify'
import type { NodeClient } from './client'
import type { EchotrailRequestContext, NodeRequestHooks } from './capture/node-request'
import { recordNodeRequest } from './capture/node-request'
import type { AdapterOptions } from './capture/request-capture'
import { createRequestCapture } from './capture/request-capture'

/** Options of the Fastify plugin: capture options and a client or its options. */
export type FastifyOptions = AdapterOptions<FastifyRequest>

declare module 'fastify' {
  interface FastifyRequest {
    /** The Echotrail record of this request: request id, `setUser`, `setRoute`, `setError`. */
    echotrail?: EchotrailRequestContext
  }
}

const FASTIFY_HOOKS: NodeRequestHooks<FastifyRequest> = {
  route(request) {
    const url = request.routeOptions.url
    if (url === undefined) return undefined
    const params = request.params as JsonObject | undefined
    const hasParams = params !== undefined && params !== null && Object.keys(params).length > 0
    return { route: url, params: hasParams ? { ...params } : undefined }
  },
  parsedBody: (request) => request.body,
}

/**
 * Records every request of the Fastify app it is registered on, route template from
 * the route config: `await app.register(echotrailFastify, { apiKey, service })`. It is
 * not encapsulated, so it sees the routes of every plugin registered after it. The client
 * is decorated as `app.echotrail` and shut down with the app.
 */
export const echotrailFastify: FastifyPluginCallback<FastifyOptions> = (app: FastifyInstance, options, done) => {
  const capture = createRequestCapture<FastifyRequest>(options)
  const failures = capture.client.failures
  app.decorate('echotrail', capture.client)
  // Declared up front, so every request object has the same shape instead of gaining a
  // property mid-flight (which makes the code that reads requests polymorphic).
  if (!app.hasRequestDecorator('echotrail')) app.decorateRequest('echotrail', undefined)
  app.addHook('onRequest', (request, reply, next) => {
    try {
      recordNodeRequest(capture, request, request.raw, reply.raw, FASTIFY_HOOKS, reply)
    } catch (error) {
      failures.report('fastify.begin', error)
    }
    next()
  })
  app.addHook('onError', (request, _reply, error, next) => {
    try {
      request.echotrail?.setError(error)
    } catch (failure) {
      failures.report('fastify.error', failure)
    }
    next()
  })
  // Only a client this plugin made is ours to shut down.
  if (!('client' in options && options.client)) {
    app.addHook('onClose', (_app, next) => {
      void capture.client.shutdown().then(() => next(), () => next())
    })
  }
  done()
}

// What fastify-plugin sets: register the hooks on the parent scope, not an encapsulated child.
Object.assign(echotrailFastify, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@echotrail/node/fastify',
})

declare module 'fastify' {
  interface FastifyInstance {
    /** The Echotrail client of `echotrailFastify` (flush, stats, explicit actions). */
    echotrail: NodeClient
  }
}
