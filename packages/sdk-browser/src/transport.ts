import type { EncodedBatch, SendOutcome, Transport } from '@echotrail/core'

/**
 * Browsers refuse a keepalive request once the keepalive bodies in flight from one
 * page pass 64 KiB (Fetch spec, "keepalive" inflight limit); stay a little under it.
 */
export const KEEPALIVE_BUDGET_BYTES = 60 * 1_024

/** Does nothing: the fallback of best-effort work (`.catch(noop)`) and of unset hooks. */
export const noop = (): void => {}
// CORS-simple: a text/plain POST without credentials needs no preflight.
const post = (body: string, keepalive: boolean, signal: AbortSignal | null = null): RequestInit => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'text/plain' },
  credentials: 'omit',
  keepalive,
  signal,
})

/** `POST /v1/audit/<path>` (`batch`, `client-report`) with the publishable key in the query string. */
export function apiUrl({ endpoint, publishableKey }: { endpoint: string; publishableKey: string }, path: string): string {
  // sendBeacon cannot set headers, and an X-API-Key header would make every send a
  // preflighted CORS request: the key goes in the URL, which the collector accepts
  // for publishable keys only.
  return `${endpoint}/v1/audit/${path}?key=${encodeURIComponent(publishableKey)}`
}

/**
 * `Retry-After` as a wait in ms: delta-seconds, or an HTTP-date. Senders must write
 * dates as IMF-fixdate (RFC 9110 §5.6.7), the format `Date.parse` must read (it is
 * `toUTCString()`'s); undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  // A date names its month and day; anything else Date.parse might read (`-5`) is no date.
  // A missing header (null, read as the text "null") is neither a number nor a date.
  const ms = /^\s*\d+\s*$/.test(value!) ? Number(value) * 1_000 : /[a-z]/i.test(value!) ? Date.parse(value!) - nowMs : NaN
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
        const response = await fetchImpl(url, post(batch.body, batch.bytes <= KEEPALIVE_BUDGET_BYTES, signal))
        const { ok, status } = response
        // An absent `rejected` or `retryAfterMs` is undefined, which the sender reads as none.
        if (ok) {
          // A 202 names the events it refused as invalid: they are dropped, not sent.
          const answer = (await response.json().catch(noop)) as { rejected?: { index?: number }[] } | undefined
          return { ok, status, rejected: answer?.rejected?.map?.((entry) => entry?.index).filter(Number.isInteger) } as SendOutcome
        }
        // The answer is not needed; release the connection.
        response.body?.cancel().catch(noop)
        return { ok, status, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), Date.now()) } as SendOutcome
      } catch (error) {
        return { ok: false, error }
      }
    },
  }
}

/**
 * Sends `body` with `navigator.sendBeacon`, else (`refused`) a keepalive fetch; best
 * effort, for a page that is going away. A string body goes out as
 * `text/plain;charset=UTF-8`, which is CORS-simple.
 */
export function sendWhileLeaving(url: string, body: string, fetchImpl: typeof fetch, refused?: (() => void) | false): void {
  try {
    if (navigator.sendBeacon(url, body)) return
  } catch {
    // Unload is best effort: a throwing beacon falls through.
  }
  if (refused) refused()
  else fetchImpl(url, post(body, true)).catch(noop)
}
