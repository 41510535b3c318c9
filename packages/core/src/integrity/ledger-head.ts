import { EchotrailError } from '../errors'
import { assertDigest, digest, SHA256_BYTES, webCryptoSha256 } from './sha256'
import type { Sha256 } from './sha256'

/** The `prev_head` of a project's first ledger row: 32 zero bytes. Shared; never write to it. */
export const GENESIS_HEAD: Readonly<Uint8Array> = new Uint8Array(SHA256_BYTES)

const MAX_UINT64 = 0xffff_ffff_ffff_ffffn

/**
 * Next ledger head (DESIGN.md §4): SHA-256 over exactly 72 bytes,
 * `prevHead` (32) ‖ `root` (32) ‖ `lastSeq` as an unsigned 64-bit big-endian
 * integer (8). `prevHead` is the previous row's head (GENESIS_HEAD for the first),
 * `root` the batch's Merkle root, `lastSeq` the highest `seq` in the batch, an
 * integer in [0, 2^64) given as a bigint or a safe-integer number. Hex of the
 * result (`toHex`) is what the collector stores. Rejects with
 * `ET_INTEGRITY_INPUT_INVALID` on any other input.
 */
export async function chainHead(
  prevHead: Uint8Array,
  root: Uint8Array,
  lastSeq: bigint | number,
  sha256: Sha256 = webCryptoSha256,
): Promise<Uint8Array> {
  assertDigest(prevHead, 'prevHead')
  assertDigest(root, 'root')
  const seq = toUint64(lastSeq)
  const input = new Uint8Array(2 * SHA256_BYTES + 8)
  input.set(prevHead, 0)
  input.set(root, SHA256_BYTES)
  new DataView(input.buffer).setBigUint64(2 * SHA256_BYTES, seq, false)
  return digest(sha256, input)
}

function toUint64(value: bigint | number): bigint {
  // A number past 2^53 may already have been rounded, so it is refused rather than guessed at.
  const seq = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value
  if (typeof seq !== 'bigint' || seq < 0n || seq > MAX_UINT64) {
    throw new EchotrailError(
      'ET_INTEGRITY_INPUT_INVALID',
      `lastSeq must be an integer in [0, 2^64) as a bigint or safe-integer number, got ${String(value)}`,
    )
  }
  return seq
}
