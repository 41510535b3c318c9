// @echotrail/express — the public surface.
export { echotrail, echotrailErrorHandler } from './middleware'
export type { EchotrailMiddleware, ExpressOptions } from './middleware'
export type { EchotrailRequestContext } from '@echotrail/node/http'
export type { CaptureOptions, NodeClient, NodeClientOptions, UserFields } from '@echotrail/node'
