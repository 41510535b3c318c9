import { gunzipSync } from 'node:zlib'
import { WIRE_LIMITS } from '@echotrail/core'
import { CollectorError } from '../errors.js'
import { toStorableJson } from './storable-json.js'

// U+0000 and UTF-16 surrogates can only enter parsed JSON through \u escapes (raw
// control characters are invalid JSON, invalid UTF-8 decodes to U+FFFD), so one scan
// of the text tells whether the parsed value needs cleaning for jsonb at all.
const ESCAPE_NEEDING_CLEANUP = /\\u(0000|[dD][89a-fA-F])/

/**
 * Decodes a request body per its Content-Encoding and parses the JSON. gzip output is
 * capped at the batch limit, so a small compressed body cannot expand without bound.
 */
export function readJsonBody(raw: Buffer, contentEncoding: string | undefined): unknown {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase()
  let bytes: Buffer
  if (encoding === 'identity' || encoding === '') bytes = raw
  else if (encoding === 'gzip' || encoding === 'x-gzip') {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: WIRE_LIMITS.maxBatchBytes })
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        throw new CollectorError('ET_INGEST_TOO_LARGE', {
          message: `The body is larger than ${WIRE_LIMITS.maxBatchBytes} bytes once decompressed.`,
        })
      }
      throw new CollectorError('ET_INGEST_BAD_ENCODING')
    }
  } else {
    throw new CollectorError('ET_INGEST_UNSUPPORTED_MEDIA', { message: 'Content-Encoding must be gzip or identity.' })
  }
  if (bytes.length > WIRE_LIMITS.maxBatchBytes) throw new CollectorError('ET_INGEST_TOO_LARGE')
  // Invalid UTF-8 becomes U+FFFD here, as the WHATWG decoder does.
  const text = bytes.toString('utf8')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new CollectorError('ET_INGEST_INVALID_JSON')
  }
  return ESCAPE_NEEDING_CLEANUP.test(text) ? toStorableJson(value) : value
}
