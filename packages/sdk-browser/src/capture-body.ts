import type { AuditEventFields } from '@echotrail/core'

const MAX_CAPTURED_BODY_CHARS = 16_384

/** Text and JSON request bodies (strings, URLSearchParams); streams, blobs and forms are not read. */
export function captureBody(body: unknown): AuditEventFields['request_body'] | undefined {
  if (typeof body === 'string') {
    const text = body.slice(0, MAX_CAPTURED_BODY_CHARS)
    try {
      return JSON.parse(text) as AuditEventFields['request_body']
    } catch {
      return text
    }
  }
  if (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) return Object.fromEntries(body)
  return undefined
}

