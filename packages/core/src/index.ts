// @echotrail/core — the public surface. Every export is named here; what is not
// listed is private. Each area below is owned by one folder of src/.

// errors and the guard that keeps SDK failures out of the host app
export { EchotrailError, isEchotrailError } from './errors'
export type { EchotrailErrorCode } from './errors'

// event: wire format v1 types and field vocabularies (src/event/)

// mask: secret masking shared by every SDK and the collector (src/mask/)

// id: UUIDv7 (src/id/)

// delivery: batch queue, retry policy, transport interface (src/delivery/)

// integrity: canonical JSON, event hash, Merkle tree and proofs (src/integrity/)
