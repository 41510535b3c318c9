// Type tests of the public surface: `pnpm typecheck` (tsc) checks every expectTypeOf and
// every @ts-expect-error here; vitest runs the file too, where the assertions are no-ops.
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base'
import Fastify from 'fastify'
import type { FastifyRequest } from 'fastify'
import type { IncomingMessage } from 'node:http'
import { describe, expectTypeOf, it } from 'vitest'
import type { ActionInput, EchotrailError, NodeClient, NodeClientOptions, NodeClientStats, NodeErrorCode, UserFields } from '@echotrail/node'
import { createClient, isEchotrailError, NODE_DEFAULTS } from '@echotrail/node'
import type { EchotrailRequestContext } from '@echotrail/node/http'
import { withEchotrail as withHttp } from '@echotrail/node/http'
import { echotrailFastify } from '@echotrail/node/fastify'
import { echotrailHono, withEchotrail as withFetch } from '@echotrail/node/fetch'
import { echotrailMiddleware, withEchotrail as withNext } from '@echotrail/node/next'
import type { EchotrailSpanProcessor } from '@echotrail/node/otel'

// Never called: the bodies only need to type-check.
const typeOnly = (_check: () => unknown): void => {}

describe('the public types of @echotrail/node', () => {
  it('createClient takes options with a required key and returns a NodeClient', () => {
    expectTypeOf(createClient).parameter(0).toEqualTypeOf<NodeClientOptions>()
    expectTypeOf(createClient).returns.toEqualTypeOf<NodeClient>()
    expectTypeOf<NodeClientOptions['apiKey']>().toEqualTypeOf<string>()
    typeOnly(() => {
      // @ts-expect-error apiKey is required
      createClient({ endpoint: 'http://localhost:8081' })
      // @ts-expect-error an option's type is checked
      createClient({ apiKey: 'et_sk_x', flushIntervalMs: '1s' })
    })
    expectTypeOf(NODE_DEFAULTS.flushIntervalMs).toEqualTypeOf<1_000>()
  })

  it('action needs an action name and takes actor, resource and parameters', () => {
    expectTypeOf<NodeClient['action']>().parameter(0).toEqualTypeOf<ActionInput>()
    expectTypeOf<NodeClient['action']>().returns.toEqualTypeOf<void>()
    expectTypeOf<ActionInput['actor_type']>().toEqualTypeOf<'human' | 'agent' | 'system' | undefined>()
    typeOnly(() => {
      const client = createClient({ apiKey: 'et_sk_x' })
      client.action({ action: 'key.created', actor: 'ada@example.com', actor_type: 'human', resource_type: 'api_key', resource_id: 'k_1', parameters: { scope: 'read' } })
      // @ts-expect-error action is required
      client.action({ actor: 'ada@example.com' })
      // @ts-expect-error actor_type is one of human, agent, system
      client.action({ action: 'x', actor_type: 'robot' })
      // @ts-expect-error parameters are JSON
      client.action({ action: 'x', parameters: { at: new Date() } })
    })
  })

  it('capture takes a request event or an action event', () => {
    typeOnly(() => {
      const client = createClient({ apiKey: 'et_sk_x' })
      client.capture({ path: '/users/1', method: 'GET', status_code: 200 })
      client.capture({ action: 'HardDeleteTenant' })
      // @ts-expect-error a request event needs a method and a status code (or orphan)
      client.capture({ path: '/users/1' })
      // @ts-expect-error methods are the wire format's
      client.capture({ path: '/x', method: 'PROPFIND', status_code: 207 })
    })
    expectTypeOf<NodeClient['capture']>().returns.toEqualTypeOf<void>()
  })

  it('flush, shutdown and stats say what they promise', () => {
    expectTypeOf<NodeClient['flush']>().returns.toEqualTypeOf<Promise<boolean>>()
    expectTypeOf<NodeClient['shutdown']>().returns.toEqualTypeOf<Promise<boolean>>()
    expectTypeOf<NodeClientStats['failures']>().toEqualTypeOf<number>()
    expectTypeOf<NodeClientStats['sent']>().toEqualTypeOf<number>()
    expectTypeOf<NodeClientStats['failuresBySite']>().toEqualTypeOf<Readonly<Record<string, number>>>()
  })

  it('isEchotrailError narrows to an error with a code', () => {
    const error: unknown = undefined
    if (isEchotrailError(error)) expectTypeOf(error).toEqualTypeOf<EchotrailError>()
    expectTypeOf<NodeErrorCode>().toExtend<EchotrailError['code']>()
  })

  it('the node:http adapter keeps the listener type, types hooks by IncomingMessage and adds the client', () => {
    const listener = (_req: IncomingMessage, _res: unknown) => undefined
    const wrapped = withHttp(listener, { apiKey: 'et_sk_x', identify: (req) => ({ identifier: req.headers['x-user'] as string }), route: (req) => req.url })
    expectTypeOf(wrapped).toExtend<typeof listener>()
    expectTypeOf(wrapped.client).toEqualTypeOf<NodeClient>()
    typeOnly(() => {
      const client = createClient({ apiKey: 'et_sk_x' })
      withHttp(listener, { client, captureRequestBody: true })
      // @ts-expect-error identify returns user fields
      withHttp(listener, { client, identify: () => ({ identifier: 42 }) })
    })
    expectTypeOf<UserFields['user_roles']>().toEqualTypeOf<string[] | undefined>()
  })

  it('the Fastify plugin types request.echotrail, app.echotrail and its hooks', () => {
    typeOnly(async () => {
      const app = Fastify()
      await app.register(echotrailFastify, { apiKey: 'et_sk_x', identify: (request) => ({ identifier: request.id }) })
      expectTypeOf(app.echotrail).toEqualTypeOf<NodeClient>()
      app.get('/', async (request) => {
        expectTypeOf(request.echotrail).toEqualTypeOf<EchotrailRequestContext | undefined>()
        request.echotrail?.setUser({ identifier: 'u_1' })
        return null
      })
      // @ts-expect-error the plugin needs a key or a client
      await app.register(echotrailFastify, { service: 'x' })
    })
    expectTypeOf<Parameters<NonNullable<Parameters<typeof echotrailFastify>[1]['identify']>>[0]>().toEqualTypeOf<FastifyRequest>()
  })

  it('the fetch adapters keep the handler signature and add the client', () => {
    const handler = async (_request: Request, _env: { KV: string }, _ctx: { waitUntil(p: Promise<unknown>): void }) => new Response('ok')
    const wrapped = withFetch(handler, { apiKey: 'et_sk_x' })
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[Request, { KV: string }, { waitUntil(p: Promise<unknown>): void }]>()
    expectTypeOf(wrapped).returns.toEqualTypeOf<Response | Promise<Response>>()
    expectTypeOf(wrapped.client).toEqualTypeOf<NodeClient>()
    const hono = echotrailHono({ apiKey: 'et_sk_x' })
    expectTypeOf(hono.client).toEqualTypeOf<NodeClient>()
    expectTypeOf(hono).returns.toEqualTypeOf<Promise<void>>()
  })

  it('the Next adapters keep the route handler and middleware signatures', () => {
    const GET = withNext(async (_request: Request, _ctx: { params: Promise<{ id: string }> }) => Response.json({}), { apiKey: 'et_sk_x', route: '/api/users/[id]' })
    expectTypeOf(GET).parameters.toEqualTypeOf<[Request, { params: Promise<{ id: string }> }]>()
    expectTypeOf(GET).returns.toEqualTypeOf<Promise<Response>>()
    const middleware = echotrailMiddleware(undefined, { apiKey: 'et_sk_x' })
    expectTypeOf(middleware.client).toEqualTypeOf<NodeClient>()
  })

  it('the span processor is an OpenTelemetry SpanProcessor', () => {
    expectTypeOf<EchotrailSpanProcessor>().toExtend<SpanProcessor>()
    expectTypeOf<EchotrailSpanProcessor['client']>().toEqualTypeOf<NodeClient>()
  })
})
