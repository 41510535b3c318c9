import { z } from 'zod'
import type { AuditEvent } from '../event/audit-event'
import type { JsonObject, JsonValue } from '../event/json'
import { eventByteLength } from '../event/event-byte-length'
import { isJsonData, isJsonObject } from './json-data'
import {
  ACTOR_TYPES,
  CATEGORIES,
  COMPLIANCE_TAGS,
  EVENT_SOURCES,
  HTTP_METHODS,
  OUTCOMES,
  SEVERITIES,
  WIRE_LIMITS,
} from '../event/vocabulary'

// ECMAScript dates end at ±8.64e15 ms; a larger epoch could never become `occurred_at`.
export const MAX_EPOCH_MS = 8_640_000_000_000_000

// Free JSON fields are checked by one iterative walk (json-data.ts) rather than z.json().
const jsonValue = z.custom<JsonValue>(isJsonData, { message: 'expected JSON data' })
const jsonObject = z.custom<JsonObject>(isJsonObject, { message: 'expected a JSON object' })

// BatAudit upper-cases the method before checking it, and its SDKs rely on that.
const upperCaseMethod = (value: unknown): unknown =>
  typeof value === 'string' ? value.toUpperCase() : value

// Fields are absent or valid, never `undefined`, matching the hand-written types under
// exactOptionalPropertyTypes. zod's exactOptional() says so, but runs the field's schema
// on every absent key and throws away the issue that raises: with most of the 40 fields
// absent, two dozen issues built and dropped per event, a fifth of the collector's
// validation time. optional() returns at once for a missing key; the explicit
// `undefined` it lets through (JSON cannot carry one, in-process callers can) is refused
// by `refuseUndefined` below, which makes exactOptional's static type true again.
function absentFields<S extends Record<string, z.ZodType>>(shape: S): { [K in keyof S]: z.ZodExactOptional<S[K]> } {
  const fields: Record<string, z.ZodType> = {}
  for (const [key, schema] of Object.entries(shape)) fields[key] = schema.optional()
  return fields as { [K in keyof S]: z.ZodExactOptional<S[K]> }
}

const auditEventShape = absentFields({
  event_id: z.uuid(),
  timestamp: z.union([z.iso.datetime({ offset: true }), z.int().min(0).max(MAX_EPOCH_MS)]),
  path: z.string().min(1).max(WIRE_LIMITS.maxPathLength),
  method: z.preprocess(upperCaseMethod, z.enum(HTTP_METHODS)),
  status_code: z.int().min(WIRE_LIMITS.minStatusCode).max(WIRE_LIMITS.maxStatusCode),
  response_time: z.number().nonnegative(),
  route: z.string(),
  identifier: z.string().max(WIRE_LIMITS.maxIdentifierLength),
  service_name: z.string(),
  environment: z.string().regex(WIRE_LIMITS.environmentPattern),
  user_email: z.string(),
  user_name: z.string(),
  user_roles: z.array(z.string()),
  user_type: z.string(),
  tenant_id: z.string(),
  ip: z.string(),
  user_agent: z.string(),
  request_id: z.string(),
  query_params: jsonObject,
  path_params: jsonObject,
  request_body: jsonValue,
  response_body: jsonValue,
  error_message: z.string(),
  session_id: z.string(),
  source: z.enum(EVENT_SOURCES),
  orphan: z.boolean(),
  action: z.string().min(1),
  actor_type: z.enum(ACTOR_TYPES),
  actor: z.string(),
  resource_type: z.string(),
  resource_id: z.string(),
  target: z.string(),
  category: z.enum(CATEGORIES),
  severity: z.enum(SEVERITIES),
  outcome: z.enum(OUTCOMES),
  description: z.string(),
  metadata: z.object(absentFields({ parameters: jsonObject })).catchall(jsonValue),
  compliance_tags: z.array(z.enum(COMPLIANCE_TAGS)),
})

const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(auditEventShape))

/** A known field present with the value `undefined` is an issue, as exactOptional() made it. */
function refuseUndefined(event: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const key in event) {
    if (event[key] === undefined && KNOWN_FIELDS.has(key)) {
      ctx.addIssue({ code: 'invalid_type', expected: 'nonoptional', path: [key], message: `${key} must be absent or a value, not undefined` })
    }
  }
  const metadata = event.metadata
  if (isPlainObject(metadata) && 'parameters' in metadata && metadata.parameters === undefined) {
    ctx.addIssue({ code: 'invalid_type', expected: 'nonoptional', path: ['metadata', 'parameters'], message: 'metadata.parameters must be absent or an object, not undefined' })
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * {@link auditEventSchema} without the 64 KiB size check: every field rule and the
 * request-or-action shape. For a caller that measures the event itself after changing
 * it — the collector checks the size of the masked document it stores, which is the
 * limit DESIGN.md §2 sets, and so avoids serialising each event twice.
 */
export const auditEventFieldsSchema = z
  .looseObject(auditEventShape)
  .superRefine(
    (event, ctx) => {
      refuseUndefined(event, ctx)
      if (event.action !== undefined) return
      for (const field of ['path', 'method'] as const) {
        if (event[field] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `${field} is required unless the event has an action`,
          })
        }
      }
      if (event.status_code === undefined && event.orphan !== true) {
        ctx.addIssue({
          code: 'custom',
          path: ['status_code'],
          message: 'status_code is required unless the event has an action or is an orphan',
        })
      }
    },
    // Report missing fields alongside any other issue instead of one round trip each.
    { when: (payload) => isPlainObject(payload.value) },
  )

/**
 * Validates one wire format v1 event.
 *
 * - Every limit of DESIGN.md §2 is checked; each violation is an issue whose `path` names
 *   the field (the 64 KiB size limit, which belongs to no field, has an empty path).
 * - An event without `action` is a request event and needs `path`, `method` and, unless
 *   `orphan` is true, `status_code`; each one missing is its own issue.
 * - `method` is accepted in any case and normalised to upper case (`get` → `GET`).
 * - Unknown fields are not rejected: they stay on the output, and
 *   {@link splitUnknownFields} separates them for `metadata.extra`. The one exception is
 *   a key named `__proto__`, at any depth, which zod drops to prevent prototype pollution.
 * - Nothing is defaulted or derived here (action, category, severity…): that is the
 *   collector's job, so parsing is idempotent.
 *
 * For a batch, validate each event separately ({@link validateBatchEvents}) so one bad
 * event does not reject the others.
 */
export const auditEventSchema = auditEventFieldsSchema
  .superRefine((event, ctx) => {
    let bytes: number
    try {
      bytes = eventByteLength(event)
    } catch {
      // Only reachable in-process (BigInt, cycles): a parsed JSON body always serialises.
      ctx.addIssue({ code: 'custom', path: [], message: 'event is not JSON-serialisable' })
      return
    }
    if (bytes > WIRE_LIMITS.maxEventBytes) {
      ctx.addIssue({
        code: 'too_big',
        origin: 'event_bytes',
        maximum: WIRE_LIMITS.maxEventBytes,
        inclusive: true,
        path: [],
        message: `event is ${bytes} bytes as JSON, over the ${WIRE_LIMITS.maxEventBytes} limit`,
      })
    }
  })

/** What `auditEventSchema` accepts. */
export type AuditEventInput = z.input<typeof auditEventSchema>

/** What `auditEventSchema` produces: the known fields plus any unknown ones. */
export type AuditEventOutput = z.output<typeof auditEventSchema>

/** An event split into its wire format v1 fields and the unknown rest. */
export interface SplitEvent {
  /** The known fields, typed by kind. */
  event: AuditEvent
  /** Unknown fields, for the collector to keep in `metadata.extra`. */
  extra: Record<string, unknown>
}

/**
 * Separates the unknown fields of a parsed event from the known ones, so the collector can
 * keep them in `metadata.extra` instead of dropping them. Pass only `auditEventSchema` output.
 */
export function splitUnknownFields(parsed: AuditEventOutput): SplitEvent {
  const event: Record<string, unknown> = {}
  const extra: Record<string, unknown> = {}
  for (const key in parsed) {
    const target = KNOWN_FIELDS.has(key) ? event : extra
    const value = (parsed as Record<string, unknown>)[key]
    // An own `__proto__` key must stay data, not replace the prototype; plain
    // assignment is kept for every other key because defineProperty is slow.
    if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
    else target[key] = value
  }
  // The schema's refinement guarantees the request-or-action shape this cast claims.
  return { event: event as unknown as AuditEvent, extra }
}
