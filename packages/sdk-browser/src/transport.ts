import { parseRetryAfter, rejectedPositions, type EncodedBatch, type SendOutcome, type Transport } from '@echotrail/core'

/**
 * Browsers refuse a keepalive request once the keepalive bodies in flight from one
 * page pass 64 KiB (Fetch spec, "keepalive" inflight limit); stay a little under it.
 */
export const KEEPALIVE_BUDGET_BYTES = 60 * 1_024

/** `POST /v1/audit/batch` with the publishable key in the query string. */
export function batchUrl(endpoint: string, publishableKey: string): string {
  // sendBeacon cannot set headers, and an X-API-Key header would make every send a
  // preflighted CORS request: the key goes in the URL, which the collector accepts
  // for publishable keys only.
  return `${endpoint}/v1/audit/batch?key=${encodeURIComponent(publishableKey)}`
}

/**
 * Creates the fetch transport: a CORS-simple `text/plain` POST (no preflight), with
 * `keepalive` while the body fits its budget so a send survives the page going away.
 * `fetchImpl` is the page's fetch as it was before the SDK patched it, so the SDK's own
 * traffic is never recorded.
 */
export function createFetchTransport(url: string, fetchImpl: typeof fetch): Transport {
  return {
    async send(batch: EncodedBatch, signal: AbortSignal): Promise<SendOutcome> {
      try {
        const response = await fetchImpl(url, {
          method: 'POST',
          body: batch.body,
          headers: { 'content-type': 'text/plain' },
          credentials: 'omit',
          keepalive: batch.bytes <= KEEPALIVE_BUDGET_BYTES,
          signal,
        })
        if (response.ok) {
          // Events the collector refused as invalid are dropped, not counted as sent.
          const rejected = rejectedPositions(await response.json().catch(() => undefined))
          return rejected ? { ok: true, status: response.status, rejected } : { ok: true, status: response.status }
        }
        // The answer is not needed; release the connection.
        response.body?.cancel().catch(() => undefined)
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now())
        return retryAfterMs === undefined
          ? { ok: false, status: response.status }
          : { ok: false, status: response.status, retryAfterMs }
      } catch (error) {
        return { ok: false, error }
      }
    },
  }
}

/**
 * Sends `body` with `navigator.sendBeacon`, else a keepalive fetch; best effort, for a
 * page that is going away. A string body goes out as `text/plain;charset=UTF-8`, which
 * is CORS-simple. Returns false when neither would take it (too large, or refused).
 */
export function sendWhileLeaving(url: string, body: string, fetchImpl: typeof fetch): boolean {
  try {
    if (typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(url, body)) return true
  } catch {
    // Unload is best effort: a throwing beacon falls through to fetch.
  }
  try {
    void fetchImpl(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' }, credentials: 'omit', keepalive: true }).catch(
      () => undefined,
    )
    return true
  } catch {
    return false
  }
}
