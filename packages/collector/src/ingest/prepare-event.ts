import { AUDIT_EVENT_FIELDS, DEFAULT_ACTION, uuidv7, WIRE_LIMITS, type Masker } from '@echotrail/core'
import { acceptsAsIs, auditEventFieldsSchema } from '@echotrail/core/schema'
import type { Issue } from '../errors.js'
import { classify, type ClassifiableEvent } from './classify.js'
import { toIssues } from './to-issues.js'

const KNOWN_FIELDS: ReadonlySet<string> = new Set(AUDIT_EVENT_FIELDS)

/**
 * An event ready to be committed. Its stored document is the event as sent (masked),
 * the derived fields, and the collector's `event_id`, `occurred_at` and `received_at`.
 */
export interface PreparedEvent {
  eventId: string
  occurredAtMs: number
  receivedAtMs: number
  /** The stored document as RFC 8785 canonical JSON: exactly what `hash` covers. */
  json: string
  /** SHA-256(0x00 ‖ json), the event's ledger leaf: 32 bytes as a latin1 string (see server.ts). */
  hash: string
}

/** What the request around an event decides about it. */
export interface PrepareContext {
  receivedAtMs: number
  /** `receivedAtMs` as RFC 3339, made once per request. */
  receivedAtIso: string
  /** Start of the oldest live partition: older timestamps are replaced by received_at. */
  oldestAcceptedMs: number
  /** Publishable keys may only write browser events. */
  keyKind: 'secret' | 'publishable'
  masker: Masker
  /** SHA-256(0x00 ‖ UTF-8 of a canonical JSON text), synchronous, as a latin1 string. */
  hashCanonical: (json: string) => string
}

/** Either a prepared event or the issues that reject it. */
export type PrepareResult = { ok: true; event: PreparedEvent } | { ok: false; issues: Issue[] }

/** How far in the future a timestamp may be before received_at replaces it. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000

// service_name and action are keys of btree indexes (events_service, events_action),
// whose entries PostgreSQL caps at 2,704 bytes: a longer value failed the whole group
// commit, a 503 for every request in it. 255 UTF-16 units (path's limit) are at most
// 765 UTF-8 bytes.
const INDEXED_TEXT_FIELDS = ['service_name', 'action'] as const
const MAX_INDEXED_TEXT_LENGTH = 255

function indexedTextIssues(event: Record<string, unknown>): Issue[] | undefined {
  let issues: Issue[] | undefined
  for (const field of INDEXED_TEXT_FIELDS) {
    const value = event[field]
    if (typeof value === 'string' && value.length > MAX_INDEXED_TEXT_LENGTH) {
      ;(issues ??= []).push({ path: [field], message: `${field} is longer than ${MAX_INDEXED_TEXT_LENGTH} characters`, code: 'too_big' })
    }
  }
  return issues
}

function timestampMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = typeof value === 'number' ? value : Date.parse(value)
  return Number.isFinite(ms) ? ms : undefined
}

type ValidEvent = Record<string, unknown> & ClassifiableEvent & { timestamp?: string | number; event_id?: string; source?: string }
type Validation = { ok: true; event: ValidEvent } | { ok: false; issues: Issue[] }

/**
 * Runs the wire format's rules on one event. Most events are plain request events that
 * `acceptsAsIs` recognises without the zod parse (which would return an equal copy);
 * everything else goes through the schema, which names the issues.
 */
function validate(raw: Record<string, unknown>): Validation {
  let result: Validation
  if (acceptsAsIs(raw)) result = { ok: true, event: raw as ValidEvent }
  else {
    let parsed
    try {
      parsed = auditEventFieldsSchema.safeParse(raw)
    } catch {
      // Only nesting deep enough to exhaust the validator's stack gets here.
      return { ok: false, issues: [{ path: [], message: 'the event nests too deeply', code: 'too_big' }] }
    }
    result = parsed.success ? { ok: true, event: parsed.data as ValidEvent } : { ok: false, issues: toIssues(parsed.error.issues) }
  }
  const tooLong = indexedTextIssues(raw)
  return tooLong ? { ok: false, issues: [...(result.ok ? [] : result.issues), ...tooLong] } : result
}

/**
 * Turns one event of a request into what is stored: validates it, keeps unknown fields
 * in `metadata.extra`, applies the timestamp rule and derives the classification, then
 * masks the document and writes it as canonical JSON in one pass — the exact text that
 * is stored and hashed (hash = SHA-256(0x00 ‖ text), equal to core's `hashEvent` of the
 * stored document). Never throws for any input.
 */
export function prepareEvent(raw: unknown, ctx: PrepareContext): PrepareResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, issues: [{ path: [], message: 'an event must be a JSON object', code: 'invalid_type' }] }
  }
  const validated = validate(raw as Record<string, unknown>)
  if (!validated.ok) return validated
  // One pass builds the stored document: known fields copied, unknown ones gathered
  // for metadata.extra (what core's splitUnknownFields does, without its two copies).
  const event = validated.event
  const doc: Record<string, unknown> = {}
  let extra: Record<string, unknown> | undefined
  for (const key in event) {
    if (key === 'timestamp' || key === 'metadata') continue
    if (KNOWN_FIELDS.has(key)) doc[key] = event[key]
    else (extra ??= {})[key] = event[key]
  }

  const sourceKind = event.source ?? (ctx.keyKind === 'publishable' ? 'browser' : 'backend')
  if (ctx.keyKind === 'publishable' && sourceKind !== 'browser') {
    return {
      ok: false,
      issues: [{ path: ['source'], message: 'a publishable key can only write source "browser" events', code: 'forbidden' }],
    }
  }

  let metadata = event.metadata as Record<string, unknown> | undefined
  if (extra) metadata = { ...metadata, extra }
  const sentMs = timestampMs(event.timestamp)
  let occurredAtMs = ctx.receivedAtMs
  if (sentMs !== undefined && sentMs <= ctx.receivedAtMs + MAX_FUTURE_SKEW_MS && sentMs >= ctx.oldestAcceptedMs) {
    occurredAtMs = sentMs
  } else if (event.timestamp !== undefined) {
    // Never rejected, never lost: the sent value is kept beside the replacement.
    metadata = { ...metadata, sent_timestamp: event.timestamp }
  }

  const eventId = (event.event_id ?? uuidv7()).toLowerCase()
  const classification = classify(event, DEFAULT_ACTION)
  doc.action = classification.action
  doc.category = classification.category
  doc.severity = classification.severity
  doc.outcome = classification.outcome
  doc.compliance_tags = classification.compliance_tags
  doc.event_id = eventId
  doc.occurred_at = new Date(occurredAtMs).toISOString()
  doc.received_at = ctx.receivedAtIso
  doc.source = sourceKind
  if (metadata) doc.metadata = metadata
  // Identifiers, times and numbers in `doc` cannot trip a mask rule: no key of theirs is
  // secret and none holds a 13-digit run, so masking the whole document is safe.
  const json = ctx.masker.maskToCanonicalJson(doc)
  // UTF-8 is at most 3 bytes per UTF-16 unit: most events skip the exact count.
  const bytes = json.length * 3 > WIRE_LIMITS.maxEventBytes ? Buffer.byteLength(json) : 0
  if (bytes > WIRE_LIMITS.maxEventBytes) {
    return {
      ok: false,
      issues: [{ path: [], message: `event is ${bytes} bytes as JSON, over the ${WIRE_LIMITS.maxEventBytes} limit`, code: 'too_big' }],
    }
  }
  return {
    ok: true,
    event: { eventId, occurredAtMs, receivedAtMs: ctx.receivedAtMs, json, hash: ctx.hashCanonical(json) },
  }
}
