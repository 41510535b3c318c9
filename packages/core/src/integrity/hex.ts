import { EchotrailError } from '../errors'

const HEX_DIGITS: readonly string[] = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Lowercase hex of `bytes`, two digits per byte: the form the collector stores hashes in. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX_DIGITS[bytes[i]!]!
  return out
}

/**
 * Decodes hex (either case) to bytes. Strict on purpose: a verifier must not
 * silently accept a truncated or padded hash, so odd length, whitespace, a `0x`
 * prefix or any non-hex character throws `ET_HEX_INVALID`.
 */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0) {
    throw new EchotrailError('ET_HEX_INVALID', 'fromHex: expected a string of even length')
  }
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) {
    const high = nibble(hex.charCodeAt(2 * i))
    const low = nibble(hex.charCodeAt(2 * i + 1))
    if (high < 0 || low < 0) {
      throw new EchotrailError('ET_HEX_INVALID', `fromHex: non-hex character near offset ${2 * i}`)
    }
    bytes[i] = (high << 4) | low
  }
  return bytes
}

function nibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30 // 0-9
  if (code >= 0x61 && code <= 0x66) return code - 0x57 // a-f
  if (code >= 0x41 && code <= 0x46) return code - 0x37 // A-F
  return -1
}
