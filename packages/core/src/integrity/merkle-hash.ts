import { digest, webCryptoSha256 } from './sha256'
import type { Sha256 } from './sha256'

// RFC 6962 §2.1 domain separation: leaves and interior nodes hash under different
// one-byte prefixes, so no leaf can be passed off as a subtree (second preimage).
const LEAF_PREFIX = 0x00
const NODE_PREFIX = 0x01

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ data). */
export function hashLeaf(data: Uint8Array, sha256: Sha256 = webCryptoSha256): Promise<Uint8Array> {
  const input = new Uint8Array(1 + data.length)
  input[0] = LEAF_PREFIX
  input.set(data, 1)
  return digest(sha256, input)
}

/**
 * RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right).
 * @internal
 */
export function hashChildren(left: Uint8Array, right: Uint8Array, sha256: Sha256): Promise<Uint8Array> {
  const input = new Uint8Array(1 + left.length + right.length)
  input[0] = NODE_PREFIX
  input.set(left, 1)
  input.set(right, 1 + left.length)
  return digest(sha256, input)
}
