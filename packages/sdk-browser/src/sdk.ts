import type { AuditEventFields } from '@echotrail/core'
import { CODED_ERRORS } from './coded-errors.js'
import { createBrowserClient, type BrowserClient, type BrowserStats, type BrowserUser } from './client.js'
import { resolveOptions, type BrowserOptions, type ResolvedOptions } from './options.js'
import { zeroes } from './sender.js'

// One SDK per page: patches are global, so a second init() replaces the first.
let active: BrowserClient | undefined

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
        ? `ET_CONFIG_INVALID: ${resolved}`
        : typeof fetch !== 'function' || typeof indexedDB === 'undefined'
          ? CODED_ERRORS
            ? 'needs fetch, IndexedDB'
            : 'Echotrail needs fetch and IndexedDB'
          : ''
    if (problem) {
      ;(options?.onError ?? warn)(CODED_ERRORS ? problem : `${problem}; it stays disabled`, undefined)
      return false
    }
    void shutdown(0)
    active = createBrowserClient(resolved as ResolvedOptions, fetch, options.onError ?? warn)
    return true
  } catch (error) {
    // An invalid mask option throws from core; it goes where the other option problems go.
    try {
      ;(options?.onError ?? warn)(CODED_ERRORS ? 'init failed' : 'init failed; Echotrail stays disabled', error)
    } catch {
      // A throwing onError must not make init() throw.
    }
    return false
  }
}

/** Attaches `user` to every later event (`identifier`, `user_email`, …). */
export const setUser = (user: BrowserUser): void => active?.setUser(user)

/** Stops attaching a user to events (after sign-out). */
export const clearUser = (): void => active?.setUser({})

/** Records an explicit action (`cart.checked_out`) with optional event fields. */
export const action = (name: string, fields?: AuditEventFields): void => active?.action(name, fields)

/** Resolves true once everything recorded so far is delivered, false after `timeoutMs`. */
export const flush = (timeoutMs?: number): Promise<boolean> => Promise.resolve(active?.flush(timeoutMs) ?? true)

/** Sent, dropped, retried and queued event counts, SDK failures and requests in flight. */
export const stats = (): BrowserStats => active?.stats() ?? { sent: 0, dropped: 0, retried: 0, queued: 0, droppedByReason: zeroes(), failures: 0, inFlight: 0 }

/** Restores fetch and XMLHttpRequest and sends what it can; `init()` may be called again. */
export function shutdown(timeoutMs?: number): Promise<boolean> {
  const client = active
  active = undefined
  return Promise.resolve(client?.shutdown(timeoutMs) ?? true)
}
