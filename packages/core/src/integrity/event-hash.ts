import { canonicalBytes } from './canonical-json'
import { hashLeaf } from './merkle-hash'
import { webCryptoSha256 } from './sha256'
import type { Sha256 } from './sha256'

/**
 * The ledger hash of one stored event (DESIGN.md §4): SHA-256(0x00 ‖ JCS(event)),
 * JCS being the RFC 8785 UTF-8 bytes from {@link canonicalBytes}.
 *
 * 0x00 is the RFC 6962 leaf prefix, so this hash IS the Merkle leaf hash of the
 * event's canonical bytes: a batch's leaf hashes go straight into `merkleRoot`
 * with no second hashing, and an inclusion proof proves the event itself.
 * Rejects with `ET_CANONICAL_INVALID` when the event has no canonical form.
 */
export async function hashEvent(event: unknown, sha256: Sha256 = webCryptoSha256): Promise<Uint8Array> {
  return hashLeaf(canonicalBytes(event), sha256)
}
