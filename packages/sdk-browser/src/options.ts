import type { MaskOptions } from '@echotrail/core'
import { CODED_ERRORS } from './coded-errors.js'

/** Options of `init()`. Every option has one default, in `BROWSER_DEFAULTS`. */
export interface BrowserOptions {
  /** Publishable key, `et_pk_…`; its allowed origins must include this page's origin. */
  publishableKey: string
  /** Collector ingest URL. @default 'http://localhost:8081' */
  endpoint?: string
  /** `service_name` of every event. @default 'browser' */
  service?: string
  /** `environment` of every event. @default 'production' */
  environment?: string
  /**
   * Origins (`https://api.example.com`), URL prefixes or RegExps that get the request id
   * header. No others do, so no other origin sees a new CORS preflight. @default []
   */
  propagateTo?: (string | RegExp)[]
  /** Name of the request id header sent to `propagateTo` origins. @default 'x-request-id' */
  requestIdHeader?: string
  /** Record request bodies (strings and JSON; masked). Response bodies are never read. @default false */
  captureBodies?: boolean
  /** URLs (prefix strings or RegExps) never recorded. Health checks are always ignored. @default [] */
  ignoreUrls?: (string | RegExp)[]
  /** Patch `window.fetch`. @default true */
  captureFetch?: boolean
  /** Patch `XMLHttpRequest`. @default true */
  captureXhr?: boolean
  /** Extra masking rules (see `@echotrail/core`'s `createMasker`). @default {} */
  mask?: MaskOptions
  /** Longest wait before queued events are sent, in ms. @default 1000 */
  flushIntervalMs?: number
  /** Most events kept in the IndexedDB queue; past it the oldest are dropped. @default 1000 */
  maxQueueEvents?: number
  /** Most bytes kept in the IndexedDB queue. @default 1048576 (1 MiB) */
  maxQueueBytes?: number
  /** Prefix of the IndexedDB database that holds the queue (`<storageName>-queue`). @default 'echotrail' */
  storageName?: string
  /** Receives the first failure of each kind. @default console.warn with an `[echotrail]` prefix */
  onError?: (message: string, error: unknown) => void
}

/** Defaults of `BrowserOptions`; `resolveOptions` merges them once. */
export const BROWSER_DEFAULTS = {
  endpoint: 'http://localhost:8081',
  service: 'browser',
  environment: 'production',
  propagateTo: [],
  requestIdHeader: 'x-request-id',
  captureBodies: false,
  ignoreUrls: [],
  captureFetch: true,
  captureXhr: true,
  mask: {},
  flushIntervalMs: 1_000,
  maxQueueEvents: 1_000,
  maxQueueBytes: 1_048_576,
  storageName: 'echotrail',
} as const satisfies Omit<Required<BrowserOptions>, 'publishableKey' | 'onError'>

/** Options after defaults: what the rest of the SDK reads. */
export type ResolvedOptions = { -readonly [K in keyof typeof BROWSER_DEFAULTS]: NonNullable<BrowserOptions[K]> } & Pick<BrowserOptions, 'publishableKey' | 'onError'>

/**
 * Merges `options` with the defaults once. Returns the problem instead of throwing:
 * an SDK misconfigured in a page must never break that page (it stays disabled).
 */
export function resolveOptions(options: BrowserOptions | undefined): ResolvedOptions | string {
  // Secret keys never belong in a page.
  if (!options?.publishableKey?.startsWith?.('et_pk_')) return CODED_ERRORS ? 'publishableKey: et_pk_…' : 'publishableKey must be a publishable key (et_pk_…)'
  const result = { ...BROWSER_DEFAULTS } as Record<string, unknown>
  for (const key in options) result[key] = options[key as keyof BrowserOptions] ?? result[key]
  const resolved = result as ResolvedOptions
  resolved.endpoint = resolved.endpoint.replace(/\/+$/, '')
  resolved.requestIdHeader = resolved.requestIdHeader.toLowerCase()
  return resolved
}
