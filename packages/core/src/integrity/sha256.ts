import { EchotrailError } from '../errors'

/**
 * A SHA-256 function: returns the 32-byte digest of `data`, sync or async. Every
 * hashing function here takes one, so the collector can pass a synchronous
 * node:crypto digest while browsers and workers use Web Crypto; outputs are identical.
 */
export type Sha256 = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>

/** Byte length of a SHA-256 digest. */
export const SHA256_BYTES = 32

/** SHA-256 through `globalThis.crypto.subtle`; throws `ET_CRYPTO_UNAVAILABLE` where Web Crypto is absent (plain-HTTP pages, old runtimes). */
export const webCryptoSha256: Sha256 = async (data) => {
  const subtle = globalThis.crypto?.subtle
  if (subtle === undefined) {
    throw new EchotrailError(
      'ET_CRYPTO_UNAVAILABLE',
      'globalThis.crypto.subtle is not available (insecure context or old runtime); pass a sha256 function',
    )
  }
  // Web Crypto refuses views over a SharedArrayBuffer, so copy those first.
  const input = data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data)
  return new Uint8Array(await subtle.digest('SHA-256', input))
}

/**
 * Runs `sha256` and checks its output is 32 bytes. A Buffer (node:crypto) is
 * copied into a plain Uint8Array so results compare equal whichever hash ran.
 * @internal
 */
export async function digest(sha256: Sha256, data: Uint8Array): Promise<Uint8Array> {
  const out = await sha256(data)
  if (!(out instanceof Uint8Array) || out.length !== SHA256_BYTES) {
    throw new EchotrailError('ET_CONFIG_INVALID', `sha256 must return ${SHA256_BYTES} bytes`)
  }
  return out.constructor === Uint8Array ? out : new Uint8Array(out)
}

/**
 * True when `value` is a Uint8Array of exactly 32 bytes.
 * @internal
 */
export function isDigest(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === SHA256_BYTES
}

/**
 * Throws `ET_INTEGRITY_INPUT_INVALID` unless `value` is a 32-byte digest; `name` says which argument.
 * @internal
 */
export function assertDigest(value: unknown, name: string): asserts value is Uint8Array {
  if (!isDigest(value)) {
    throw new EchotrailError('ET_INTEGRITY_INPUT_INVALID', `${name} must be a ${SHA256_BYTES}-byte Uint8Array`)
  }
}
