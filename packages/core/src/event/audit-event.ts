import type { JsonObject, JsonValue } from './json'
import type {
  ActorType,
  AuditEventSource,
  ComplianceTag,
  EventCategory,
  EventOutcome,
  EventSeverity,
  HttpMethod,
} from './vocabulary'

/** Free JSON attached to an event; `parameters` is the one key the dashboard knows. */
export interface EventMetadata {
  /** Parameters of the action, shown as "Show (N)" in the events table. */
  parameters?: JsonObject
  [key: string]: JsonValue
}

// A type alias, not an interface: only aliases get an implicit index signature, which lets
// an event pass as `JsonObject` to masking and hashing without a cast.
/**
 * Every field of a wire format v1 event, all optional. Which ones an event must carry
 * depends on its kind: see {@link RequestEvent} and {@link ActionEvent}.
 */
export type AuditEventFields = {
  // Identity and time.
  /** UUIDv7 made by the SDK; the idempotency key. The collector makes one when absent. */
  event_id?: string
  /** When it happened: RFC 3339 with offset, or epoch milliseconds. Stored as `occurred_at`. */
  timestamp?: string | number

  // The request (BatAudit's "Your First Event" fields).
  /** Raw request path as sent, at most 255 characters. */
  path?: string
  /** HTTP method, upper case. */
  method?: HttpMethod
  /** HTTP status code, 100–599; absent only on orphaned browser requests. */
  status_code?: number
  /** Time to respond, in milliseconds. */
  response_time?: number
  /** Route template used for grouping (`/users/:id`); `path` stays as sent. */
  route?: string
  /** ID of the user or API client, at most 100 characters. */
  identifier?: string
  /** Name of the service that sent the event. */
  service_name?: string
  /** Deployment environment (`production`, `prod`, `staging`, …). */
  environment?: string
  /** Email of the user behind the request. */
  user_email?: string
  /** Display name of the user. */
  user_name?: string
  /** Roles of the user. */
  user_roles?: string[]
  /** Kind of user, e.g. `admin`, `viewer`. */
  user_type?: string
  /** Organisation or tenant ID in multi-tenant apps. */
  tenant_id?: string
  /** Client IP address. */
  ip?: string
  /** `User-Agent` header of the client. */
  user_agent?: string
  /** Trace or correlation ID of the request. */
  request_id?: string
  /** URL query parameters. */
  query_params?: JsonObject
  /** URL path parameters. */
  path_params?: JsonObject
  /** Request body; opt-in in the SDKs, masked before it leaves the process. */
  request_body?: JsonValue
  /** Response body; opt-in, off by default. */
  response_body?: JsonValue
  /** Error description for a failed request. */
  error_message?: string
  /** Explicit session ID; without it sessions are derived from `identifier`. */
  session_id?: string
  /** Where the event was captured. @default 'backend' */
  source?: AuditEventSource
  /** True for a browser request that never got a response. */
  orphan?: boolean

  // The action.
  /** Semantic action (`key.created`, `HardDeleteTenant`). @default 'http.request' */
  action?: string
  /** Kind of actor: `human` (an email), `agent` (a function or agent name), `system` (cron). */
  actor_type?: ActorType
  /** Who acted, in the form `actor_type` implies. */
  actor?: string
  /** Type of the object acted upon (`api_key`). */
  resource_type?: string
  /** ID of the object acted upon (`k_123`). */
  resource_id?: string
  /** Target URI: endpoint, shard or tenant the action was aimed at. */
  target?: string
  /** Audit category; the collector derives one when absent. */
  category?: EventCategory
  /** Severity; the collector derives it from `status_code`/`outcome` when absent. */
  severity?: EventSeverity
  /** Outcome; the collector derives it when absent. */
  outcome?: EventOutcome
  /** Short free-text description. */
  description?: string
  /** Free JSON: before/after state, `parameters`, the triggering agent's ID. */
  metadata?: EventMetadata
  /** Compliance frameworks the event concerns; derived from category and content when absent. */
  compliance_tags?: ComplianceTag[]
}

/**
 * An event recording one HTTP request: path and method always, a status code unless the
 * request was orphaned (a browser request that never got a response has none).
 */
export type RequestEvent = AuditEventFields & { path: string; method: HttpMethod } & (
    | { status_code: number }
    | { orphan: true }
  )

/** An event recording a semantic action (`key.created`); nothing else is required. */
export type ActionEvent = AuditEventFields & { action: string }

/** A wire format v1 event: a request, an action, or both at once. */
export type AuditEvent = RequestEvent | ActionEvent

/** Every field name of wire format v1, in documentation order. */
export const AUDIT_EVENT_FIELDS = [
  'event_id',
  'timestamp',
  'path',
  'method',
  'status_code',
  'response_time',
  'route',
  'identifier',
  'service_name',
  'environment',
  'user_email',
  'user_name',
  'user_roles',
  'user_type',
  'tenant_id',
  'ip',
  'user_agent',
  'request_id',
  'query_params',
  'path_params',
  'request_body',
  'response_body',
  'error_message',
  'session_id',
  'source',
  'orphan',
  'action',
  'actor_type',
  'actor',
  'resource_type',
  'resource_id',
  'target',
  'category',
  'severity',
  'outcome',
  'description',
  'metadata',
  'compliance_tags',
] as const satisfies readonly (keyof AuditEventFields)[]

/** One field name of wire format v1. */
export type AuditEventField = (typeof AUDIT_EVENT_FIELDS)[number]
