import type { Recorder, RequestRecord } from './client.js'

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
    let record: RequestRecord | undefined
    try {
      const request = typeof Request !== 'undefined' && input instanceof Request ? input : undefined
      const method = init?.method ?? request?.method ?? 'GET'
      const url = request ? request.url : String(input)
      record = recorder.begin(method, url, init?.body)
      if (record?.requestId !== undefined) args = withHeader(input, init, request, header, record.requestId) ?? args
    } catch (error) {
      recorder.failures.report('fetch.begin', error)
    }
    // The host's call runs outside our guard: its exceptions and rejections stay its own.
    const pending = original.apply(this, args)
    if (record === undefined) return pending
    const done = record
    return pending.then(
      (response) => {
        try {
          done.end(response.status)
        } catch (error) {
          recorder.failures.report('fetch.end', error)
        }
        return response
      },
      (error: unknown) => {
        try {
          done.fail(errorName(error))
        } catch (failure) {
          recorder.failures.report('fetch.fail', failure)
        }
        throw error
      },
    )
  }
  const target = globalThis as { fetch: typeof fetch }
  target.fetch = echotrailFetch as typeof fetch
  return () => {
    if (target.fetch === echotrailFetch) target.fetch = original
  }
}

/** The arguments with the request id header added, unless the caller set that header. */
function withHeader(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  request: Request | undefined,
  name: string,
  value: string,
): Parameters<typeof fetch> | undefined {
  const headers = new Headers(init?.headers ?? request?.headers)
  if (headers.has(name)) return undefined
  headers.set(name, value)
  return [input, { ...init, headers }]
}

/** `AbortError`, `TimeoutError`, `TypeError: Failed to fetch`… */
export function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const { name, message } = error as { name?: unknown; message?: unknown }
    if (typeof name === 'string') return typeof message === 'string' && message ? `${name}: ${message}` : name
  }
  return String(error)
}
