import { EchotrailError } from '../errors'
import { hashChildren } from './merkle-hash'
import { assertDigest, digest, webCryptoSha256 } from './sha256'
import type { Sha256 } from './sha256'

// RFC 6962 trees over leaf hashes: the root, and the audit paths into it.

/**
 * RFC 6962 §2.1 Merkle Tree Hash over already-computed leaf hashes (e.g. from
 * `hashEvent`), in n−1 node hashes. The empty tree hashes to SHA-256(""); a
 * one-leaf tree's root is that leaf hash. Throws `ET_INTEGRITY_INPUT_INVALID`
 * unless every leaf hash is 32 bytes. The input array is never modified.
 */
export async function merkleRoot(
  leafHashes: readonly Uint8Array[],
  sha256: Sha256 = webCryptoSha256,
): Promise<Uint8Array> {
  assertLeafHashes(leafHashes)
  if (leafHashes.length === 0) return digest(sha256, new Uint8Array(0))
  return subtreeRoot(leafHashes, 0, leafHashes.length, sha256)
}

// Merkle Tree Hash of the non-empty range leafHashes[start, end).
// RFC 6962 splits n leaves at the largest power of two below n, so every left
// subtree is perfect. Pairing neighbours level by level, and carrying an odd last
// node up unchanged, builds exactly those subtrees without recursion.
async function subtreeRoot(
  leafHashes: readonly Uint8Array[],
  start: number,
  end: number,
  sha256: Sha256,
): Promise<Uint8Array> {
  const level = leafHashes.slice(start, end)
  let width = level.length
  while (width > 1) {
    let written = 0
    for (let read = 0; read + 1 < width; read += 2) {
      level[written++] = await hashChildren(level[read]!, level[read + 1]!, sha256)
    }
    if (width % 2 === 1) level[written++] = level[width - 1]!
    width = written
  }
  // Copy so a one-leaf root never aliases the caller's leaf hash.
  return new Uint8Array(level[0]!)
}

function assertLeafHashes(leafHashes: readonly Uint8Array[]): void {
  if (!Array.isArray(leafHashes)) {
    throw new EchotrailError('ET_INTEGRITY_INPUT_INVALID', 'leafHashes must be an array')
  }
  for (let i = 0; i < leafHashes.length; i++) assertDigest(leafHashes[i], `leafHashes[${i}]`)
}

/**
 * RFC 6962 §2.1.1 audit path proving that leaf `index` is in the tree over
 * `leafHashes`: the sibling subtree roots, leaf-first, as `verifyInclusion` takes
 * them (empty for a one-leaf tree). Costs about n node hashes. Throws `ET_INTEGRITY_INPUT_INVALID` for an index
 * outside [0, n) or a leaf hash that is not 32 bytes.
 */
export async function inclusionProof(
  leafHashes: readonly Uint8Array[],
  index: number,
  sha256: Sha256 = webCryptoSha256,
): Promise<Uint8Array[]> {
  assertLeafHashes(leafHashes)
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new EchotrailError(
      'ET_INTEGRITY_INPUT_INVALID',
      `index ${String(index)} is outside a tree of ${leafHashes.length} leaves`,
    )
  }
  // Walk down from the root. PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) (or the
  // mirror), so each level's sibling belongs after the path below it: collect
  // top-down, then reverse.
  const siblings: Uint8Array[] = []
  let start = 0
  let end = leafHashes.length
  while (end - start > 1) {
    const split = start + largestPowerOfTwoBelow(end - start)
    if (index < split) {
      siblings.push(await subtreeRoot(leafHashes, split, end, sha256))
      end = split
    } else {
      siblings.push(await subtreeRoot(leafHashes, start, split, sha256))
      start = split
    }
  }
  return siblings.reverse()
}

// k with k < n <= 2k, for n > 1 (RFC 6962 §2.1).
function largestPowerOfTwoBelow(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}
