// Type tests of @echotrail/express: `pnpm typecheck` checks them; under vitest they are no-ops.
import express from 'express'
import type { ErrorRequestHandler, Request, RequestHandler } from 'express'
import { describe, expectTypeOf, it } from 'vitest'
import type { EchotrailMiddleware, EchotrailRequestContext, NodeClient } from '@echotrail/express'
import { echotrail, echotrailErrorHandler } from '@echotrail/express'

// Never called: the bodies only need to type-check.
const typeOnly = (_check: () => unknown): void => {}

describe('the public types of @echotrail/express', () => {
  it('echotrail() is Express middleware carrying its client', () => {
    const middleware = echotrail({ apiKey: 'et_sk_x', service: 'api' })
    expectTypeOf(middleware).toEqualTypeOf<EchotrailMiddleware>()
    expectTypeOf(middleware).toExtend<RequestHandler>()
    expectTypeOf(middleware.client).toEqualTypeOf<NodeClient>()
    expectTypeOf(echotrailErrorHandler()).toEqualTypeOf<ErrorRequestHandler>()
  })

  it('types the hooks by the Express Request and needs a key or a client', () => {
    typeOnly(() => {
      echotrail({ apiKey: 'et_sk_x', identify: (req) => ({ identifier: req.get('x-user') }), ignore: (req) => req.path === '/x' })
      echotrail({ client: echotrail({ apiKey: 'et_sk_x' }).client, captureRequestBody: true })
      // @ts-expect-error a key or a client is required
      echotrail({ service: 'api' })
      // @ts-expect-error identify returns user fields
      echotrail({ apiKey: 'et_sk_x', identify: () => 'ada' })
    })
    expectTypeOf<Parameters<NonNullable<Parameters<typeof echotrail>[0]['identify']>>[0]>().toEqualTypeOf<Request>()
  })

  it('declares req.echotrail on every Express request', () => {
    const app = express()
    app.get('/', (req, res) => {
      expectTypeOf(req.echotrail).toEqualTypeOf<EchotrailRequestContext | undefined>()
      req.echotrail?.setUser({ identifier: 'u_1', user_roles: ['admin'] })
      res.end()
    })
    expectTypeOf<EchotrailRequestContext['requestId']>().toEqualTypeOf<string>()
  })
})
