import type { EchotrailErrorCode } from '@echotrail/core'

/**
 * Codes of the errors the Node SDK hands to `logger` (and counts in `stats()`); they are
 * `@echotrail/core` codes, since delivery is core's. Each is tabled in the README. Errors
 * thrown by the app's own hooks (`identify`, `ignore`) are passed on as they are.
 */
export const NODE_ERROR_CODES = [
  'ET_CONFIG_INVALID',
  'ET_QUEUE_FULL',
  'ET_SEND_REJECTED',
  'ET_SEND_TIMEOUT',
  'ET_SEND_RETRIES_EXHAUSTED',
  'ET_TRANSPORT_FAILED',
  'ET_QUEUE_FAILED',
  'ET_EVENT_UNSERIALIZABLE',
  'ET_EVENT_TOO_LARGE',
  'ET_DELIVERY_FAILED',
  'ET_SHUTDOWN',
] as const satisfies readonly EchotrailErrorCode[]

/** A code the Node SDK reports; match on it, not on `instanceof` (two copies may be loaded). */
export type NodeErrorCode = (typeof NODE_ERROR_CODES)[number]
