// Field vocabularies and limits of wire format v1 (DESIGN.md §2). SDKs read these to shape
// events before sending; the zod schemas in src/schema/ read the same values, so the two
// can never disagree about what the collector accepts.

/** Version of the wire format described by these types. */
export const WIRE_VERSION = 1

/** The action a request event gets when it names none. */
export const DEFAULT_ACTION = 'http.request'

/** The `source` an event has when it names none. */
export const DEFAULT_SOURCE = 'backend'

/** Audit categories, in the order the dashboard lists them. */
export const CATEGORIES = [
  'AUTH',
  'USER_MGMT',
  'TENANT_MGMT',
  'SUBSCRIPTION',
  'PERMISSION',
  'DATA_ACCESS',
  'DATA_MODIFY',
  'INFRASTRUCTURE',
  'SECURITY',
  'COMPLIANCE',
  'API_ACCESS',
  'FILE_OPS',
  'AI_USAGE',
  'SYSTEM',
] as const
/** One of {@link CATEGORIES}. */
export type EventCategory = (typeof CATEGORIES)[number]

/** Severities, least to most severe. */
export const SEVERITIES = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const
/** One of {@link SEVERITIES}. */
export type EventSeverity = (typeof SEVERITIES)[number]

/** Outcomes of an action. */
export const OUTCOMES = ['success', 'failure', 'warning'] as const
/** One of {@link OUTCOMES}. */
export type EventOutcome = (typeof OUTCOMES)[number]

/** Kinds of actor: a person, an automated agent, or the system itself (cron, jobs). */
export const ACTOR_TYPES = ['human', 'agent', 'system'] as const
/** One of {@link ACTOR_TYPES}. */
export type ActorType = (typeof ACTOR_TYPES)[number]

/** Compliance frameworks an event can be tagged with. */
export const COMPLIANCE_TAGS = ['SOX', 'GDPR', 'HIPAA', 'ISO27001', 'PCI_DSS'] as const
/** One of {@link COMPLIANCE_TAGS}. */
export type ComplianceTag = (typeof COMPLIANCE_TAGS)[number]

/** HTTP methods a request event may carry, upper case as stored. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const
/** One of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number]

/** Where an event was captured: a server SDK or a web page. */
export const EVENT_SOURCES = ['backend', 'browser'] as const
/** One of {@link EVENT_SOURCES}. */
export type AuditEventSource = (typeof EVENT_SOURCES)[number]

/** Limits the collector enforces on every event and batch (DESIGN.md §2). */
export const WIRE_LIMITS = {
  /** Longest `path`, in UTF-16 code units (BatAudit's limit). */
  maxPathLength: 255,
  /** Longest `identifier`, in UTF-16 code units (BatAudit's limit). */
  maxIdentifierLength: 100,
  /** Lowest `status_code` accepted. */
  minStatusCode: 100,
  /** Highest `status_code` accepted. */
  maxStatusCode: 599,
  /** `environment` names: free-form so BatAudit's `prod` and our `production` both pass. */
  environmentPattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
  /** Largest single event, as UTF-8 JSON bytes after masking. */
  maxEventBytes: 65_536,
  /** Most events in one batch. */
  maxBatchEvents: 1_000,
  /** Largest batch body, in bytes after gzip decompression. */
  maxBatchBytes: 5 * 1024 * 1024,
} as const
