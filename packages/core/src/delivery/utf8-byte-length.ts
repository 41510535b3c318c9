/**
 * UTF-8 byte length of `text`, as `TextEncoder` would encode it, without allocating
 * the bytes: it runs once per event on the request hot path.
 */
export function utf8ByteLength(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    if (code < 0x800) {
      bytes += 1
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      // A surrogate pair is two UTF-16 units and four UTF-8 bytes; a lone
      // surrogate is encoded as U+FFFD, three bytes.
      if (next >= 0xdc00 && next <= 0xdfff) i += 1
      bytes += 2
    } else {
      bytes += 2
    }
  }
  return bytes
}
