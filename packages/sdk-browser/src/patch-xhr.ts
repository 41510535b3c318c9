import type { Recorder, RequestRecord } from './client.js'

interface XhrState {
  method: string
  url: string
  /** The page set our header itself: leave it alone. */
  headerSet?: boolean
  record?: RequestRecord | undefined
  failure?: string | undefined
}

// The events that end a request; the failure kinds come before `loadend`.
const FAILURES: Record<string, string> = { error: 'NetworkError', abort: 'AbortError', timeout: 'TimeoutError' }

/**
 * Patches `XMLHttpRequest.prototype.open`, `setRequestHeader` and `send` to record each
 * request. The page's listeners, events and readyState sequence are untouched: the SDK
 * only adds its own `error`/`abort`/`timeout`/`loadend` listener at `send()` and reads
 * `status` at `loadend`. Returns the function that restores the originals.
 */
export function patchXhr(recorder: Recorder, header: string): () => void {
  const proto = XMLHttpRequest.prototype
  const { open, send, setRequestHeader } = proto
  const states = new WeakMap<XMLHttpRequest, XhrState>()
  // Ends the request's record (at most once) with a status or a failure's name.
  const end = (state: XhrState | undefined, outcome: number | string): void => {
    const record = state?.record
    if (record) {
      state.record = undefined
      record.end(outcome)
    }
  }

  function onEnding(this: XMLHttpRequest, { type }: Event): void {
    const state = states.get(this)
    if (!state?.record) return
    if (type !== 'loadend') state.failure = FAILURES[type]
    else end(state, state.failure || this.status || 'NetworkError')
  }

  proto.open = function (this: XMLHttpRequest, method: string, url: string | URL) {
    recorder.guard(
      'xhr.open',
      () => {
        // open() on a busy request ends that request without firing loadend.
        end(states.get(this), 'AbortError')
        states.set(this, { method: String(method), url: String(url) })
      },
    )
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
    if (state && this.readyState === 1 && !state.record) {
      recorder.guard(
        'xhr.send',
        () => {
          state.failure = undefined
          const record = (state.record = recorder.begin(state.method, state.url, body))
          if (record?.requestId && !state.headerSet) setRequestHeader.call(this, header, record.requestId)
          if (record) for (const type of ['error', 'abort', 'timeout', 'loadend']) this.addEventListener(type, onEnding)
        },
      )
    }
    try {
      // eslint-disable-next-line prefer-rest-params
      return send.apply(this, arguments as unknown as Parameters<typeof send>)
    } catch (error) {
      // A synchronous request that fails throws instead of firing loadend.
      end(state, (error as Error | undefined)?.name ?? 'NetworkError')
      throw error
    }
  }

  return () => {
    if (proto.open !== open) proto.open = open
    proto.send = send
    proto.setRequestHeader = setRequestHeader
  }
}
