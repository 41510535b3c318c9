import { bytesEqual } from './bytes-equal'
import { hashChildren } from './merkle-hash'
import { isDigest, webCryptoSha256 } from './sha256'
import type { Sha256 } from './sha256'

/** What `verifyInclusion` checks: that `leafHash` sits at `index` of the tree of `treeSize` leaves with hash `root`. */
export interface InclusionProofInput {
  /** The leaf hash, e.g. from `hashEvent`. */
  leafHash: Uint8Array
  /** 0-based position of the leaf in the tree. */
  index: number
  /** Number of leaves in the tree. */
  treeSize: number
  /** Audit path, leaf-first, as `inclusionProof` returns it. */
  proof: readonly Uint8Array[]
  /** The Merkle tree hash to check against. */
  root: Uint8Array
}

// A tree of at most 2^53 leaves is at most 53 levels deep.
const MAX_PROOF_LENGTH = 53

/**
 * Checks an RFC 6962 inclusion proof with the algorithm of RFC 9162 §2.1.3.2.
 * Resolves false for any malformed input (wrong lengths or types, index outside
 * the tree, too many or too few proof elements) as well as for a proof that does
 * not match; it rejects only when `sha256` itself fails (`ET_CRYPTO_UNAVAILABLE`),
 * so "cannot check" is never mistaken for "tampered".
 */
export async function verifyInclusion(
  input: InclusionProofInput,
  sha256: Sha256 = webCryptoSha256,
): Promise<boolean> {
  const checked = readInput(input)
  if (checked === undefined) return false
  const { leafHash, index, treeSize, proof, root } = checked

  // Plain arithmetic, not bit operators: those truncate to 32 bits.
  let fn = index
  let sn = treeSize - 1
  let r = leafHash
  for (const p of proof) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = await hashChildren(p, r, sha256)
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2
        sn = Math.floor(sn / 2)
      }
    } else {
      r = await hashChildren(r, p, sha256)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && bytesEqual(r, root)
}

// Copies the fields once and validates them; undefined means malformed. Getters
// and proxies may throw, and this function promises not to.
function readInput(input: unknown): InclusionProofInput | undefined {
  try {
    if (typeof input !== 'object' || input === null) return undefined
    const { leafHash, index, treeSize, proof, root } = input as Record<string, unknown>
    if (!isDigest(leafHash) || !isDigest(root)) return undefined
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize)) return undefined
    const leafIndex = index as number
    const size = treeSize as number
    if (leafIndex < 0 || leafIndex >= size) return undefined
    if (!Array.isArray(proof) || proof.length > MAX_PROOF_LENGTH) return undefined
    const path: Uint8Array[] = []
    for (const element of proof as unknown[]) {
      if (!isDigest(element)) return undefined
      path.push(element)
    }
    return { leafHash, index: leafIndex, treeSize: size, proof: path, root }
  } catch {
    return undefined
  }
}
