import { createMaskToJson, EchotrailError, type AuditEventFields, type DeliveryStats, type JsonValue } from '@echotrail/core'
import { CODED_ERRORS } from './coded-errors.js'
import { createIndexedDbQueue } from './idb-queue.js'
import type { ResolvedOptions } from './options.js'
import { patchFetch } from './patch-fetch.js'
import { patchXhr } from './patch-xhr.js'
import { createSender } from './sender.js'
import { apiUrl, createFetchTransport, KEEPALIVE_BUDGET_BYTES, sendWhileLeaving } from './transport.js'
import { compileUrlRules, isHealthCheck } from './url-rules.js'
import { uuidv7 } from './uuidv7.js'
import { SDK_VERSION } from './version.js'

/** Who is using the page; sent with every later event until `clearUser()`. */
export interface BrowserUser {
  /** `identifier`: user or client id, at most 100 characters. */
  id?: string
  /** `user_email`. */
  email?: string
  /** `user_name`. */
  name?: string
  /** `user_roles`. */
  roles?: string[]
  /** `user_type`, e.g. `admin`. */
  type?: string
  /** `tenant_id`. */
  tenantId?: string
}

/** Delivery counters plus the SDK's own contained failures. */
export interface BrowserStats extends DeliveryStats {
  /** Failures inside the SDK (counted, logged once per site, never thrown). */
  readonly failures: number
  /** Requests seen in flight right now. */
  readonly inFlight: number
}

/** One request being recorded; the patches call `end` once. */
export interface RequestRecord {
  /** Value of the request id header, when the URL is in `propagateTo`. */
  readonly requestId: string | undefined
  /**
   * The answer's status (0 for opaque responses), or why none came: the error (network
   * error, abort, timeout) or its name. Never throws.
   */
  end(outcome: unknown): void
}

/** What the fetch and XHR patches need from the SDK. */
export interface Recorder {
  /** Starts recording a request; undefined when it is not recorded (own traffic, ignored…). */
  begin(method: string, url: string, body: unknown): RequestRecord | undefined
  /** Runs SDK code for `where`: a throw is counted and logged once, never reaches the page. */
  guard<T>(where: string, work: () => T): T | undefined
}

/** The SDK instance behind `init()`. */
export interface BrowserClient {
  /** Replaces the user; `setUser({})` clears it. */
  setUser(user: BrowserUser): void
  action(name: string, fields?: AuditEventFields): void
  flush(timeoutMs?: number): Promise<boolean>
  stats(): BrowserStats
  /** Restores fetch and XMLHttpRequest, sends what it can, detaches the page listeners; later events are dropped. */
  shutdown(timeoutMs?: number): Promise<boolean>
}

/** `error_message` of a request whose page went away first. */
const PAGE_CLOSED = 'page closed before the response arrived'

/**
 * localStorage key prefix of a page's leftovers: the events it would lose if it died
 * now (its requests still in flight, as orphans, and once it was hidden, what its
 * beacons carried). localStorage, unlike IndexedDB, is written synchronously, so the
 * copy is there even when the page is killed mid-unload.
 */
const LEFTOVERS = 'echotrail.rescue.'
// The Web Lock a page holds while it lives, so others know when its leftovers are free.
const PAGE_LOCK = 'echotrail-page:'
// localStorage holds about 5 MB per origin; take a small share of it.
const MAX_LEFTOVER_CHARS = 256 * 1_024
// Most requests finish within this; their in-flight state never reaches localStorage.
const WRITE_DELAY_MS = 250
// The wire format's methods (core's HTTP_METHODS) and limits (WIRE_LIMITS).
const METHODS = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/
const MAX_PATH_CHARS = 255
const MAX_IDENTIFIER_CHARS = 100
const MAX_BODY_CHARS = 16_384

/** `AbortError`, `TimeoutError`, `TypeError: Failed to fetch`…; a string is its own name. */
const errorName = (error: unknown): string => {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown }
  return typeof name !== 'string' ? String(error) : message && typeof message === 'string' ? `${name}: ${message}` : name
}

/**
 * Creates the client and patches fetch and XHR: request events, the masker, the
 * IndexedDB queue, the sender and the page's lifecycle wired together. `fetchImpl` is
 * the unpatched fetch, so the SDK never records itself.
 */
export function createBrowserClient(options: ResolvedOptions, fetchImpl: typeof fetch, log: (message: string, error: unknown) => void): BrowserClient {
  const { endpoint, maxQueueEvents, requestIdHeader } = options
  // Failures of ours are counted (stats().failures) and told once per site, never thrown:
  // a broken hook on every request must not flood the page's console.
  const failedAt = new Set<string>()
  let failures = 0
  const report = (where: string, error: unknown): void => {
    if (failedAt.size < failedAt.add(where).size) {
      try {
        log(CODED_ERRORS ? `${where} failed` : `${where} failed; further failures here are counted, not logged`, error)
      } catch {
        // A throwing onError must not turn a contained failure into an uncontained one.
      }
    }
    failures++
  }
  const safely = <T>(where: string, work: () => T): T | undefined => {
    try {
      return work()
    } catch (error) {
      report(where, error)
    }
  }
  // maskToJson alone: the page never needs canonical JSON, so the tag does not carry its writer.
  const maskToJson = createMaskToJson(options.mask)
  const url = apiUrl(options, 'batch')
  const pageId = uuidv7()
  const leftoversKey = LEFTOVERS + pageId
  const userAgent = navigator.userAgent
  const ownPrefix = `${endpoint}/v1/`
  const ignored = compileUrlRules(options.ignoreUrls)
  const propagate = compileUrlRules(options.propagateTo)
  // Serialised and not yet known delivered: what sendBeacon can still carry when the page
  // goes (IndexedDB cannot be read synchronously in pagehide). Insertion-ordered, so the
  // oldest is dropped first past maxQueueEvents.
  const unsent = new Set<string>()
  // Requests in flight, by event id: their event so far and when they started.
  const live = new Map<string, [AuditEventFields, number]>()
  let sessionId: string
  let user: AuditEventFields = {}
  let closed = false
  // What this page's beacons carried since it was last hidden (they may be lost).
  let beaconed: string[] = []
  let leftoversTimer: ReturnType<typeof setTimeout> | undefined
  try {
    // One id per tab, kept across reloads of the tab, else per page.
    sessionId = sessionStorage['echotrail.session'] ??= uuidv7()
  } catch {
    sessionId = uuidv7()
  }

  const sender = createSender<AuditEventFields>({
    ...options,
    transport: createFetchTransport(url, fetchImpl),
    queue: createIndexedDbQueue(`${options.storageName}-queue`),
    serialize(event) {
      const json = maskToJson(event)
      if (unsent.add(json).size > maxQueueEvents) unsent.delete(unsent.values().next().value!)
      return json
    },
    onError: (code, message, cause) => report(code, new EchotrailError(code, message, { cause })),
    onDelivered: (events) => events.forEach((event) => unsent.delete(event.json)),
  })
  const enqueue = (event: AuditEventFields): void => {
    if (!closed) sender.enqueue(event)
  }
  const common = (): AuditEventFields => ({
    event_id: uuidv7(),
    // ISO text, not epoch ms: a 13-digit number that passes the Luhn check is masked
    // as a card number (core masks numbers too), and the event would be refused.
    timestamp: new Date().toISOString(),
    source: 'browser',
    service_name: options.service,
    environment: options.environment,
    session_id: sessionId,
    user_agent: userAgent,
    ...user,
  })
  const elapsedMs = (startMs: number): number => Math.round((performance.now() - startMs) * 10) / 10
  const orphan = ([event, startMs]: [AuditEventFields, number]): AuditEventFields => ({ ...event, orphan: true, error_message: PAGE_CLOSED, response_time: elapsedMs(startMs) })

  // What this page leaves to the next load if it dies now: its requests in flight (as
  // orphans) and what its beacons carried. Masked, like everything that leaves the SDK.
  // Rewritten at most every WRITE_DELAY_MS, so a request that finishes within one window
  // never touches localStorage.
  const writeLeftovers = (): void => {
    clearTimeout(leftoversTimer)
    leftoversTimer = undefined
    let chars = 0
    const kept = [...beaconed, ...[...live.values()].map((request) => maskToJson(orphan(request)))].filter((json) => (chars += json.length) <= MAX_LEFTOVER_CHARS)
    safely('leftovers', () => (kept[0] ? localStorage.setItem(leftoversKey, `[${kept}]`) : localStorage.removeItem(leftoversKey)))
  }
  const changed = (): void => void (leftoversTimer ??= setTimeout(writeLeftovers, WRITE_DELAY_MS))

  // A refused beacon is halved before it falls back to a keepalive fetch (PostHog does the same).
  const beacon = (events: string[]): void =>
    sendWhileLeaving(
      url,
      `{"events":[${events}]}`,
      fetchImpl,
      events.length > 1 &&
        (() => {
          const half = Math.ceil(events.length / 2)
          beacon(events.slice(0, half))
          beacon(events.slice(half))
        }),
    )

  const leave = (pageIsGoing: boolean): void => {
    if (closed) return
    if (pageIsGoing) {
      // The page will never see these answers. Their copies in the page's leftovers
      // carry the same event_id, so the collector stores each once.
      live.forEach((request) => enqueue(orphan(request)))
      live.clear()
    }
    // Serialised now, so the beacon and the leftovers carry them; IndexedDB gets them too.
    sender.handOff()
    // Whatever the beacon carries may also leave later from IndexedDB: the collector
    // stores an event_id once, so a duplicate costs bytes, never a double entry.
    const events = [...unsent]
    let chunk: string[] = []
    let chars = 0
    for (const json of events) {
      if (chunk[0] && chars + json.length > KEEPALIVE_BUDGET_BYTES / 2) {
        beacon(chunk)
        chunk = []
        chars = 0
      }
      chunk.push(json)
      chars += json.length + 1
    }
    if (chunk[0]) beacon(chunk)
    unsent.clear()
    beaconed = [...beaconed, ...events].slice(-maxQueueEvents)
    writeLeftovers()
    // What the queue dropped goes to the collector, so the gap in the trail is visible.
    const dropped = sender.takeDropReport()
    if (Object.keys(dropped)[0]) sendWhileLeaving(apiUrl(options, 'client-report'), JSON.stringify({ dropped, sdk: { name: '@echotrail/browser', version: SDK_VERSION } }), fetchImpl)
  }
  const guarded = (where: string, work: () => void) => (): void => safely(where, work)
  const listeners: [EventTarget, string, () => void][] = [
    [window, 'pagehide', guarded('unload.pagehide', () => leave(true))],
    [window, 'online', sender.retryNow],
    [document, 'visibilitychange', guarded('unload.visibility', () => (document.visibilityState === 'hidden' ? leave(false) : ((beaconed = []), writeLeftovers())))],
  ]
  for (const [target, type, listener] of listeners) target.addEventListener(type, listener)

  // Holds a Web Lock for as long as this page lives, and takes the leftovers of each
  // other page of the origin once that page's lock is free: at once for pages that are
  // gone, when they close for pages still open (a reloaded page may still hold its lock
  // for a moment). Without Web Locks every other page's leftovers are taken now; a page
  // still open may then see its orphans reported early.
  guarded('leftovers.read', () => {
    const locks = navigator.locks
    void locks?.request(PAGE_LOCK + pageId, () => new Promise(() => {}))
    for (const key of Object.keys(localStorage)) {
      if (!key.startsWith(LEFTOVERS)) continue
      const claim = (): void => {
        const text = localStorage.getItem(key)
        localStorage.removeItem(key)
        try {
          // Same event_id as any copy in the queue or a beacon: the collector stores each once.
          if (text) (JSON.parse(text) as AuditEventFields[]).forEach(enqueue)
        } catch {
          // Damaged leftovers are dropped; the IndexedDB queue still holds what it committed.
        }
      }
      if (locks) void locks.request(PAGE_LOCK + key.slice(LEFTOVERS.length), claim)
      else claim()
    }
  })()

  const recorder: Recorder = {
    guard: safely,
    begin(method, rawUrl, body) {
      const upper = method.toUpperCase()
      const target = new URL(rawUrl, location.href)
      const { href, pathname } = target
      if (closed || !METHODS.test(upper) || href.startsWith(ownPrefix) || ignored(href) || isHealthCheck(pathname)) return undefined
      const event = common()
      const id = event.event_id!
      event.method = upper as NonNullable<AuditEventFields['method']>
      event.path = pathname.slice(0, MAX_PATH_CHARS)
      event.target = target.origin + pathname
      if (target.search[1]) event.query_params = Object.fromEntries(target.searchParams)
      // Text and JSON request bodies (strings, URLSearchParams); streams, blobs and forms are not read.
      if (options.captureBodies) {
        if (typeof body === 'string') {
          const text = body.slice(0, MAX_BODY_CHARS)
          try {
            event.request_body = JSON.parse(text) as JsonValue
          } catch {
            event.request_body = text
          }
        } else if (body instanceof URLSearchParams) event.request_body = Object.fromEntries(body)
      }
      const requestId = propagate(href) ? id : undefined
      if (requestId) event.request_id = requestId
      const startMs = performance.now()
      live.set(id, [event, startMs])
      changed()
      return {
        requestId,
        end: (outcome) =>
          safely('request.end', () => {
              if (!live.delete(id)) return
              changed()
              Object.assign(
                event,
                typeof outcome !== 'number'
                  ? { orphan: true, error_message: errorName(outcome) }
                  : // Opaque responses (no-cors, manual redirects) hide their status: still recorded.
                    outcome >= 100 && outcome <= 599
                    ? { status_code: outcome }
                    : { action: 'http.request', metadata: { opaque: true } },
              ).response_time = elapsedMs(startMs)
              enqueue(event)
          }),
      }
    },
  }
  const unpatch = [options.captureFetch && patchFetch(recorder, fetchImpl, requestIdHeader), options.captureXhr && patchXhr(recorder, requestIdHeader)]

  return {
    setUser({ id, email, name, roles, type, tenantId }) {
      // Fields left out are undefined, which JSON (and the masker) drops.
      user = {
        identifier: id === undefined ? id : String(id).slice(0, MAX_IDENTIFIER_CHARS),
        user_email: email,
        user_name: name,
        user_roles: roles && [...roles],
        user_type: type,
        tenant_id: tenantId,
      } as AuditEventFields
    },
    action(name, fields) {
      safely('action', () => enqueue({ ...common(), ...fields, action: name }))
    },
    flush: sender.flush,
    stats: () => ({ ...sender.stats(), failures, inFlight: live.size }),
    shutdown(timeoutMs) {
      unpatch.forEach((restore) => restore && restore())
      for (const [target, type, listener] of listeners) target.removeEventListener(type, listener)
      const done = sender.shutdown(timeoutMs)
      closed = true
      return done
    },
  }
}
