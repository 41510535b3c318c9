import { DEFAULT_ACTION, hashEvent, uuidv7, type Masker, type Sha256 } from '@echotrail/core'
import { auditEventSchema, splitUnknownFields } from '@echotrail/core/schema'
import type { Issue } from '../errors.js'
import { classify } from './classify.js'
import { toStorableJson } from './storable-json.js'

/** An event ready to be committed: its row, its stored document and the document's hash. */
export interface PreparedEvent {
  eventId: string
  occurredAtMs: number
  receivedAtMs: number
  /** The stored document, exactly what `hash` covers. */
  doc: StoredEvent
  /** `JSON.stringify(doc)`, computed once. */
  json: string
  /** SHA-256(0x00 ‖ JCS(doc)), 32 bytes. */
  hash: Uint8Array
}

/** The stored document: the event as sent (masked), derived fields, and the collector's times. */
export type StoredEvent = Record<string, unknown> & {
  event_id: string
  occurred_at: string
  received_at: string
  action: string
  category: string
  severity: string
  outcome: string
  source: string
}

/** What the request around an event decides about it. */
export interface PrepareContext {
  receivedAtMs: number
  /** Start of the oldest live partition: older timestamps are replaced by received_at. */
  oldestAcceptedMs: number
  /** Publishable keys may only write browser events. */
  keyKind: 'secret' | 'publishable'
  masker: Masker
  sha256: Sha256
}

/** Either a prepared event or the issues that reject it. */
export type PrepareResult = { ok: true; event: PreparedEvent } | { ok: false; issues: Issue[] }

/** How far in the future a timestamp may be before received_at replaces it. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000

// Fields that are identifiers, times or numbers: masking must not touch them
// (a 13-digit epoch-ms timestamp can pass the Luhn check).
const UNMASKED_FIELDS = ['event_id', 'timestamp', 'status_code', 'response_time', 'orphan', 'method'] as const

// service_name and action are keys of btree indexes (events_service, events_action),
// whose entries PostgreSQL caps at 2,704 bytes: a longer value failed the whole group
// commit, a 503 for every request in it. 255 UTF-16 units (path's limit) are at most
// 765 UTF-8 bytes.
const INDEXED_TEXT_FIELDS = ['service_name', 'action'] as const
const MAX_INDEXED_TEXT_LENGTH = 255

function indexedTextIssues(event: Record<string, unknown>): Issue[] {
  const issues: Issue[] = []
  for (const field of INDEXED_TEXT_FIELDS) {
    const value = event[field]
    if (typeof value === 'string' && value.length > MAX_INDEXED_TEXT_LENGTH) {
      issues.push({ path: [field], message: `${field} is longer than ${MAX_INDEXED_TEXT_LENGTH} characters`, code: 'too_big' })
    }
  }
  return issues
}

function toIssues(issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[]): Issue[] {
  return issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: i.message,
    ...(i.code ? { code: i.code } : {}),
  }))
}

function timestampMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = typeof value === 'number' ? value : Date.parse(value)
  return Number.isFinite(ms) ? ms : undefined
}

/**
 * Turns one event of a request into what is stored: masks it (before validation, so
 * the depth cap also bounds the validator), validates it, keeps unknown fields in
 * `metadata.extra`, applies the timestamp rule, derives the classification and hashes
 * the stored document. Never throws for any input.
 */
export async function prepareEvent(raw: unknown, ctx: PrepareContext): Promise<PrepareResult> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, issues: [{ path: [], message: 'an event must be a JSON object', code: 'invalid_type' }] }
  }
  const source = raw as Record<string, unknown>
  const rest: Record<string, unknown> = {}
  for (const key of Object.keys(source)) {
    if (!(UNMASKED_FIELDS as readonly string[]).includes(key)) {
      Object.defineProperty(rest, key, { value: source[key], enumerable: true, writable: true, configurable: true })
    }
  }
  const masked = toStorableJson(ctx.masker.mask(rest))
  for (const key of UNMASKED_FIELDS) if (key in source) masked[key] = source[key]

  const parsed = auditEventSchema.safeParse(masked)
  const tooLong = indexedTextIssues(masked)
  if (!parsed.success || tooLong.length > 0) {
    return { ok: false, issues: [...(parsed.success ? [] : toIssues(parsed.error.issues)), ...tooLong] }
  }
  const { event, extra } = splitUnknownFields(parsed.data)

  const sourceKind = event.source ?? (ctx.keyKind === 'publishable' ? 'browser' : 'backend')
  if (ctx.keyKind === 'publishable' && sourceKind !== 'browser') {
    return {
      ok: false,
      issues: [{ path: ['source'], message: 'a publishable key can only write source "browser" events', code: 'forbidden' }],
    }
  }

  const metadata: Record<string, unknown> = { ...(event.metadata ?? {}) }
  if (Object.keys(extra).length > 0) metadata.extra = extra
  const sentMs = timestampMs(event.timestamp)
  let occurredAtMs = ctx.receivedAtMs
  if (sentMs !== undefined && sentMs <= ctx.receivedAtMs + MAX_FUTURE_SKEW_MS && sentMs >= ctx.oldestAcceptedMs) {
    occurredAtMs = sentMs
  } else if (event.timestamp !== undefined) {
    // Never rejected, never lost: the sent value is kept beside the replacement.
    metadata.sent_timestamp = event.timestamp
  }

  const { timestamp: _timestamp, metadata: _metadata, ...fields } = event
  const classification = classify(event, DEFAULT_ACTION)
  const eventId = (event.event_id ?? uuidv7()).toLowerCase()
  const doc: StoredEvent = {
    ...fields,
    ...classification,
    event_id: eventId,
    occurred_at: new Date(occurredAtMs).toISOString(),
    received_at: new Date(ctx.receivedAtMs).toISOString(),
    source: sourceKind,
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  }
  const hash = await hashEvent(doc, ctx.sha256)
  return {
    ok: true,
    event: {
      eventId,
      occurredAtMs,
      receivedAtMs: ctx.receivedAtMs,
      doc,
      json: JSON.stringify(doc),
      hash,
    },
  }
}
