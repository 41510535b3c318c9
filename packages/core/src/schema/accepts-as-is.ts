import { z } from 'zod'
import { AUDIT_EVENT_FIELDS } from '../event/audit-event'
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
import { MAX_EPOCH_MS } from './audit-event-schema'
import { isJsonData, isJsonObject, isPlainData } from './json-data'

// The same patterns zod builds for z.uuid() and z.iso.datetime({ offset: true }).
const UUID = z.regexes.uuid()
const DATETIME = z.regexes.datetime({ offset: true, local: false, precision: null })

type Check = (value: unknown) => boolean

const isString: Check = (value) => typeof value === 'string'
const isIntIn = (min: number, max: number): Check => (value) =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max
const isOneOf = (values: readonly string[]): Check => {
  const set: ReadonlySet<unknown> = new Set(values)
  return (value) => set.has(value)
}
const isArrayOf = (item: Check): Check => (value) => {
  if (!Array.isArray(value)) return false
  // Indexed, not every(): a hole reads as undefined and fails, as it does in zod.
  for (let i = 0; i < value.length; i++) if (!item(value[i])) return false
  return true
}
const isStatusCode = isIntIn(WIRE_LIMITS.minStatusCode, WIRE_LIMITS.maxStatusCode)
const isEpochMs = isIntIn(0, MAX_EPOCH_MS)

/** metadata: an object whose `parameters` is a JSON object and whose other members are JSON data. */
function isMetadata(value: unknown): boolean {
  if (!isPlainData(value) || Object.hasOwn(value, '__proto__')) return false
  for (const key in value) {
    if (!(key === 'parameters' ? isJsonObject(value[key]) : isJsonData(value[key]))) return false
  }
  return true
}

// One check per field of auditEventFieldsSchema, each accepting a subset of what the
// field's zod schema accepts and returns unchanged. `method` takes upper case only:
// zod upper-cases other spellings, so those take the zod path.
const CHECKS = new Map<string, Check>([
  ['event_id', (value) => typeof value === 'string' && UUID.test(value)],
  ['timestamp', (value) => (typeof value === 'string' ? DATETIME.test(value) : isEpochMs(value))],
  ['path', (value) => typeof value === 'string' && value.length >= 1 && value.length <= WIRE_LIMITS.maxPathLength],
  ['method', isOneOf(HTTP_METHODS)],
  ['status_code', isStatusCode],
  ['response_time', (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0],
  ['route', isString],
  ['identifier', (value) => typeof value === 'string' && value.length <= WIRE_LIMITS.maxIdentifierLength],
  ['service_name', isString],
  ['environment', (value) => typeof value === 'string' && WIRE_LIMITS.environmentPattern.test(value)],
  ['user_email', isString],
  ['user_name', isString],
  ['user_roles', isArrayOf(isString)],
  ['user_type', isString],
  ['tenant_id', isString],
  ['ip', isString],
  ['user_agent', isString],
  ['request_id', isString],
  ['query_params', isJsonObject],
  ['path_params', isJsonObject],
  ['request_body', isJsonData],
  ['response_body', isJsonData],
  ['error_message', isString],
  ['session_id', isString],
  ['source', isOneOf(EVENT_SOURCES)],
  ['orphan', (value) => typeof value === 'boolean'],
  ['action', (value) => typeof value === 'string' && value.length >= 1],
  ['actor_type', isOneOf(ACTOR_TYPES)],
  ['actor', isString],
  ['resource_type', isString],
  ['resource_id', isString],
  ['target', isString],
  ['category', isOneOf(CATEGORIES)],
  ['severity', isOneOf(SEVERITIES)],
  ['outcome', isOneOf(OUTCOMES)],
  ['description', isString],
  ['metadata', isMetadata],
  ['compliance_tags', isArrayOf(isOneOf(COMPLIANCE_TAGS))],
])
// A field added to the wire format (lock-step.test.ts keeps AUDIT_EVENT_FIELDS equal to the
// schema's) but not above would otherwise pass here as an unknown field, unchecked: until it
// has a check of its own, an event carrying it takes the zod path.
for (const field of AUDIT_EVENT_FIELDS) if (!CHECKS.has(field)) CHECKS.set(field, () => false)

/**
 * True only when `auditEventFieldsSchema` accepts `value` and returns it unchanged
 * (a copy equal to it), so a caller may skip the zod parse and use `value` itself.
 * False means "not known": the caller runs the schema, which decides and names the
 * issues. The collector validates every event it receives, and most are plain request
 * events: this check costs a fraction of the schema's walk (zod was about a sixth of the
 * collector's CPU under batch load). A property test holds it to the schema.
 */
export function acceptsAsIs(value: unknown): value is Record<string, unknown> {
  // An own `__proto__` key is one zod drops, so its output would differ.
  if (!isPlainData(value) || Object.hasOwn(value, '__proto__')) return false
  for (const key in value) {
    const check = CHECKS.get(key)
    if (check !== undefined && !check(value[key])) return false
  }
  if (value.action !== undefined) return true
  // A request event: DESIGN.md §2's required fields (see the schema's refinement).
  return value.path !== undefined && value.method !== undefined && (value.status_code !== undefined || value.orphan === true)
}
