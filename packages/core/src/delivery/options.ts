import type { EchotrailError } from '../errors'
import { WIRE_LIMITS } from '../event/vocabulary'
import { BATCH_ENVELOPE_BYTES } from './encode-batch'
import type { EventQueue } from './event-queue'
import type { RetryPolicy } from './retry-policy'
import type { Transport } from './transport'

/** Options of `createBatchSender`. */
export interface BatchSenderOptions<E extends object = object> {
  /** Delivers one batch (undici on Node, fetch or sendBeacon in browsers). */
  transport: Transport
  /** Where events wait for delivery. @default createMemoryQueue() */
  queue?: EventQueue
  /** When and how failed sends are retried. @default createRetryPolicy() */
  retryPolicy?: RetryPolicy
  /** Turns an event into its wire JSON, once, when it is enqueued. @default JSON.stringify */
  serialize?: (event: E) => string
  /** Most events in one batch; at most the collector's 1,000. @default 500 */
  maxBatchEvents?: number
  /** Most bytes in one batch body (UTF-8, before compression); at most the collector's 5 MiB. @default 524288 (512 KiB) */
  maxBatchBytes?: number
  /** Longest wait before a queued event is sent, in ms. @default 1000 */
  flushIntervalMs?: number
  /** Most events queued; past it the oldest are dropped as `queue_overflow`. @default 10000 */
  maxQueueEvents?: number
  /** Most bytes queued; past it the oldest are dropped as `queue_overflow`. @default 10485760 (10 MiB) */
  maxQueueBytes?: number
  /** Largest serialised event; larger ones are dropped as `too_large`. @default 65536 (64 KiB) */
  maxEventBytes?: number
  /** Longest wait for one send before it is aborted and retried, in ms. @default 10000 */
  sendTimeoutMs?: number
  /** Longest wait of `flush()` and `shutdown()` called without a timeout, in ms. @default 5000 */
  flushTimeoutMs?: number
  /**
   * Told about each kind of failure once (rejected batch, throwing transport, dropped
   * events…); SDKs route it to their logger. Never called twice for the same site.
   * @default no-op
   */
  onError?: (error: EchotrailError) => void
}

/** Defaults of the numeric `BatchSenderOptions` (DESIGN.md §6). */
export const DELIVERY_DEFAULTS = {
  maxBatchEvents: 500,
  maxBatchBytes: 512 * 1_024,
  flushIntervalMs: 1_000,
  maxQueueEvents: 10_000,
  maxQueueBytes: 10 * 1_024 * 1_024,
  maxEventBytes: WIRE_LIMITS.maxEventBytes,
  sendTimeoutMs: 10_000,
  flushTimeoutMs: 5_000,
} as const satisfies Partial<BatchSenderOptions>

/** The numeric options after defaults and validation. */
export type DeliveryLimits = { -readonly [K in keyof typeof DELIVERY_DEFAULTS]: number }

/**
 * Merges `options` with `DELIVERY_DEFAULTS` once, at start-up. An invalid value
 * (not a finite number ≥ 1) falls back to its default and is listed in `problems`,
 * so a typo degrades delivery instead of throwing into the host app.
 */
export function resolveDeliveryLimits(options: Partial<DeliveryLimits>): { limits: DeliveryLimits; problems: string[] } {
  const problems: string[] = []
  const limits = { ...DELIVERY_DEFAULTS } as DeliveryLimits
  for (const key of Object.keys(DELIVERY_DEFAULTS) as (keyof DeliveryLimits)[]) {
    const value = options[key]
    if (value === undefined) continue
    if (typeof value === 'number' && Number.isFinite(value) && value >= 1) limits[key] = Math.floor(value)
    else problems.push(`${key} must be a number ≥ 1, got ${String(value)}; using ${DELIVERY_DEFAULTS[key]}`)
  }
  // The collector answers a batch over its limits with 400, which is final: stay inside.
  for (const key of ['maxBatchEvents', 'maxBatchBytes'] as const) {
    if (limits[key] > WIRE_LIMITS[key]) {
      problems.push(`${key} ${limits[key]} exceeds the collector's limit; using ${WIRE_LIMITS[key]}`)
      limits[key] = WIRE_LIMITS[key]
    }
  }
  // One event must always fit in a batch and in the queue, or it could never leave.
  const largestEvent = Math.min(limits.maxBatchBytes - BATCH_ENVELOPE_BYTES, limits.maxQueueBytes)
  if (limits.maxEventBytes > largestEvent) {
    problems.push(`maxEventBytes ${limits.maxEventBytes} exceeds what one batch or the queue holds; using ${largestEvent}`)
    limits.maxEventBytes = Math.max(1, largestEvent)
  }
  return { limits, problems }
}
