import { z } from 'zod'
import { WIRE_LIMITS } from '../event/vocabulary'
import { auditEventSchema, splitUnknownFields } from './audit-event-schema'
import type { SplitEvent } from './audit-event-schema'

/**
 * Body of `POST /v1/audit/batch`. The events are left `unknown` on purpose: the envelope
 * only checks the count, then each event goes through {@link validateBatchEvents} (or
 * `auditEventSchema.safeParse`) on its own, so valid events are stored even when others
 * in the same batch are rejected. The 5 MiB body limit is the HTTP layer's to enforce.
 */
export const ingestBatchSchema = z.object({
  events: z.array(z.unknown()).max(WIRE_LIMITS.maxBatchEvents),
})

/** A parsed batch envelope, events not yet validated. */
export type IngestBatch = z.infer<typeof ingestBatchSchema>

/** A valid event of a batch, at its position in the batch. */
export interface AcceptedBatchEvent extends SplitEvent {
  /** Position in the batch, from 0. */
  index: number
}

/** An invalid event of a batch: its position and why, in the shape of the 202 answer. */
export interface RejectedBatchEvent {
  /** Position in the batch, from 0. */
  index: number
  /** What is wrong, each issue naming its field in `path`. */
  issues: z.core.$ZodIssue[]
}

/** Outcome of validating each event of a batch on its own. */
export interface BatchValidation {
  /** Events to store, unknown fields already split off. */
  accepted: AcceptedBatchEvent[]
  /** Events to report back in `rejected`. */
  rejected: RejectedBatchEvent[]
}

/** Validates every event of a batch separately, for partial acceptance (DESIGN.md §3). */
export function validateBatchEvents(events: readonly unknown[]): BatchValidation {
  const accepted: AcceptedBatchEvent[] = []
  const rejected: RejectedBatchEvent[] = []
  for (let index = 0; index < events.length; index++) {
    const result = auditEventSchema.safeParse(events[index])
    if (result.success) accepted.push({ index, ...splitUnknownFields(result.data) })
    else rejected.push({ index, issues: result.error.issues })
  }
  return { accepted, rejected }
}
