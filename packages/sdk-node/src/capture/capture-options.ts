/** User fields of a request event, as `identify` returns them. */
export interface UserFields {
  /** ID of the user or API client (at most 100 characters). */
  identifier?: string | undefined
  user_email?: string | undefined
  user_name?: string | undefined
  user_roles?: string[] | undefined
  user_type?: string | undefined
  tenant_id?: string | undefined
}

/** Request-capture options shared by every adapter; `Req` is the adapter's request type. */
export interface CaptureOptions<Req> {
  /** Returns the user behind a request; called once, when the response is done. */
  identify?: (req: Req) => UserFields | undefined
  /** Records the request body (JSON, text or form only, up to `maxBodyBytes`). @default false */
  captureRequestBody?: boolean
  /** Records the response body (JSON, text or form only, up to `maxBodyBytes`). @default false */
  captureResponseBody?: boolean
  /** Most bytes of one body recorded; the rest is cut. @default 8192 */
  maxBodyBytes?: number
  /** Request headers recorded in `metadata.request_headers` (secret ones masked). @default [] */
  captureHeaders?: readonly string[]
  /** Paths not recorded: exact strings or RegExps tested against the path without query. @default ['/health', '/healthz', '/ready', '/metrics'] */
  ignorePaths?: readonly (string | RegExp)[]
  /** Returns true for a request that must not be recorded (checked after `ignorePaths`). */
  ignore?: (req: Req) => boolean
  /** Header read for the request id; one is generated when absent. @default 'x-request-id' */
  requestIdHeader?: string
  /** Echo the request id on the response under `requestIdHeader`. @default true */
  echoRequestId?: boolean
  /** Record the message of errors the app raised as `error_message`. @default true */
  captureErrors?: boolean
  /** Fraction of requests recorded, 0–1. Sampling is off: every request is recorded. @default 1 */
  sampleRate?: number
  /** Take the client IP from the first `X-Forwarded-For` address (behind a proxy you trust). @default false */
  trustProxy?: boolean
}

/** Defaults of `CaptureOptions`. */
export const CAPTURE_DEFAULTS = {
  captureRequestBody: false,
  captureResponseBody: false,
  maxBodyBytes: 8_192,
  captureHeaders: [],
  ignorePaths: ['/health', '/healthz', '/ready', '/metrics'],
  requestIdHeader: 'x-request-id',
  echoRequestId: true,
  captureErrors: true,
  sampleRate: 1,
  trustProxy: false,
} as const satisfies Partial<CaptureOptions<unknown>>

/** Capture options compiled once: the per-request path reads only these. */
export interface ResolvedCaptureOptions<Req> {
  identify: ((req: Req) => UserFields | undefined) | undefined
  captureRequestBody: boolean
  captureResponseBody: boolean
  maxBodyBytes: number
  /** Lower-cased header names. */
  captureHeaders: readonly string[]
  ignoredPaths: ReadonlySet<string>
  ignoredPatterns: readonly RegExp[]
  ignore: ((req: Req) => boolean) | undefined
  requestIdHeader: string
  echoRequestId: boolean
  captureErrors: boolean
  sampleRate: number
  trustProxy: boolean
}

/** Merges `options` with `CAPTURE_DEFAULTS` once; invalid values fall back and are listed in `problems`. */
export function resolveCaptureOptions<Req>(options: CaptureOptions<Req>): {
  resolved: ResolvedCaptureOptions<Req>
  problems: string[]
} {
  const problems: string[] = []
  const o = options ?? {}
  const ignorePaths = o.ignorePaths ?? CAPTURE_DEFAULTS.ignorePaths
  let sampleRate = o.sampleRate ?? CAPTURE_DEFAULTS.sampleRate
  if (!(sampleRate >= 0 && sampleRate <= 1)) {
    problems.push(`sampleRate must be between 0 and 1, got ${String(o.sampleRate)}; using 1`)
    sampleRate = 1
  }
  let maxBodyBytes = o.maxBodyBytes ?? CAPTURE_DEFAULTS.maxBodyBytes
  if (!(Number.isFinite(maxBodyBytes) && maxBodyBytes >= 1)) {
    problems.push(`maxBodyBytes must be a number ≥ 1, got ${String(o.maxBodyBytes)}; using ${CAPTURE_DEFAULTS.maxBodyBytes}`)
    maxBodyBytes = CAPTURE_DEFAULTS.maxBodyBytes
  }
  return {
    resolved: {
      identify: o.identify,
      captureRequestBody: o.captureRequestBody ?? CAPTURE_DEFAULTS.captureRequestBody,
      captureResponseBody: o.captureResponseBody ?? CAPTURE_DEFAULTS.captureResponseBody,
      maxBodyBytes: Math.floor(maxBodyBytes),
      captureHeaders: (o.captureHeaders ?? CAPTURE_DEFAULTS.captureHeaders).map((name) => name.toLowerCase()),
      ignoredPaths: new Set(ignorePaths.filter((p): p is string => typeof p === 'string')),
      ignoredPatterns: ignorePaths.filter((p): p is RegExp => p instanceof RegExp),
      ignore: o.ignore,
      requestIdHeader: (o.requestIdHeader ?? CAPTURE_DEFAULTS.requestIdHeader).toLowerCase(),
      echoRequestId: o.echoRequestId ?? CAPTURE_DEFAULTS.echoRequestId,
      captureErrors: o.captureErrors ?? CAPTURE_DEFAULTS.captureErrors,
      sampleRate,
      trustProxy: o.trustProxy ?? CAPTURE_DEFAULTS.trustProxy,
    },
    problems,
  }
}
