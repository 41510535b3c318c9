/**
 * Size of `event` as UTF-8 JSON, the measure behind `WIRE_LIMITS.maxEventBytes`.
 * Throws like `JSON.stringify` on cycles and BigInt; 0 when there is nothing to serialise.
 */
export function eventByteLength(event: unknown): number {
  const json: string | undefined = JSON.stringify(event)
  return json === undefined ? 0 : utf8ByteLength(json)
}

// Counting code units beats TextEncoder here: no 64 KiB buffer per event on the hot path.
function utf8ByteLength(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair is one code point beyond the BMP: four bytes for both units.
      bytes += 4
      i++
    } else bytes += 3 // includes lone surrogates, which encoders replace with U+FFFD
  }
  return bytes
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff
}
