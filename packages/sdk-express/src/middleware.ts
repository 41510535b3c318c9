import type { AdapterOptions, BodyTaps, ChunkObserver, CloseObserver, EchotrailRequestContext, NodeRequestHooks } from '@echotrail/node/http'
import { createRequestCapture, recordNodeRequest } from '@echotrail/node/http'
import type { NodeClient } from '@echotrail/node'
import type { ErrorRequestHandler, Request, RequestHandler } from 'express'
import { IncomingMessage, ServerResponse } from 'node:http'

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
// which leaves each req and res with a hidden class of its own: a property added to one
// makes V8 build a new hidden class, every request (about 1.5–3 µs, measured in
// bench/sdk-node). A WeakMap costs more still: its entries keep the garbage collector busy
// (about 10 µs a request). So everything of a request is kept in one object, and that
// object is added to the request's stream state (`req._readableState`, which every
// IncomingMessage has and Express never moves onto its prototypes: all of them share one
// hidden class, so the property costs what it would on a plain object). A request without
// one (not a Node stream) keeps it on res instead. `req.echotrail` is an accessor defined
// once on Express's base request prototype, shared by an app and its sub-apps.
// Not in `res.locals`: apps replace that object (`res.locals = {...}`), and the record with
// it, which lost the request's event.
const STATE = Symbol('echotrail.state')
const RECORD = Symbol('echotrail.record')
const REQUEST_TAP = Symbol('echotrail.requestTap')
const RESPONSE_TAP = Symbol('echotrail.responseTap')
const CLOSING = Symbol('echotrail.closing')
// A class, so every request's state has one shape from the start whichever hooks it uses.
class RequestState {
  [RECORD]: EchotrailRequestContext | undefined = undefined;
  [REQUEST_TAP]: ChunkObserver | undefined = undefined;
  [RESPONSE_TAP]: ChunkObserver | undefined = undefined;
  [CLOSING]: CloseObserver | undefined = undefined
}
type WithState = { [STATE]?: RequestState }
type StateReq = { _readableState?: WithState | null; res?: WithState }
type StateRes = WithState & { req?: StateReq }

/** Where the state of `req` lives: its stream state, else its response. */
const holderOf = (req: StateReq): WithState | undefined => req._readableState ?? req.res
/** The holder of `res`'s state, found through its request (`res.req`, set by Node and Express). */
const resHolderOf = (res: StateRes): WithState | undefined => {
  const req = res.req
  return req === undefined ? res : holderOf(req)
}

const ACCESSOR = {
  configurable: true,
  enumerable: false,
  get(this: StateReq): EchotrailRequestContext | undefined {
    return holderOf(this)?.[STATE]?.[RECORD]
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
  const state = stateOf(req)
  if (state !== undefined && (proto === lastProto || installAccessor(proto))) {
    lastProto = proto
    state[RECORD] = record
  } else {
    // Not on Express's prototypes (a bare IncomingMessage, another copy of this package
    // owns the accessor): an own property, as before.
    ;(req as { echotrail?: EchotrailRequestContext }).echotrail = record
  }
}

/** Defines the accessor on the prototype just above IncomingMessage.prototype (Express's `request`); false when there is none or it holds another `echotrail`. */
function installAccessor(proto: object | null): boolean {
  const base = expressBase(proto, IncomingMessage.prototype)
  if (base === undefined) return false
  const own = Object.getOwnPropertyDescriptor(base, 'echotrail')
  if (own === undefined) Object.defineProperty(base, 'echotrail', ACCESSOR)
  return own === undefined || own.get === ACCESSOR.get
}

// The state of the request the middleware is starting to record: attach and the body
// taps run one after the other for it, and each read of req.res is a lookup of its own
// on Express's objects. Cleared once the middleware is done with it.
let beginningReq: Request | undefined
let beginningState: RequestState | undefined

const stateOf = (req: Request): RequestState | undefined => {
  if (beginningReq === req) return beginningState
  return holderOf(req as StateReq)?.[STATE]
}

/** The prototype just above `core` in the chain from `proto` (Express's `request` or `response`), if any. */
function expressBase(proto: object | null, core: object): object | undefined {
  for (let p = proto; p !== null && p !== core; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.getPrototypeOf(p) === core) return p
  }
  return undefined
}

// Body taps for the same reason: wrapping req.emit, res.write and res.end on each request
// adds three properties to objects with a hidden class of their own. Instead `emit`,
// `write` and `end` are wrapped once on Express's base prototypes, and look for the
// request's observer in its state (see holderOf); requests without one pass straight through. The
// wrappers call whatever the prototype above holds at call time, so patches made later
// by others (APM agents) still run.
const WRAPPED = Symbol.for('echotrail.express.bodyTaps')

function wrapRequestEmit(base: Record<PropertyKey, unknown>): void {
  const above = Object.getPrototypeOf(base) as { emit: (...args: unknown[]) => boolean }
  base.emit = function emit(this: Request, event: unknown, chunk: unknown): boolean {
    if (event === 'data') {
      try {
        stateOf(this)?.[REQUEST_TAP]?.add(chunk)
      } catch {
        // Observation is best-effort; the chunk is emitted regardless.
      }
    }
    // eslint-disable-next-line prefer-rest-params -- passes every argument on without copying them
    return above.emit.apply(this, arguments as unknown as unknown[])
  }
}

function wrapResponseWrites(base: Record<PropertyKey, unknown>): void {
  const above = Object.getPrototypeOf(base) as { write: (...args: unknown[]) => boolean; end: (...args: unknown[]) => unknown }
  const observe = (res: StateRes, chunk: unknown, encoding: unknown): void => {
    try {
      const tap = resHolderOf(res)?.[STATE]?.[RESPONSE_TAP]
      if (tap !== undefined) tap.add(chunk, encoding)
    } catch {
      // Observation is best-effort; the write itself must happen.
    }
  }
  base.write = function write(this: StateRes, chunk: unknown, encoding: unknown): boolean {
    observe(this, chunk, encoding)
    // eslint-disable-next-line prefer-rest-params -- as above
    return above.write.apply(this, arguments as unknown as unknown[])
  }
  base.end = function end(this: StateRes, chunk: unknown, encoding: unknown): unknown {
    observe(this, chunk, encoding)
    // eslint-disable-next-line prefer-rest-params -- as above
    return above.end.apply(this, arguments as unknown as unknown[])
  }
}

// The end of a recorded response the same way: a 'close' listener on each res costs its
// registration and a look-up of res's listeners at emit, on an object with a hidden class
// of its own; `emit` wrapped once on Express's base response finds the record's observer
// in the request's state when 'close' comes, before the listeners run.
const WRAPPED_CLOSE = Symbol.for('echotrail.express.close')

function wrapResponseEmit(base: Record<PropertyKey, unknown>): void {
  const above = Object.getPrototypeOf(base) as { emit: (...args: unknown[]) => boolean }
  base.emit = function emit(this: StateRes, event: unknown): boolean {
    if (event === 'close') {
      try {
        const state = resHolderOf(this)?.[STATE]
        const closing = state?.[CLOSING]
        if (closing !== undefined) {
          state![CLOSING] = undefined
          closing.closed()
        }
      } catch {
        // Recording is best-effort; the event is emitted regardless.
      }
    }
    // eslint-disable-next-line prefer-rest-params -- passes every argument on without copying them
    return above.emit.apply(this, arguments as unknown as unknown[])
  }
}

/** Wraps `base` once (marked, so two copies of this package never wrap twice); false when another wrapper owns it. */
function wrapOnce(base: object | undefined, marker: symbol, wrap: (base: Record<PropertyKey, unknown>) => void): boolean {
  if (base === undefined) return false
  const marked = base as Record<PropertyKey, unknown>
  if (marked[marker] === undefined) {
    wrap(marked)
    Object.defineProperty(marked, marker, { value: RECORD })
  }
  return marked[marker] === RECORD
}

/**
 * A hook that needs a wrapper on one of Express's base prototypes: wraps it the first
 * time a request or response of a new prototype comes (an app, a sub-app), then stores
 * the observer in the request's state. False (the caller falls back to wrapping the one
 * object) when the request has no state or the base belongs to another wrapper.
 */
function tapOnState<O>(slot: typeof REQUEST_TAP | typeof RESPONSE_TAP | typeof CLOSING, core: object, marker: symbol, wrap: (base: Record<PropertyKey, unknown>) => void) {
  let wrappedProto: object | null = null
  return (req: Request, target: object, observer: O): boolean => {
    const state = stateOf(req)
    if (state === undefined) return false
    const proto = Object.getPrototypeOf(target) as object | null
    if (proto !== wrappedProto) {
      if (!wrapOnce(expressBase(proto, core), marker, wrap)) return false
      wrappedProto = proto
    }
    ;(state as unknown as Record<symbol, unknown>)[slot] = observer
    return true
  }
}

const tapRequest = tapOnState<ChunkObserver>(REQUEST_TAP, IncomingMessage.prototype, WRAPPED, wrapRequestEmit)
const tapResponse = tapOnState<ChunkObserver>(RESPONSE_TAP, ServerResponse.prototype, WRAPPED, wrapResponseWrites)
const tapClose = tapOnState<CloseObserver>(CLOSING, ServerResponse.prototype, WRAPPED_CLOSE, wrapResponseEmit)

const EXPRESS_TAPS: BodyTaps<Request> = {
  request: (req, _raw, observer) => tapRequest(req, req, observer),
  response: (req, res, observer) => tapResponse(req, res, observer),
  close: (req, res, observer) => tapClose(req, res, observer),
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
  taps: EXPRESS_TAPS,
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
      const state = new RequestState()
      const holder = holderOf(req as StateReq) ?? (res as WithState)
      holder[STATE] = state
      beginningState = state
      beginningReq = req
      recordNodeRequest(capture, req, req, res, EXPRESS_HOOKS)
    } catch (error) {
      failures.report('express.begin', error)
    }
    beginningReq = beginningState = undefined
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
