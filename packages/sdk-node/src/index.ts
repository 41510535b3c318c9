// @echotrail/node — the public surface of the root entry. Adapters are subpaths:
// /http, /fastify, /fetch, /next, /otel.

// the client
export { createClient } from './client'
export type { ActionInput, NodeClient, NodeClientStats } from './client'
export { NODE_DEFAULTS } from './options'
export type { NodeClientOptions } from './options'

// request capture, shared by every adapter
export { CAPTURE_DEFAULTS } from './capture/capture-options'
export type { CaptureOptions, UserFields } from './capture/capture-options'

// the transport, for those who build their own client on @echotrail/core
export { createUndiciTransport } from './transport/undici-transport'
export type { UndiciTransport, UndiciTransportOptions } from './transport/undici-transport'

// errors: what reaches `logger`, matched on `code`
export { isEchotrailError } from '@echotrail/core'
export type { EchotrailError } from '@echotrail/core'
export { NODE_ERROR_CODES } from './errors'
export type { NodeErrorCode } from './errors'

export { SDK_INFO } from './version'
