import type { ActionEvent, AuditEvent, DeliveryStats, DropReport, FailureLog, JsonObject } from '@echotrail/core'
import { createBatchSender, createFailureLog, createMasker, createRetryPolicy, EchotrailError, uuidv7 } from '@echotrail/core'
import { createEventJsonWriter } from './capture/event-json'
import { attachInternals, SerializedEvent } from './client-internals'
import type { NodeClientOptions, ResolvedNodeOptions } from './options'
import { resolveOptions } from './options'
import type { UndiciTransport } from './transport/undici-transport'
import { createUndiciTransport } from './transport/undici-transport'
import { SDK_INFO } from './version'

/** An explicit audit event: `action` required, everything else optional. */
export type ActionInput = Omit<ActionEvent, 'source'> & {
  /** Shorthand for `metadata.parameters` (shown as "Show (N)" in the dashboard). */
  parameters?: JsonObject
}

/** Delivery counters plus failures inside the SDK. */
export interface NodeClientStats extends DeliveryStats {
  /** Failures inside the SDK or its adapters (hooks that threw…), counted, never thrown. */
  readonly failures: number
  /** `failures` by site (`http.identify`, `client.capture`…). */
  readonly failuresBySite: Readonly<Record<string, number>>
}

/** The Node client: records events and ships them in retried batches. */
export interface NodeClient {
  /** False when disabled by `enabled: false` or invalid options: every call is then a no-op. */
  readonly enabled: boolean
  /** `service_name` of this client's events. */
  readonly service: string
  /** `environment` of this client's events. */
  readonly environment: string
  /** Failures inside the SDK and its adapters: counted for `stats()`, logged once per site. */
  readonly failures: FailureLog
  /** Records `event`, filling `event_id`, `timestamp`, `service_name`, `environment`, `source`. Never throws. */
  capture(event: AuditEvent): void
  /** Records an explicit action (`key.created`, `HardDeleteTenant`). Never throws. */
  action(input: ActionInput): void
  /** Queues a complete event exactly as given (adapters build theirs in full). Never throws. */
  enqueue(event: AuditEvent): boolean
  /** Sends everything queued; resolves true when delivered, false on timeout. Never rejects. */
  flush(timeoutMs?: number): Promise<boolean>
  /** Flushes, reports drops, closes connections; later events are dropped. Never rejects. */
  shutdown(timeoutMs?: number): Promise<boolean>
  /** Counters since start. */
  stats(): NodeClientStats
}

const CLIENT_REPORT_TIMEOUT_MS = 5_000

/**
 * Creates the Node client. Invalid options never throw: the problem is logged once and
 * a disabled client returned, so a missing key in one environment cannot take the app down.
 */
export function createClient(options: NodeClientOptions): NodeClient {
  const { resolved, problems } = resolveOptions(options)
  const failures = createFailureLog(resolved.logger ? { log: resolved.logger } : {})
  for (const problem of problems) failures.report('config', new EchotrailError('ET_CONFIG_INVALID', problem))
  if (!resolved.enabled) return createDisabledClient(resolved, failures)
  return createEnabledClient(resolved, failures)
}

function createEnabledClient(o: ResolvedNodeOptions, failures: FailureLog): NodeClient {
  const transport = createUndiciTransport({
    endpoint: o.endpoint,
    apiKey: o.apiKey,
    gzipThresholdBytes: o.gzipThresholdBytes,
    maxConnections: o.maxConnections,
    dispatcher: o.dispatcher,
    userAgent: `${SDK_INFO.name}/${SDK_INFO.version} node/${process.versions.node}`,
  })
  const masker = createMasker({ extraKeys: o.maskKeys, extraPatterns: o.maskPatterns })
  const reporter = createDropReporter(transport, o.reportDrops, failures)
  const sender = createBatchSender<AuditEvent | SerializedEvent>({
    ...o.delivery,
    retryPolicy: createRetryPolicy(o.retry),
    // Masking happens before an event is queued, once: here, or for request events in the
    // adapter that wrote them (see capture/event-json.ts). Secrets never leave the process.
    serialize: (event) => (event instanceof SerializedEvent ? event.json : masker.maskToJson(event)),
    transport: {
      async send(batch, signal) {
        const outcome = await transport.send(batch, signal)
        // The collector is reachable again: tell it what was lost meanwhile.
        if (outcome.ok) reporter.kick(sender.takeDropReport())
        return outcome
      },
    },
    onError: (error) => failures.report(`delivery.${error.code}`, error),
  })

  const enqueue = (event: AuditEvent): boolean => sender.enqueue(event)
  const capture = (event: AuditEvent): void => {
    try {
      const full: AuditEvent = {
        event_id: uuidv7(),
        timestamp: new Date().toISOString(),
        service_name: o.service,
        environment: o.environment,
        source: 'backend',
        ...event,
      }
      sender.enqueue(full)
    } catch (error) {
      failures.report('client.capture', error)
    }
  }
  const client: NodeClient = {
    enabled: true,
    service: o.service,
    environment: o.environment,
    failures,
    capture,
    enqueue,
    action(input) {
      try {
        const { parameters, ...rest } = input
        const event: AuditEvent =
          parameters === undefined ? rest : { ...rest, metadata: { ...rest.metadata, parameters } }
        capture(event)
      } catch (error) {
        failures.report('client.action', error)
      }
    },
    async flush(timeoutMs) {
      const done = await sender.flush(timeoutMs)
      reporter.kick(sender.takeDropReport())
      await reporter.settled()
      return done
    },
    async shutdown(timeoutMs) {
      const done = await sender.shutdown(timeoutMs)
      reporter.kick(sender.takeDropReport())
      await reporter.settled()
      await transport.close()
      return done
    },
    stats() {
      const counts = failures.counts()
      return { ...sender.stats(), failures: counts.total, failuresBySite: counts.bySite }
    },
  }
  attachInternals(client, {
    writer: createEventJsonWriter(masker, o.maskPatterns.length > 0),
    enqueueJson: (json) => sender.enqueue(new SerializedEvent(json)),
  })
  return client
}

/**
 * Sends drop counts to `POST /v1/audit/client-report`, one report at a time. Counts
 * whose report fails are kept and go with the next one, so a gap is reported late
 * rather than never.
 */
function createDropReporter(transport: UndiciTransport, enabled: boolean, failures: FailureLog) {
  const pending: Record<string, number> = {}
  let running: Promise<void> = Promise.resolve()
  let busy = false
  const hasPending = () => Object.keys(pending).length > 0
  async function send(): Promise<void> {
    while (hasPending()) {
      const dropped = { ...pending }
      const body = JSON.stringify({ dropped, sdk: SDK_INFO })
      const status = await transport.postJson('/v1/audit/client-report', body, AbortSignal.timeout(CLIENT_REPORT_TIMEOUT_MS))
      if (status < 200 || status >= 300) {
        if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
          failures.report('client-report', new EchotrailError('ET_SEND_REJECTED', `the collector refused the client report with status ${status}`))
          for (const key of Object.keys(dropped)) delete pending[key]
        }
        return
      }
      for (const [reason, count] of Object.entries(dropped)) {
        const left = (pending[reason] ?? 0) - count
        if (left > 0) pending[reason] = left
        else delete pending[reason]
      }
    }
  }
  return {
    kick(report: DropReport): void {
      if (!enabled) return
      for (const [reason, count] of Object.entries(report)) if (count) pending[reason] = (pending[reason] ?? 0) + count
      if (busy || !hasPending()) return
      busy = true
      running = send()
        .catch((error: unknown) => failures.report('client-report', error))
        .finally(() => (busy = false))
    },
    settled: () => running,
  }
}

function createDisabledClient(o: ResolvedNodeOptions, failures: FailureLog): NodeClient {
  const zero = { sent: 0, dropped: 0, retried: 0, queued: 0 }
  return {
    enabled: false,
    service: o.service,
    environment: o.environment,
    failures,
    capture() {},
    action() {},
    enqueue: () => false,
    flush: () => Promise.resolve(true),
    shutdown: () => Promise.resolve(true),
    stats() {
      const counts = failures.counts()
      return {
        ...zero,
        droppedByReason: {
          queue_overflow: 0,
          too_large: 0,
          rejected: 0,
          retries_exhausted: 0,
          shutdown: 0,
          serialize_error: 0,
          queue_error: 0,
        },
        failures: counts.total,
        failuresBySite: counts.bySite,
      }
    },
  }
}
