import type { JsonValue } from '@echotrail/core'

/** How a body of a content type is recorded; `undefined` means not at all. */
export type BodyKind = 'json' | 'form' | 'text'

/** Recorded body kinds, by `Content-Type`: JSON, form and text only (never binary or multipart). */
export function bodyKindOf(contentType: string | undefined): BodyKind | undefined {
  if (contentType === undefined) return undefined
  const type = contentType.toLowerCase()
  if (type.startsWith('application/json') || /^[a-z]+\/[a-z0-9.+-]*\+json\b/.test(type)) return 'json'
  if (type.startsWith('application/x-www-form-urlencoded')) return 'form'
  if (type.startsWith('text/')) return 'text'
  return undefined
}

/** The marker appended to a body cut at `maxBodyBytes`. */
export const TRUNCATED_BODY = '…[Truncated]'

/**
 * Turns captured text into a recorded value: parsed JSON or form fields when whole,
 * otherwise the (possibly cut) text, so masking can still judge the keys it sees.
 */
export function decodeBody(kind: BodyKind, text: string, truncated: boolean): JsonValue {
  if (truncated) return text + TRUNCATED_BODY
  if (kind === 'json') {
    try {
      return JSON.parse(text) as JsonValue
    } catch {
      return text
    }
  }
  if (kind === 'form') {
    const fields: Record<string, JsonValue> = {}
    for (const [key, value] of new URLSearchParams(text)) fields[key] = value
    return fields
  }
  return text
}

/**
 * Collects up to `maxBytes` of a body. Strings are kept as they are, without a round trip
 * through a Buffer; byte chunks are copied when `copyBytes` says the host may reuse them
 * (a response `write()` buffer), kept by reference otherwise (node:http hands every request
 * 'data' chunk out as a fresh copy).
 */
export class BodyTap {
  #chunks: (string | Buffer)[] = []
  #bytes = 0
  // True while the chunks so far end on a whole character (none yet, a string, or bytes
  // ending in an ASCII byte): a byte chunk that starts here decodes alone as it would joined.
  #atBoundary = true
  truncated = false
  constructor(
    readonly maxBytes: number,
    readonly copyBytes: boolean,
  ) {}

  add(chunk: unknown, encoding?: unknown): void {
    if (this.truncated || chunk === undefined || chunk === null) return
    const room = this.maxBytes - this.#bytes
    if (typeof chunk === 'string') {
      const utf8 = encoding === undefined || encoding === 'utf8' || encoding === 'utf-8' || typeof encoding !== 'string'
      if (utf8) {
        const bytes = Buffer.byteLength(chunk, 'utf8')
        if (bytes <= room) {
          this.#chunks.push(chunk)
          this.#bytes += bytes
          this.#atBoundary = true
          return
        }
      }
      // Another encoding, or too long: the bytes on the wire decide.
      this.#addBytes(Buffer.from(chunk, utf8 ? 'utf8' : (encoding as BufferEncoding)), room, false)
    } else if (chunk instanceof Uint8Array) {
      // A Buffer is used as it is; a plain Uint8Array gets a Buffer view (no copy).
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      this.#addBytes(buf, room, this.copyBytes)
    }
  }

  #addBytes(buf: Buffer, room: number, copy: boolean): void {
    const length = buf.byteLength
    if (length > room) {
      buf = Buffer.from(buf.subarray(0, room))
      this.truncated = true
    } else if (copy) {
      // The app may reuse its buffer after write() returns, so the bytes must be kept
      // now. A chunk that starts and ends on whole characters is kept as its text: one
      // string instead of a copy now and a join and decode later (a JSON answer written
      // by res.json() or res.send() is one such chunk).
      if (this.#atBoundary && length > 0 && buf[length - 1]! < 0x80) {
        this.#chunks.push(buf.toString('utf8'))
        this.#bytes += length
        return
      }
      buf = Buffer.from(buf)
    }
    this.#chunks.push(buf)
    this.#bytes += buf.byteLength
    this.#atBoundary = buf.byteLength === 0 ? this.#atBoundary : buf[buf.byteLength - 1]! < 0x80
  }

  get empty(): boolean {
    return this.#bytes === 0
  }

  text(): string {
    const chunks = this.#chunks
    if (chunks.length === 1) {
      const only = chunks[0]!
      return typeof only === 'string' ? only : only.toString('utf8')
    }
    // A cut may split a multi-byte character; the decoder turns that into U+FFFD.
    const buffers = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c))
    return Buffer.concat(buffers, this.#bytes).toString('utf8')
  }
}
