// @echotrail/core — the public surface. Every export is named here; what is not
// listed is private. Each area below is owned by one folder of src/.

// errors and the guard that keeps SDK failures out of the host app
export { EchotrailError, isEchotrailError } from './errors'
export type { EchotrailErrorCode } from './errors'
export { createFailureLog, guard } from './guard'
export type { FailureLog, FailureLogOptions } from './guard'

// event: wire format v1 types and field vocabularies (src/event/)
export { AUDIT_EVENT_FIELDS } from './event/audit-event'
export type {
  ActionEvent,
  AuditEvent,
  AuditEventField,
  AuditEventFields,
  EventMetadata,
  RequestEvent,
} from './event/audit-event'
export { eventByteLength } from './event/event-byte-length'
export type { JsonObject, JsonValue } from './event/json'
export {
  ACTOR_TYPES,
  CATEGORIES,
  COMPLIANCE_TAGS,
  DEFAULT_ACTION,
  DEFAULT_SOURCE,
  EVENT_SOURCES,
  HTTP_METHODS,
  OUTCOMES,
  SEVERITIES,
  WIRE_LIMITS,
  WIRE_VERSION,
} from './event/vocabulary'
export type {
  ActorType,
  AuditEventSource,
  ComplianceTag,
  EventCategory,
  EventOutcome,
  EventSeverity,
  HttpMethod,
} from './event/vocabulary'

// mask: secret masking shared by every SDK and the collector (src/mask/)
export { createMasker, createMaskToJson, defaultMasker } from './mask/masker'
export type { Masker } from './mask/masker'
export { MASK_DEFAULTS } from './mask/mask-options'
export type { MaskOptions } from './mask/mask-options'
export { DEFAULT_SECRET_KEYS } from './mask/secret-keys'
export { MASKED } from './mask/markers'

// id: UUIDv7 (src/id/)
export { createUuidV7Generator, isUuidV7, uuidv7, uuidv7Timestamp } from './id/uuidv7'
export type { UuidV7Generator, UuidV7Options } from './id/uuidv7'

// delivery: batch queue, retry policy, transport interface (src/delivery/)
export { createBatchSender } from './delivery/batch-sender'
export type { BatchSender } from './delivery/batch-sender'
export { DELIVERY_DEFAULTS } from './delivery/options'
export type { BatchSenderOptions } from './delivery/options'
export { DROP_REASONS } from './delivery/delivery-counters'
export type { DeliveryStats, DropReason, DropReport } from './delivery/delivery-counters'
export { createMemoryQueue } from './delivery/memory-queue'
export type {
  EventQueue,
  EvictedEvent,
  NewQueuedEvent,
  PushResult,
  QueueLimits,
  QueuedEvent,
  QueueSize,
} from './delivery/event-queue'
export { createRetryPolicy, RETRY_DEFAULTS } from './delivery/retry-policy'
export type { RetryPolicy, RetryPolicyOptions, SendVerdict } from './delivery/retry-policy'
export { parseRetryAfter } from './delivery/retry-after'
export type { EncodedBatch, SendOutcome, Transport } from './delivery/transport'
export { BATCH_BODY_END, BATCH_BODY_START } from './delivery/encode-batch'

export { rejectedPositions } from './delivery/ingest-answer'

// integrity: canonical JSON, event hash, Merkle tree and proofs (src/integrity/)
export { canonicalBytes, canonicalize } from './integrity/canonical-json'
export { webCryptoSha256 } from './integrity/sha256'
export type { Sha256 } from './integrity/sha256'
export { hashEvent } from './integrity/event-hash'
export { hashLeaf } from './integrity/merkle-hash'
export { inclusionProof, merkleRoot } from './integrity/merkle-tree'
export { verifyInclusion } from './integrity/verify-inclusion'
export type { InclusionProofInput } from './integrity/verify-inclusion'
export { chainHead, GENESIS_HEAD } from './integrity/ledger-head'
export { fromHex, toHex } from './integrity/hex'
export { bytesEqual } from './integrity/bytes-equal'
