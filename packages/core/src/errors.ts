/**
 * Stable error codes of @echotrail/core. Match on `code`, not `instanceof`:
 * two copies of the package may be loaded in one process.
 */
export type EchotrailErrorCode =
  | 'ET_CONFIG_INVALID'
  | 'ET_QUEUE_FULL'
  | 'ET_SEND_REJECTED'
  | 'ET_SEND_TIMEOUT'
  | 'ET_SEND_RETRIES_EXHAUSTED'
  | 'ET_TRANSPORT_FAILED'
  | 'ET_QUEUE_FAILED'
  | 'ET_EVENT_UNSERIALIZABLE'
  | 'ET_DELIVERY_FAILED'
  | 'ET_SHUTDOWN'
  | 'ET_EVENT_TOO_LARGE'
  | 'ET_CRYPTO_UNAVAILABLE'
  | 'ET_PROOF_INVALID'
  | 'ET_CANONICAL_INVALID'
  | 'ET_HEX_INVALID'
  | 'ET_INTEGRITY_INPUT_INVALID'

/** Error raised by Echotrail code; `code` is stable across minor versions. */
export class EchotrailError extends Error {
  override name = 'EchotrailError'
  constructor(
    readonly code: EchotrailErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** True when `err` carries an Echotrail error code (works across package copies). */
export function isEchotrailError(err: unknown): err is EchotrailError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'EchotrailError' &&
    typeof (err as { code?: unknown }).code === 'string'
  )
}
