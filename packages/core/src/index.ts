// @echotrail/core — the public surface. Every export is named here; what is not
// listed is private. Each area below is owned by one folder of src/.

// errors and the guard that keeps SDK failures out of the host app
export { EchotrailError, isEchotrailError } from './errors'
export type { EchotrailErrorCode } from './errors'
export { createFailureLog, guard } from './guard'
export type { FailureLog, FailureLogOptions } from './guard'

// event: wire format v1 types and field vocabularies (src/event/)

// mask: secret masking shared by every SDK and the collector (src/mask/)

// id: UUIDv7 (src/id/)
export { createUuidV7Generator, isUuidV7, uuidv7, uuidv7Timestamp } from './id/uuidv7'
export type { UuidV7Generator, UuidV7Options } from './id/uuidv7'

// delivery: batch queue, retry policy, transport interface (src/delivery/)

// integrity: canonical JSON, event hash, Merkle tree and proofs (src/integrity/)
