/**
 * True when `a` and `b` hold the same bytes. Hashes are public, so timing does
 * not matter here, but the loop does not exit early anyway: it costs nothing and
 * keeps the helper safe should someone reuse it for a MAC.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
