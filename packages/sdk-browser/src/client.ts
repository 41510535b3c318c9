import {
  createBatchSender,
  createFailureLog,
  createMasker,
  createRetryPolicy,
  HTTP_METHODS,
  uuidv7,
  WIRE_LIMITS,
  type AuditEventFields,
  type BatchSender,
  type DeliveryStats,
  type EncodedBatch,
  type FailureLog,
  type Transport,
} from '@echotrail/core'
import { captureBody } from './capture-body.js'
import { createIndexedDbQueue } from './idb-queue.js'
import { createInflightStore, PAGE_CLOSED, type InflightStore } from './inflight-store.js'
import type { ResolvedOptions } from './options.js'
import { readSessionId, reportEarlierOrphans, RESCUE, takeRescued } from './page-storage.js'
import { batchUrl, createFetchTransport, KEEPALIVE_BUDGET_BYTES, sendWhileLeaving } from './transport.js'
import { compileUrlRules, isHealthCheck, type UrlMatcher } from './url-rules.js'

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

/** The SDK instance behind `init()`. */
export interface BrowserClient extends Recorder {
  setUser(user: BrowserUser): void
  clearUser(): void
  action(name: string, fields?: AuditEventFields): void
  flush(timeoutMs?: number): Promise<boolean>
  stats(): BrowserStats
  /** Sends what it can, detaches the page listeners; later events are dropped. */
  shutdown(timeoutMs?: number): Promise<boolean>
}

const METHODS = new Set<string>(HTTP_METHODS)
const EVENT_ID = /"event_id":"([0-9a-f-]{36})"/g
const HANDOFF_DELAY_MS = 20
// TODO(issue 6): stamp the released version at build time.
const SDK_VERSION = '0.0.0'
const HANDOFF_EVENTS = 500
// localStorage holds about 5 MB per origin; take a small share of it.
const MAX_RESCUE_CHARS = 256 * 1_024

interface Live {
  readonly base: AuditEventFields
  readonly startMs: number
}

/**
 * Creates the client: builds events from requests and actions, queues them in IndexedDB
 * through the core batch sender, and hands what is unsent to `sendBeacon` when the page
 * goes away. `fetchImpl` is the unpatched fetch, so the SDK never records itself.
 */
export function createBrowserClient(options: ResolvedOptions, fetchImpl: typeof fetch): BrowserClient {
  const failures = createFailureLog(options.onError ? { log: options.onError } : {})
  const report = (where: string) => (error: unknown) => failures.report(where, error)
  const masker = createMasker(options.mask)
  const url = batchUrl(options.endpoint, options.publishableKey)
  const ownPrefix = `${options.endpoint}/v1/`
  const ignored: UrlMatcher = compileUrlRules(options.ignoreUrls)
  const propagate: UrlMatcher = compileUrlRules(options.propagateTo)
  const pageId = uuidv7()
  const sessionId = readSessionId()
  const userAgent = typeof navigator === 'undefined' ? undefined : navigator.userAgent

  // Events serialised in this page and not yet confirmed delivered, by event_id: the
  // part of the queue that `sendBeacon` can still carry when the page goes away
  // (IndexedDB cannot be read synchronously during pagehide).
  const unsent = new Map<string, string>()
  const live = new Map<string, Live>()
  let user: AuditEventFields = {}
  let closed = false

  const fetchTransport = createFetchTransport(url, fetchImpl)
  const transport: Transport = {
    async send(batch: EncodedBatch, signal: AbortSignal) {
      const outcome = await fetchTransport.send(batch, signal)
      if (outcome.ok) for (const match of batch.body.matchAll(EVENT_ID)) unsent.delete(match[1]!)
      return outcome
    },
  }
  const sender: BatchSender<AuditEventFields> = createBatchSender<AuditEventFields>({
    transport,
    queue: createIndexedDbQueue(`${options.storageName}-queue`),
    // Offline spells can last hours; the bounded queue, not an attempt count, limits them.
    retryPolicy: createRetryPolicy({ maxAttempts: Number.MAX_SAFE_INTEGER }),
    serialize(event) {
      const json = masker.maskToJson(event)
      if (typeof event.event_id === 'string') {
        unsent.set(event.event_id, json)
        if (unsent.size > options.maxQueueEvents) unsent.delete(unsent.keys().next().value!)
      }
      return json
    },
    // The SDK holds events for flushIntervalMs itself (see `hold`); the sender then
    // sends what it is handed at once, in as few batches as its limits allow.
    flushIntervalMs: HANDOFF_DELAY_MS,
    maxQueueEvents: options.maxQueueEvents,
    maxQueueBytes: options.maxQueueBytes,
    onError: report('delivery'),
  })
  const inflight: InflightStore = createInflightStore(`${options.storageName}-inflight`, report('inflight'))

  const common = (): AuditEventFields => {
    const fields: AuditEventFields = {
      event_id: uuidv7(),
      // ISO text, not epoch ms: a 13-digit number that passes the Luhn check is masked
      // as a card number (core masks numbers too), and the event would be refused.
      timestamp: new Date().toISOString(),
      source: 'browser',
      service_name: options.service,
      environment: options.environment,
      session_id: sessionId,
      ...user,
    }
    if (userAgent !== undefined) fields.user_agent = userAgent
    return fields
  }
  // Events wait here for flushIntervalMs and reach the batch sender together. The core
  // sender, once a flush is due, keeps sending while events keep arriving, so a page
  // with steady traffic would otherwise send (and write IndexedDB) every few events.
  let held: AuditEventFields[] = []
  let holdTimer: ReturnType<typeof setTimeout> | undefined
  const handOff = (): void => {
    if (holdTimer !== undefined) clearTimeout(holdTimer)
    holdTimer = undefined
    const events = held
    held = []
    for (const event of events) sender.enqueue(event)
  }
  const enqueue = (event: AuditEventFields): void => {
    if (closed) return
    held.push(event)
    if (held.length >= HANDOFF_EVENTS) handOff()
    else holdTimer ??= setTimeout(handOff, options.flushIntervalMs)
  }

  const begin = (method: string, rawUrl: string, body: unknown): RequestRecord | undefined => {
    if (closed) return undefined
    const upper = method.toUpperCase()
    if (!METHODS.has(upper)) return undefined
    const target = new URL(rawUrl, location.href)
    const href = target.href
    if (href.startsWith(ownPrefix) || ignored(href) || isHealthCheck(target.pathname)) return undefined
    const base = common()
    base.method = upper as NonNullable<AuditEventFields['method']>
    base.path = target.pathname.slice(0, WIRE_LIMITS.maxPathLength)
    base.target = target.origin + target.pathname
    if (target.search.length > 1) base.query_params = Object.fromEntries(target.searchParams)
    if (options.captureBodies && body != null) {
      const captured = captureBody(body)
      if (captured !== undefined) base.request_body = captured
    }
    const id = base.event_id!
    const requestId = propagate(href) ? id : undefined
    if (requestId !== undefined) base.request_id = requestId
    const startMs = performance.now()
    live.set(id, { base, startMs })
    inflight.add(id, { page: pageId, at: Date.now(), event: base })
    let settled = false
    const settle = (extra: AuditEventFields): void => {
      if (settled) return
      settled = true
      live.delete(id)
      inflight.remove(id)
      // `base` is ours alone and no longer referenced by the in-flight store: finish it in place.
      Object.assign(base, extra).response_time = Math.round((performance.now() - startMs) * 10) / 10
      enqueue(base)
    }
    return {
      requestId,
      end(status) {
        // Opaque responses (no-cors, manual redirects) hide their status: still recorded.
        if (status >= 100 && status <= 599) settle({ status_code: status })
        else settle({ action: 'http.request', metadata: { opaque: true } })
      },
      fail(reason) {
        settle({ orphan: true, error_message: reason })
      },
    }
  }

  const leave = (pageIsGoing: boolean): void => {
    if (closed) return
    if (pageIsGoing) {
      // The page will never see these answers: they are orphans now. Their in-flight
      // records stay in IndexedDB too, in case the beacon is lost; same event_id, stored once.
      for (const [id, request] of live) {
        live.delete(id)
        enqueue({ ...request.base, orphan: true, error_message: PAGE_CLOSED, response_time: Math.round(performance.now() - request.startMs) })
      }
    }
    handOff()
    writeRescue()
    beaconUnsent()
    reportDrops()
    // Move staged events into IndexedDB (and start a keepalive send) while the page lives.
    void sender.flush()
  }

  // What the queue dropped goes to the collector, so the gap in the trail is visible.
  const reportUrl = `${options.endpoint}/v1/audit/client-report?key=${encodeURIComponent(options.publishableKey)}`
  const reportDrops = (): void => {
    const dropped = sender.takeDropReport()
    if (Object.keys(dropped).length > 0) {
      sendWhileLeaving(reportUrl, JSON.stringify({ dropped, sdk: { name: '@echotrail/browser', version: SDK_VERSION } }), fetchImpl)
    }
  }

  const beaconUnsent = (): void => {
    if (unsent.size === 0) return
    let chunk: string[] = []
    let bytes = 0
    const send = (): void => {
      if (chunk.length > 0) beaconEvents(chunk)
      chunk = []
      bytes = 0
    }
    for (const json of unsent.values()) {
      if (bytes + json.length > KEEPALIVE_BUDGET_BYTES / 2) send()
      chunk.push(json)
      bytes += json.length + 1
    }
    send()
    // Whatever the beacon carried may also leave later from IndexedDB: the collector
    // stores an event_id once, so a duplicate costs bytes, never a double entry.
    unsent.clear()
  }

  // A refused beacon is halved before it falls back to a keepalive fetch (PostHog does the same).
  const beaconEvents = (events: string[]): void => {
    const body = `{"events":[${events.join(',')}]}`
    if (events.length > 1 && typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function') {
      try {
        if (navigator.sendBeacon(url, body)) return
      } catch {
        // Unload is best effort.
      }
      const half = Math.ceil(events.length / 2)
      beaconEvents(events.slice(0, half))
      beaconEvents(events.slice(half))
      return
    }
    sendWhileLeaving(url, body, fetchImpl)
  }

  // IndexedDB writes started while the page unloads are often never committed, and
  // a beacon to an unreachable collector is lost: the events not yet known to be in the
  // queue are also written to localStorage, synchronously, for the next page load.
  const rescueKey = RESCUE + pageId
  const writeRescue = (): void => {
    if (unsent.size === 0) return
    let chars = 0
    const kept: string[] = []
    for (const json of unsent.values()) {
      if (chars + json.length > MAX_RESCUE_CHARS) break
      kept.push(json)
      chars += json.length
    }
    try {
      localStorage.setItem(rescueKey, `[${kept.join(',')}]`)
    } catch (error) {
      failures.report('unload.rescue', error)
    }
  }

  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') guardRun('unload.hidden', () => leave(false))
    else guardRun('unload.visible', () => localStorage.removeItem(rescueKey))
  }
  const onPageHide = (): void => guardRun('unload.pagehide', () => leave(true))
  const onOnline = (): void => void sender.flush()
  const guardRun = (where: string, fn: () => void): void => {
    try {
      fn()
    } catch (error) {
      failures.report(where, error)
    }
  }
  if (typeof addEventListener === 'function') {
    addEventListener('pagehide', onPageHide)
    addEventListener('online', onOnline)
    document.addEventListener('visibilitychange', onVisibility)
  }

  guardRun('rescue.read', () => {
    for (const event of takeRescued(rescueKey)) enqueue(event)
  })
  void reportEarlierOrphans(inflight, pageId).then((orphans) => {
    for (const event of orphans) enqueue(event as AuditEventFields)
  }, report('inflight.orphans'))

  return {
    failures,
    begin,
    setUser(next) {
      const fields: AuditEventFields = {}
      if (next.id !== undefined) fields.identifier = String(next.id).slice(0, WIRE_LIMITS.maxIdentifierLength)
      if (next.email !== undefined) fields.user_email = next.email
      if (next.name !== undefined) fields.user_name = next.name
      if (next.roles !== undefined) fields.user_roles = [...next.roles]
      if (next.type !== undefined) fields.user_type = next.type
      if (next.tenantId !== undefined) fields.tenant_id = next.tenantId
      user = fields
    },
    clearUser() {
      user = {}
    },
    action(name, fields = {}) {
      enqueue({ ...common(), ...fields, action: name })
    },
    flush(timeoutMs) {
      handOff()
      return sender.flush(timeoutMs)
    },
    stats() {
      const delivery = sender.stats()
      return { ...delivery, queued: delivery.queued + held.length, failures: failures.counts().total, inFlight: live.size }
    },
    shutdown(timeoutMs) {
      if (typeof removeEventListener === 'function') {
        removeEventListener('pagehide', onPageHide)
        removeEventListener('online', onOnline)
        document.removeEventListener('visibilitychange', onVisibility)
      }
      handOff()
      const done = sender.shutdown(timeoutMs)
      closed = true
      return done
    },
  }
}
