import type { EncodedBatch, SendOutcome, Transport } from '@echotrail/core'

/**
 * Browsers refuse a keepalive request once the keepalive bodies in flight from one
 * page pass 64 KiB (Fetch spec, "keepalive" inflight limit); stay a little under it.
 */
export const KEEPALIVE_BUDGET_BYTES = 60 * 1_024

const TEXT = { 'content-type': 'text/plain' }

/** `POST /v1/audit/batch` with the publishable key in the query string. */
export function batchUrl(endpoint: string, publishableKey: string): string {
  // sendBeacon cannot set headers, and an X-API-Key header would make every send a
  // preflighted CORS request: the key goes in the URL, which the collector accepts
  // for publishable keys only.
  return `${endpoint}/v1/audit/batch?key=${encodeURIComponent(publishableKey)}`
}

/**
 * `Retry-After` as a wait in ms: delta-seconds, or an HTTP-date. Senders must write
 * dates as IMF-fixdate (RFC 9110 §5.6.7), the format `Date.parse` must read (it is
 * `toUTCString()`'s); undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined
  // A date names its month and day; anything else Date.parse might read (`-5`) is no date.
  const ms = /^\s*\d+\s*$/.test(value) ? Number(value) * 1_000 : /[a-z]/i.test(value) ? Date.parse(value) - nowMs : NaN
  return ms >= 0 ? ms : ms < 0 ? 0 : undefined
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
        const response = await fetchImpl(url, { method: 'POST', body: batch.body, headers: TEXT, credentials: 'omit', keepalive: batch.bytes <= KEEPALIVE_BUDGET_BYTES, signal })
        const { ok, status } = response
        if (ok) {
          // A 202 names the events it refused as invalid: they are dropped, not sent.
          const answer = (await response.json().catch(() => undefined)) as { rejected?: { index?: number }[] } | undefined
          const rejected = answer?.rejected?.map?.((entry) => entry?.index).filter((index) => Number.isInteger(index)) as number[] | undefined
          return rejected?.[0] === undefined ? { ok, status } : { ok, status, rejected }
        }
        // The answer is not needed; release the connection.
        response.body?.cancel().catch(() => undefined)
        const wait = retryAfterMs(response.headers.get('retry-after'), Date.now())
        return wait === undefined ? { ok, status } : { ok, status, retryAfterMs: wait }
      } catch (error) {
        return { ok: false, error }
      }
    },
  }
}

/**
 * Sends `body` with `navigator.sendBeacon`, else a keepalive fetch; best effort, for a
 * page that is going away. A string body goes out as `text/plain;charset=UTF-8`, which
 * is CORS-simple.
 */
export function sendWhileLeaving(url: string, body: string, fetchImpl: typeof fetch): void {
  try {
    if (navigator.sendBeacon(url, body)) return
  } catch {
    // Unload is best effort: a throwing beacon falls through to fetch.
  }
  fetchImpl(url, { method: 'POST', body, headers: TEXT, credentials: 'omit', keepalive: true }).catch(() => undefined)
}
