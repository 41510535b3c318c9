import {
  createFailureLog,
  createMasker,
  EchotrailError,
  uuidv7,
  WIRE_LIMITS,
  type AuditEventFields,
  type DeliveryStats,
} from '@echotrail/core'
import { createIndexedDbQueue } from './idb-queue.js'
import type { ResolvedOptions } from './options.js'
import { LEFTOVERS, readSessionId, takeLeftovers } from './page-storage.js'
import { createRequestEvents, type Recorder } from './recorder.js'
import { createSender } from './sender.js'
import { batchUrl, createFetchTransport, sendWhileLeaving } from './transport.js'
import { createUnsentEvents } from './unload.js'
import { SDK_VERSION } from './version.js'

export type { Recorder, RequestRecord } from './recorder.js'

// localStorage holds about 5 MB per origin; take a small share of it.
const MAX_LEFTOVER_CHARS = 256 * 1_024
// Most requests finish within this; their in-flight state never reaches localStorage.
const WRITE_DELAY_MS = 250

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

/**
 * Creates the client: wires request capture, the masker, the IndexedDB queue, the
 * sender and the page's lifecycle together. `fetchImpl` is the unpatched fetch, so the
 * SDK never records itself.
 */
export function createBrowserClient(options: ResolvedOptions, fetchImpl: typeof fetch): BrowserClient {
  const failures = createFailureLog(options.onError ? { log: options.onError } : {})
  const masker = createMasker(options.mask)
  const url = batchUrl(options.endpoint, options.publishableKey)
  const pageId = uuidv7()
  const sessionId = readSessionId()
  const leftoversKey = LEFTOVERS + pageId
  const unsent = createUnsentEvents(url, fetchImpl, options.maxQueueEvents)
  const userAgent = navigator.userAgent
  let user: AuditEventFields = {}
  let closed = false

  const sender = createSender<AuditEventFields>({
    transport: createFetchTransport(url, fetchImpl),
    queue: createIndexedDbQueue(`${options.storageName}-queue`),
    serialize(event) {
      const json = masker.maskToJson(event)
      unsent.add(json)
      return json
    },
    flushIntervalMs: options.flushIntervalMs,
    maxQueueEvents: options.maxQueueEvents,
    maxQueueBytes: options.maxQueueBytes,
    onError: (code, message, cause) => failures.report(code, new EchotrailError(code, message, { cause })),
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

  // What this page leaves to the next load if it dies now: its requests in flight (as
  // orphans) and, once it was hidden, what its beacons carried (they may be lost).
  // Masked, like everything that leaves the SDK. Rewritten at most every WRITE_DELAY_MS,
  // so a request that finishes within one window never touches localStorage.
  let beaconed: string[] = []
  let leftoversTimer: ReturnType<typeof setTimeout> | undefined
  const writeLeftovers = (): void => {
    clearTimeout(leftoversTimer)
    leftoversTimer = undefined
    let chars = 0
    const kept = [...beaconed, ...requests.orphans().map(masker.maskToJson)].filter((json) => (chars += json.length) <= MAX_LEFTOVER_CHARS)
    try {
      if (kept[0]) localStorage.setItem(leftoversKey, `[${kept}]`)
      else localStorage.removeItem(leftoversKey)
    } catch (error) {
      failures.report('leftovers', error)
    }
  }
  const requests = createRequestEvents(
    options,
    common,
    enqueue,
    () => (leftoversTimer ??= setTimeout(writeLeftovers, WRITE_DELAY_MS)),
    failures,
  )

  // What the queue dropped goes to the collector, so the gap in the trail is visible.
  const reportDrops = (): void => {
    const dropped = sender.takeDropReport()
    if (Object.keys(dropped)[0]) {
      sendWhileLeaving(
        `${options.endpoint}/v1/audit/client-report?key=${encodeURIComponent(options.publishableKey)}`,
        JSON.stringify({ dropped, sdk: { name: '@echotrail/browser', version: SDK_VERSION } }),
        fetchImpl,
      )
    }
  }
  const leave = (pageIsGoing: boolean): void => {
    if (closed) return
    if (pageIsGoing) requests.orphanAll()
    // Serialised now, so the beacon and the leftovers carry them; IndexedDB gets them too.
    sender.handOff()
    beaconed = [...beaconed, ...unsent.leave()].slice(-options.maxQueueEvents)
    writeLeftovers()
    reportDrops()
  }
  const guarded = (where: string, work: () => void) => (): void => {
    try {
      work()
    } catch (error) {
      failures.report(where, error)
    }
  }
  const listeners: [EventTarget, string, () => void][] = [
    [window, 'pagehide', guarded('unload.pagehide', () => leave(true))],
    [window, 'online', sender.retryNow],
    [document, 'visibilitychange', guarded('unload.visibility', () => (document.visibilityState === 'hidden' ? leave(false) : ((beaconed = []), writeLeftovers())))],
  ]
  for (const [target, type, listener] of listeners) target.addEventListener(type, listener)

  guarded('leftovers.read', () => takeLeftovers(pageId, (events) => events.forEach(enqueue)))()

  return {
    ...requests,
    begin: (method, rawUrl, body) => (closed ? undefined : requests.begin(method, rawUrl, body)),
    setUser(next) {
      user = {}
      if (next.id !== undefined) user.identifier = String(next.id).slice(0, WIRE_LIMITS.maxIdentifierLength)
      if (next.email !== undefined) user.user_email = next.email
      if (next.name !== undefined) user.user_name = next.name
      if (next.roles !== undefined) user.user_roles = [...next.roles]
      if (next.type !== undefined) user.user_type = next.type
      if (next.tenantId !== undefined) user.tenant_id = next.tenantId
    },
    clearUser() {
      user = {}
    },
    action(name, fields = {}) {
      enqueue({ ...common(), ...fields, action: name })
    },
    flush: (timeoutMs) => sender.flush(timeoutMs),
    stats: () => ({ ...sender.stats(), failures: failures.counts().total, inFlight: requests.orphans().length }),
    shutdown(timeoutMs) {
      for (const [target, type, listener] of listeners) target.removeEventListener(type, listener)
      const done = sender.shutdown(timeoutMs)
      closed = true
      return done
    },
  }
}
