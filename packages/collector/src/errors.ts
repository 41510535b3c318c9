/**
 * Every error the collector answers with: a stable code, its HTTP status, and a
 * message safe to show (it never contains user input or a stack).
 * The README tables each code with its cause and fix.
 */
export const COLLECTOR_ERRORS = {
  ET_INGEST_INVALID: { status: 400, message: 'The request is not valid.' },
  ET_INGEST_INVALID_JSON: { status: 400, message: 'The body is not valid JSON.' },
  ET_INGEST_BAD_ENCODING: { status: 400, message: 'The body could not be decompressed.' },
  ET_AUTH_MISSING_KEY: { status: 401, message: 'An API key is required (X-API-Key or Authorization: Bearer).' },
  ET_AUTH_UNKNOWN_KEY: { status: 401, message: 'The API key is unknown or revoked.' },
  ET_AUTH_WRONG_KEY_KIND: { status: 403, message: 'This key kind may not be used here.' },
  ET_AUTH_ORIGIN_NOT_ALLOWED: { status: 403, message: 'This origin is not allowed for the publishable key.' },
  ET_NOT_FOUND: { status: 404, message: 'No such route.' },
  ET_INGEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time; retry.' },
  ET_INGEST_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  ET_INGEST_UNSUPPORTED_MEDIA: { status: 415, message: 'Send application/json (or text/plain JSON), optionally gzip-encoded.' },
  ET_RATE_LIMITED: { status: 429, message: 'Rate limit exceeded for this key.' },
  ET_INGEST_HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large (Node accepts 16 KiB by default).' },
  ET_INTERNAL: { status: 500, message: 'Internal error.' },
  ET_STORAGE_UNAVAILABLE: { status: 503, message: 'The database is unavailable; retry later.' },
  ET_SHUTTING_DOWN: { status: 503, message: 'The collector is shutting down; retry later.' },
} as const satisfies Record<string, { status: number; message: string }>

/** Stable code of a collector error. */
export type CollectorErrorCode = keyof typeof COLLECTOR_ERRORS

/** One issue of an invalid request or event: where and what. */
export interface Issue {
  path: (string | number)[]
  message: string
  code?: string
}

/** An error that becomes `{"error": {"code", "message", "issues"?}}` with its status. */
export class CollectorError extends Error {
  override name = 'CollectorError'
  readonly status: number
  constructor(
    readonly code: CollectorErrorCode,
    options: { message?: string; issues?: Issue[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(options.message ?? COLLECTOR_ERRORS[code].message, { cause: options.cause })
    this.status = COLLECTOR_ERRORS[code].status
    this.issues = options.issues
    this.retryAfterSeconds = options.retryAfterSeconds
  }
  readonly issues: Issue[] | undefined
  readonly retryAfterSeconds: number | undefined
}

/** Codes of the errors thrown by the CLI and start-up (not HTTP). */
export type StartupErrorCode = 'ET_CONFIG_INVALID' | 'ET_STORAGE_UNAVAILABLE' | 'ET_MIGRATION_FAILED'

/** A start-up or CLI failure with a stable code; printed without a stack. */
export class StartupError extends Error {
  override name = 'StartupError'
  constructor(
    readonly code: StartupErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
