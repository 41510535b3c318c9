import type { BatchSenderOptions, RetryPolicyOptions } from '@echotrail/core'
import { WIRE_LIMITS } from '@echotrail/core'
import type { Dispatcher } from 'undici'

/** Options of `createClient()`; each default is declared once, in `NODE_DEFAULTS`. */
export interface NodeClientOptions {
  /** Secret key, `et_sk_…`. Without it the client is a disabled no-op. */
  apiKey: string
  /** Collector ingest URL. @default 'http://localhost:8081' */
  endpoint?: string
  /** Name of this service, sent as `service_name`. @default 'node' */
  service?: string
  /** Deployment environment, sent as `environment`. @default 'production' */
  environment?: string
  /** Set false to record nothing (tests, local runs). @default true */
  enabled?: boolean
  /** Batch bodies of at least this many bytes are sent gzip-compressed. @default 16384 */
  gzipThresholdBytes?: number
  /** Keep-alive connections to the collector. @default 2 */
  maxConnections?: number
  /** Longest wait before a batch is sent, in ms. @default 1000 */
  flushIntervalMs?: number
  /** Most events in one batch (at most 1,000). @default 500 */
  maxBatchEvents?: number
  /** Most bytes in one batch body (at most 5 MiB). @default 524288 */
  maxBatchBytes?: number
  /** Most events queued; past it the oldest are dropped and reported. @default 10000 */
  maxQueueEvents?: number
  /** Most bytes queued; past it the oldest are dropped and reported. @default 10485760 */
  maxQueueBytes?: number
  /** Longest wait for one send before it is aborted and retried, in ms. @default 10000 */
  sendTimeoutMs?: number
  /** Longest wait of `flush()` and `shutdown()` without a timeout, in ms. @default 5000 */
  flushTimeoutMs?: number
  /** Backoff of retried sends (see `createRetryPolicy` in @echotrail/core). @default {} */
  retry?: RetryPolicyOptions
  /** Secret keys masked in addition to the defaults (strings normalised, RegExps tested raw). @default [] */
  maskKeys?: readonly (string | RegExp)[]
  /** Value patterns masked inside every string. @default [] */
  maskPatterns?: readonly RegExp[]
  /** Send counts of dropped events to `POST /v1/audit/client-report`. @default true */
  reportDrops?: boolean
  /** Receives the first failure of each kind; the SDK never throws into the app. @default console.warn */
  logger?: (message: string, error: unknown) => void
  /** undici dispatcher to send through (a proxy agent, a mock); replaces the keep-alive pool. */
  dispatcher?: Dispatcher
}

/** Defaults of `NodeClientOptions` (DESIGN.md §6). */
export const NODE_DEFAULTS = {
  endpoint: 'http://localhost:8081',
  service: 'node',
  environment: 'production',
  enabled: true,
  gzipThresholdBytes: 16_384,
  maxConnections: 2,
  flushIntervalMs: 1_000,
  maxBatchEvents: 500,
  maxBatchBytes: 524_288,
  maxQueueEvents: 10_000,
  maxQueueBytes: 10_485_760,
  sendTimeoutMs: 10_000,
  flushTimeoutMs: 5_000,
  retry: {},
  maskKeys: [],
  maskPatterns: [],
  reportDrops: true,
} as const satisfies Partial<NodeClientOptions>

/** Options after defaults; nothing else reads raw options. */
export interface ResolvedNodeOptions {
  apiKey: string
  endpoint: URL
  service: string
  environment: string
  enabled: boolean
  gzipThresholdBytes: number
  maxConnections: number
  delivery: Pick<
    BatchSenderOptions,
    'flushIntervalMs' | 'maxBatchEvents' | 'maxBatchBytes' | 'maxQueueEvents' | 'maxQueueBytes' | 'sendTimeoutMs' | 'flushTimeoutMs'
  >
  retry: RetryPolicyOptions
  maskKeys: readonly (string | RegExp)[]
  maskPatterns: readonly RegExp[]
  reportDrops: boolean
  logger: ((message: string, error: unknown) => void) | undefined
  dispatcher: Dispatcher | undefined
}

const DELIVERY_KEYS = [
  'flushIntervalMs',
  'maxBatchEvents',
  'maxBatchBytes',
  'maxQueueEvents',
  'maxQueueBytes',
  'sendTimeoutMs',
  'flushTimeoutMs',
] as const

/**
 * Merges `options` with `NODE_DEFAULTS` once, at start-up. Problems are returned, not
 * thrown: an invalid key or endpoint disables the client instead of breaking the app.
 */
export function resolveOptions(options: Partial<NodeClientOptions>): { resolved: ResolvedNodeOptions; problems: string[] } {
  const problems: string[] = []
  const o = options ?? {}
  let endpoint: URL
  let endpointOk = true
  try {
    endpoint = new URL(o.endpoint ?? NODE_DEFAULTS.endpoint)
    if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new Error('not http(s)')
  } catch {
    problems.push(`endpoint must be an http(s) URL, got ${String(o.endpoint)}`)
    endpointOk = false
    endpoint = new URL(NODE_DEFAULTS.endpoint)
  }
  const apiKey = typeof o.apiKey === 'string' ? o.apiKey.trim() : ''
  if (apiKey === '') problems.push('apiKey is missing')
  let environment = o.environment ?? NODE_DEFAULTS.environment
  if (!WIRE_LIMITS.environmentPattern.test(environment)) {
    problems.push(`environment ${JSON.stringify(environment)} is not a valid name; using ${NODE_DEFAULTS.environment}`)
    environment = NODE_DEFAULTS.environment
  }
  const delivery: ResolvedNodeOptions['delivery'] = {}
  for (const key of DELIVERY_KEYS) delivery[key] = o[key] ?? NODE_DEFAULTS[key]
  const resolved: ResolvedNodeOptions = {
    apiKey,
    endpoint,
    service: o.service ?? NODE_DEFAULTS.service,
    environment,
    enabled: (o.enabled ?? NODE_DEFAULTS.enabled) && apiKey !== '' && endpointOk,
    gzipThresholdBytes: positive(o.gzipThresholdBytes, NODE_DEFAULTS.gzipThresholdBytes, 'gzipThresholdBytes', problems),
    maxConnections: positive(o.maxConnections, NODE_DEFAULTS.maxConnections, 'maxConnections', problems),
    delivery,
    retry: o.retry ?? NODE_DEFAULTS.retry,
    maskKeys: o.maskKeys ?? NODE_DEFAULTS.maskKeys,
    maskPatterns: o.maskPatterns ?? NODE_DEFAULTS.maskPatterns,
    reportDrops: o.reportDrops ?? NODE_DEFAULTS.reportDrops,
    logger: o.logger,
    dispatcher: o.dispatcher,
  }
  return { resolved, problems }
}

function positive(value: number | undefined, fallback: number, name: string, problems: string[]): number {
  if (value === undefined) return fallback
  if (Number.isFinite(value) && value >= 1) return Math.floor(value)
  problems.push(`${name} must be a number ≥ 1, got ${String(value)}; using ${fallback}`)
  return fallback
}
