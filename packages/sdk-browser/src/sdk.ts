import type { AuditEventFields } from '@echotrail/core'
import { createBrowserClient, type BrowserClient, type BrowserStats, type BrowserUser } from './client.js'
import { resolveOptions, type BrowserOptions } from './options.js'
import { patchFetch } from './patch-fetch.js'
import { patchXhr } from './patch-xhr.js'

// One SDK per page: patches are global, so a second init() replaces the first.
let active: { client: BrowserClient; unpatch: () => void } | undefined

const EMPTY_STATS: BrowserStats = {
  sent: 0,
  dropped: 0,
  retried: 0,
  queued: 0,
  droppedByReason: { queue_overflow: 0, too_large: 0, rejected: 0, retries_exhausted: 0, shutdown: 0, serialize_error: 0, queue_error: 0 },
  failures: 0,
  inFlight: 0,
}

/**
 * Starts recording this page's fetch and XMLHttpRequest calls. Never throws: invalid
 * options (or a page without fetch/IndexedDB) leave the SDK disabled and say why once.
 * Returns true when recording started.
 */
export function init(options: BrowserOptions): boolean {
  try {
    const resolved = resolveOptions(options)
    if (typeof resolved === 'string') {
      ;(options?.onError ?? warn)(`ET_CONFIG_INVALID: ${resolved}; Echotrail stays disabled`, undefined)
      return false
    }
    if (typeof fetch !== 'function' || typeof indexedDB === 'undefined') {
      ;(resolved.onError ?? warn)('Echotrail needs fetch and IndexedDB; it stays disabled', undefined)
      return false
    }
    if (active) void shutdown(0)
    const originalFetch = fetch
    const client = createBrowserClient(resolved, originalFetch)
    const undo: (() => void)[] = []
    if (resolved.captureFetch) undo.push(patchFetch(client, originalFetch, resolved.requestIdHeader))
    if (resolved.captureXhr) undo.push(patchXhr(client, resolved.requestIdHeader))
    active = { client, unpatch: () => undo.forEach((u) => u()) }
    return true
  } catch (error) {
    warn('init failed; Echotrail stays disabled', error)
    return false
  }
}

/** Attaches `user` to every later event (`identifier`, `user_email`, …). */
export function setUser(user: BrowserUser): void {
  active?.client.setUser(user)
}

/** Stops attaching a user to events (after sign-out). */
export function clearUser(): void {
  active?.client.clearUser()
}

/** Records an explicit action (`cart.checked_out`) with optional event fields. */
export function action(name: string, fields?: AuditEventFields): void {
  try {
    active?.client.action(name, fields)
  } catch (error) {
    active?.client.failures.report('action', error)
  }
}

/** Resolves true once everything recorded so far is delivered, false after `timeoutMs`. */
export function flush(timeoutMs?: number): Promise<boolean> {
  return active ? active.client.flush(timeoutMs) : Promise.resolve(true)
}

/** Sent, dropped, retried and queued event counts, SDK failures and requests in flight. */
export function stats(): BrowserStats {
  return active ? active.client.stats() : EMPTY_STATS
}

/** Restores fetch and XMLHttpRequest and sends what it can; `init()` may be called again. */
export function shutdown(timeoutMs?: number): Promise<boolean> {
  if (!active) return Promise.resolve(true)
  const { client, unpatch } = active
  active = undefined
  unpatch()
  return client.shutdown(timeoutMs)
}

function warn(message: string, error: unknown): void {
  console.warn(`[echotrail] ${message}`, error ?? '')
}
