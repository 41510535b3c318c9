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

/** Collects up to `maxBytes` of chunks by reference; copies only when the body is read. */
export class BodyTap {
  #chunks: Buffer[] = []
  #bytes = 0
  truncated = false
  constructor(readonly maxBytes: number) {}

  add(chunk: unknown, encoding?: BufferEncoding): void {
    if (this.truncated || chunk === undefined || chunk === null) return
    let buf: Buffer
    if (typeof chunk === 'string') buf = Buffer.from(chunk, encoding ?? 'utf8')
    else if (chunk instanceof Uint8Array) buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    else return
    const room = this.maxBytes - this.#bytes
    if (buf.byteLength > room) {
      buf = Buffer.from(buf.subarray(0, room))
      this.truncated = true
    } else if (typeof chunk !== 'string') {
      // The app may reuse its buffer after write() returns: keep our own copy.
      buf = Buffer.from(buf)
    }
    this.#chunks.push(buf)
    this.#bytes += buf.byteLength
  }

  get empty(): boolean {
    return this.#bytes === 0
  }

  text(): string {
    // A cut may split a multi-byte character; the decoder turns that into U+FFFD.
    return Buffer.concat(this.#chunks, this.#bytes).toString('utf8')
  }
}
