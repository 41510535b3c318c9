import type { Recorder } from './client.js'

/**
 * Wraps `window.fetch` so every call is recorded, without changing what the page sees:
 * the same arguments reach the real fetch (a request id header is added only for
 * `propagateTo` URLs), bodies are never read or cloned, the same Response object and
 * the same rejection reach the caller. Returns the function that restores the original.
 */
export function patchFetch(recorder: Recorder, original: typeof fetch, header: string): () => void {
  function echotrailFetch(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    // eslint-disable-next-line prefer-rest-params
    let args = arguments as unknown as Parameters<typeof fetch>
    const record = recorder.guard(
      'fetch.begin',
      () => {
        const request = input instanceof Request ? input : undefined
        const started = recorder.begin(init?.method ?? request?.method ?? 'GET', request ? request.url : String(input), init?.body)
        if (started?.requestId) {
          // Unless the caller set the header itself.
          const headers = new Headers(init?.headers ?? request?.headers)
          if (!headers.has(header)) {
            headers.set(header, started.requestId)
            args = [input, { ...init, headers }]
          }
        }
        return started
      },
    )
    // The host's call runs outside our guard: its exceptions and rejections stay its own.
    const pending = original.apply(this, args)
    return record
      ? pending.then(
          (response) => (record.end(response.status), response),
          (error: unknown) => {
            record.end(error)
            throw error
          },
        )
      : pending
  }
  const target = globalThis as { fetch: typeof fetch }
  target.fetch = echotrailFetch as typeof fetch
  return () => {
    if (target.fetch === echotrailFetch) target.fetch = original
  }
}
