import type { Recorder, RequestRecord } from './client.js'

interface XhrState {
  method: string
  url: string
  /** The page set our header itself: leave it alone. */
  headerSet: boolean
  record: RequestRecord | undefined
  failure: string | undefined
}

/**
 * Patches `XMLHttpRequest.prototype.open`, `setRequestHeader` and `send` to record each
 * request. The page's listeners, events and readyState sequence are untouched: the SDK
 * only adds its own `error`/`abort`/`timeout`/`loadend` listeners at `send()` and reads
 * `status` at `loadend`. Returns the function that restores the originals.
 */
export function patchXhr(recorder: Recorder, header: string): () => void {
  if (typeof XMLHttpRequest === 'undefined') return () => {}
  const proto = XMLHttpRequest.prototype
  const { open, send, setRequestHeader } = proto
  const states = new WeakMap<XMLHttpRequest, XhrState>()

  const onFailure = function (this: XMLHttpRequest, event: Event): void {
    const state = states.get(this)
    if (state) state.failure = event.type === 'error' ? 'NetworkError' : event.type === 'abort' ? 'AbortError' : 'TimeoutError'
  }
  const onLoadEnd = function (this: XMLHttpRequest): void {
    const state = states.get(this)
    if (!state?.record) return
    const record = state.record
    state.record = undefined
    try {
      if (state.failure !== undefined || this.status === 0) record.fail(state.failure ?? 'NetworkError')
      else record.end(this.status)
    } catch (error) {
      recorder.failures.report('xhr.end', error)
    }
  }

  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL) {
    try {
      // open() on a busy request ends that request without firing loadend.
      const previous = states.get(this)?.record
      if (previous) previous.fail('AbortError')
      states.set(this, { method: String(method), url: String(url), headerSet: false, record: undefined, failure: undefined })
    } catch (error) {
      recorder.failures.report('xhr.open', error)
    }
    // eslint-disable-next-line prefer-rest-params
    return open.apply(this, arguments as unknown as Parameters<typeof open>)
  } as typeof open

  proto.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
    const state = states.get(this)
    if (state && String(name).toLowerCase() === header) state.headerSet = true
    return setRequestHeader.call(this, name, value)
  }

  proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const state = states.get(this)
    // A send() the browser will refuse (not opened, or sent twice) is not recorded.
    if (state && this.readyState === 1 && state.record === undefined) {
      try {
        state.failure = undefined
        const record = recorder.begin(state.method, state.url, body)
        if (record) {
          state.record = record
          if (record.requestId !== undefined && !state.headerSet) setRequestHeader.call(this, header, record.requestId)
          this.addEventListener('error', onFailure)
          this.addEventListener('abort', onFailure)
          this.addEventListener('timeout', onFailure)
          this.addEventListener('loadend', onLoadEnd)
        }
      } catch (error) {
        recorder.failures.report('xhr.send', error)
      }
    }
    try {
      // eslint-disable-next-line prefer-rest-params
      return send.apply(this, arguments as unknown as Parameters<typeof send>)
    } catch (error) {
      // A synchronous request that fails throws instead of firing loadend.
      const record = state?.record
      if (state && record) {
        state.record = undefined
        record.fail(errorNameOf(error))
      }
      throw error
    }
  }

  return () => {
    if (proto.open !== open) proto.open = open
    proto.send = send
    proto.setRequestHeader = setRequestHeader
  }
}

function errorNameOf(error: unknown): string {
  return error && typeof error === 'object' && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : 'NetworkError'
}
