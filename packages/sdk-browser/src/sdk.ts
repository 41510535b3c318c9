import type { AuditEventFields } from '@echotrail/core'
import { createBrowserClient, type BrowserClient, type BrowserStats, type BrowserUser } from './client.js'
import { resolveOptions, type BrowserOptions } from './options.js'
import { patchFetch } from './patch-fetch.js'
import { patchXhr } from './patch-xhr.js'
import { zeroes } from './sender.js'

// One SDK per page: patches are global, so a second init() replaces the first.
let active: { client: BrowserClient; unpatch: () => void } | undefined

const warn = (message: string, error?: unknown): void => console.warn(`[echotrail] ${message}`, error ?? '')

/**
 * Starts recording this page's fetch and XMLHttpRequest calls. Never throws: invalid
 * options (or a page without fetch/IndexedDB) leave the SDK disabled and say why once.
 * Returns true when recording started.
 */
export function init(options: BrowserOptions): boolean {
  try {
    const resolved = resolveOptions(options)
    const problem =
      typeof resolved === 'string'
        ? `ET_CONFIG_INVALID: ${resolved}; Echotrail stays disabled`
        : typeof fetch !== 'function' || typeof indexedDB === 'undefined'
          ? 'Echotrail needs fetch and IndexedDB; it stays disabled'
          : undefined
    if (problem) {
      ;(options?.onError ?? warn)(problem, undefined)
      return false
    }
    const { captureFetch, captureXhr, requestIdHeader } = resolved as Exclude<typeof resolved, string>
    if (active) void shutdown(0)
    const originalFetch = fetch
    const client = createBrowserClient(resolved as Exclude<typeof resolved, string>, originalFetch)
    const undo = [captureFetch && patchFetch(client, originalFetch, requestIdHeader), captureXhr && patchXhr(client, requestIdHeader)]
    active = { client, unpatch: () => undo.forEach((restore) => restore && restore()) }
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
  return active ? active.client.stats() : { sent: 0, dropped: 0, retried: 0, queued: 0, droppedByReason: zeroes(), failures: 0, inFlight: 0 }
}

/** Restores fetch and XMLHttpRequest and sends what it can; `init()` may be called again. */
export function shutdown(timeoutMs?: number): Promise<boolean> {
  if (!active) return Promise.resolve(true)
  const { client, unpatch } = active
  active = undefined
  unpatch()
  return client.shutdown(timeoutMs)
}
