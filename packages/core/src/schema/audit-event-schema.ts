import { z } from 'zod'
import type { AuditEvent } from '../event/audit-event'
import type { JsonObject, JsonValue } from '../event/json'
import { eventByteLength } from '../event/event-byte-length'
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
const MAX_EPOCH_MS = 8_640_000_000_000_000

// Free JSON fields are checked by one iterative walk rather than z.json(): its union
// tries each JSON type in turn and builds (then drops) an issue for every miss, which
// was a fifth of the collector's validation time, and it recurses once per level.
const jsonValue = z.custom<JsonValue>(isJsonData, { message: 'expected JSON data' })
const jsonObject = z.custom<JsonObject>((value) => isPlainData(value) && isJsonData(value), {
  message: 'expected a JSON object',
})

function isPlainData(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** True when `value` is JSON data: what JSON.parse can produce (no cycles, dates, NaN…). */
function isJsonData(value: unknown): value is JsonValue {
  const pending: unknown[] = [value]
  const seen = new Set<object>()
  while (pending.length > 0) {
    const item = pending.pop()
    switch (typeof item) {
      case 'string':
      case 'boolean':
        continue
      case 'number':
        if (!Number.isFinite(item)) return false
        continue
      case 'object': {
        if (item === null) continue
        if (seen.has(item)) return false
        seen.add(item)
        if (Array.isArray(item)) {
          for (let i = 0; i < item.length; i++) pending.push(item[i])
        } else if (isPlainData(item)) {
          for (const key in item) pending.push(item[key])
        } else return false
        continue
      }
      default:
        return false
    }
  }
  return true
}

// BatAudit upper-cases the method before checking it, and its SDKs rely on that.
const upperCaseMethod = (value: unknown): unknown =>
  typeof value === 'string' ? value.toUpperCase() : value

// exactOptional: fields are absent or valid, never `undefined`, matching the hand-written
// types under exactOptionalPropertyTypes (JSON cannot carry `undefined` anyway).
const auditEventShape = {
  event_id: z.uuid().exactOptional(),
  timestamp: z
    .union([z.iso.datetime({ offset: true }), z.int().min(0).max(MAX_EPOCH_MS)])
    .exactOptional(),
  path: z.string().min(1).max(WIRE_LIMITS.maxPathLength).exactOptional(),
  method: z.preprocess(upperCaseMethod, z.enum(HTTP_METHODS)).exactOptional(),
  status_code: z
    .int()
    .min(WIRE_LIMITS.minStatusCode)
    .max(WIRE_LIMITS.maxStatusCode)
    .exactOptional(),
  response_time: z.number().nonnegative().exactOptional(),
  route: z.string().exactOptional(),
  identifier: z.string().max(WIRE_LIMITS.maxIdentifierLength).exactOptional(),
  service_name: z.string().exactOptional(),
  environment: z.string().regex(WIRE_LIMITS.environmentPattern).exactOptional(),
  user_email: z.string().exactOptional(),
  user_name: z.string().exactOptional(),
  user_roles: z.array(z.string()).exactOptional(),
  user_type: z.string().exactOptional(),
  tenant_id: z.string().exactOptional(),
  ip: z.string().exactOptional(),
  user_agent: z.string().exactOptional(),
  request_id: z.string().exactOptional(),
  query_params: jsonObject.exactOptional(),
  path_params: jsonObject.exactOptional(),
  request_body: jsonValue.exactOptional(),
  response_body: jsonValue.exactOptional(),
  error_message: z.string().exactOptional(),
  session_id: z.string().exactOptional(),
  source: z.enum(EVENT_SOURCES).exactOptional(),
  orphan: z.boolean().exactOptional(),
  action: z.string().min(1).exactOptional(),
  actor_type: z.enum(ACTOR_TYPES).exactOptional(),
  actor: z.string().exactOptional(),
  resource_type: z.string().exactOptional(),
  resource_id: z.string().exactOptional(),
  target: z.string().exactOptional(),
  category: z.enum(CATEGORIES).exactOptional(),
  severity: z.enum(SEVERITIES).exactOptional(),
  outcome: z.enum(OUTCOMES).exactOptional(),
  description: z.string().exactOptional(),
  metadata: z
    .object({ parameters: jsonObject.exactOptional() })
    .catchall(jsonValue)
    .exactOptional(),
  compliance_tags: z.array(z.enum(COMPLIANCE_TAGS)).exactOptional(),
}

const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(auditEventShape))

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
