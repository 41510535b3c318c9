// @echotrail/core/schema — zod 4 schemas of the wire format (zod is a peer dependency).
// The root entry never imports this folder, so SDK users do not need zod.

export { auditEventFieldsSchema, auditEventSchema, splitUnknownFields } from './audit-event-schema'
export type { AuditEventInput, AuditEventOutput, SplitEvent } from './audit-event-schema'
export { ingestBatchSchema, validateBatchEvents } from './ingest-batch-schema'
export type {
  AcceptedBatchEvent,
  BatchValidation,
  IngestBatch,
  RejectedBatchEvent,
} from './ingest-batch-schema'
export { clientReportSchema } from './client-report-schema'
export type { ClientReport } from './client-report-schema'
export { auditEventJsonSchema } from './audit-event-json-schema'
export { acceptsAsIs } from './accepts-as-is'
