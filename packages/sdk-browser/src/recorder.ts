import { type AuditEventFields, type FailureLog } from '@echotrail/core'
import { captureBody } from './capture-body.js'
import type { ResolvedOptions } from './options.js'
import { compileUrlRules, isHealthCheck } from './url-rules.js'

/** One request being recorded; the patches call exactly one of `end` or `fail`. */
export interface RequestRecord {
  /** Value of the request id header, when the URL is in `propagateTo`. */
  readonly requestId: string | undefined
  /** The answer arrived with `status` (0 for opaque responses). */
  end(status: number): void
  /** No answer: network error, abort or timeout (`reason` is the error's name). */
  fail(reason: string): void
}

/** What the fetch and XHR patches need from the SDK. */
export interface Recorder {
  /** Starts recording a request; undefined when it is not recorded (own traffic, ignored…). */
  begin(method: string, url: string, body: unknown): RequestRecord | undefined
  readonly failures: FailureLog
}

/** The recorder plus what the page's lifecycle needs of it. */
export interface RequestEvents extends Recorder {
  /** Requests in flight right now, as the orphan events they become if the page goes. */
  orphans(): AuditEventFields[]
  /** The page is going: every request still in flight becomes an orphan event now. */
  orphanAll(): void
}

/** `error_message` of a request whose page went away first. */
export const PAGE_CLOSED = 'page closed before the response arrived'
// The wire format's methods (core's HTTP_METHODS) and path limit (WIRE_LIMITS.maxPathLength).
const METHODS = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/
const MAX_PATH_CHARS = 255

/**
 * Turns requests into events: `common()` gives the fields every event shares, `enqueue`
 * takes each finished one, and `changed` hears whenever the set in flight changes.
 */
export function createRequestEvents(
  options: ResolvedOptions,
  common: () => AuditEventFields,
  enqueue: (event: AuditEventFields) => void,
  changed: () => void,
  failures: FailureLog,
): RequestEvents {
  const ownPrefix = `${options.endpoint}/v1/`
  const ignored = compileUrlRules(options.ignoreUrls)
  const propagate = compileUrlRules(options.propagateTo)
  const live = new Map<string, { base: AuditEventFields; startMs: number }>()
  const elapsedMs = (startMs: number): number => Math.round((performance.now() - startMs) * 10) / 10
  const orphan = ({ base, startMs }: { base: AuditEventFields; startMs: number }): AuditEventFields => ({
    ...base,
    orphan: true,
    error_message: PAGE_CLOSED,
    response_time: elapsedMs(startMs),
  })

  return {
    failures,
    begin(method, rawUrl, body) {
      const upper = method.toUpperCase()
      const target = new URL(rawUrl, location.href)
      const href = target.href
      if (!METHODS.test(upper) || href.startsWith(ownPrefix) || ignored(href) || isHealthCheck(target.pathname)) return undefined
      const base = common()
      base.method = upper as NonNullable<AuditEventFields['method']>
      base.path = target.pathname.slice(0, MAX_PATH_CHARS)
      base.target = target.origin + target.pathname
      if (target.search[1]) base.query_params = Object.fromEntries(target.searchParams)
      const captured = options.captureBodies && body != null ? captureBody(body) : undefined
      if (captured !== undefined) base.request_body = captured
      const id = base.event_id!
      const requestId = propagate(href) ? id : undefined
      if (requestId) base.request_id = requestId
      const startMs = performance.now()
      live.set(id, { base, startMs })
      changed()
      const settle = (extra: AuditEventFields): void => {
        if (!live.delete(id)) return
        changed()
        Object.assign(base, extra).response_time = elapsedMs(startMs)
        enqueue(base)
      }
      return {
        requestId,
        // Opaque responses (no-cors, manual redirects) hide their status: still recorded.
        end: (status) => settle(status >= 100 && status <= 599 ? { status_code: status } : { action: 'http.request', metadata: { opaque: true } }),
        fail: (reason) => settle({ orphan: true, error_message: reason }),
      }
    },
    orphans: () => [...live.values()].map(orphan),
    orphanAll() {
      // The page will never see these answers. Their copies in the page's leftovers
      // carry the same event_id, so the collector stores each once.
      for (const request of live.values()) enqueue(orphan(request))
      live.clear()
    },
  }
}
