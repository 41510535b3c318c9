import type { JsonValue } from '@echotrail/core'
import type { BodyKind } from './body'
import { TRUNCATED_BODY, bodyKindOf, decodeBody } from './body'
import type { RequestCapture } from './request-capture'
import type { RequestRecord } from './request-record'

/** Starts recording a fetch `Request`; the path and query come from its URL. */
export function beginFetchRequest<Req>(capture: RequestCapture<Req>, hostReq: Req, request: Request, ip: string | undefined): RequestRecord<Req> | undefined {
  const url = request.url
  // Path and query without parsing the whole URL: after "scheme://host".
  const slash = url.indexOf('/', url.indexOf('//') + 2)
  const pathAndQuery = slash === -1 ? '/' : url.slice(slash)
  const hash = pathAndQuery.indexOf('#')
  const forwarded = capture.options.trustProxy ? request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() : undefined
  return capture.begin(hostReq, request.method, hash === -1 ? pathAndQuery : pathAndQuery.slice(0, hash), request.headers, forwarded || ip)
}

/**
 * Reads up to `maxBytes` of a body from a clone (a tee), then cancels our branch, so the
 * app's branch streams on unchanged. Resolves undefined for bodies that are not recorded.
 */
export async function readCappedBody(source: Request | Response, maxBytes: number): Promise<JsonValue | undefined> {
  const kind: BodyKind | undefined = bodyKindOf(source.headers.get('content-type') ?? undefined)
  if (kind === undefined || source.body === null || source.bodyUsed) return undefined
  const reader = source.clone().body!.getReader()
  const chunks: Uint8Array[] = []
  let bytes = 0
  let truncated = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      bytes += value.byteLength
      if (bytes > maxBytes) {
        truncated = true
        break
      }
    }
  } finally {
    void reader.cancel().catch(() => undefined)
  }
  const all = Buffer.concat(chunks).subarray(0, maxBytes)
  const text = all.toString('utf8')
  return truncated ? text + TRUNCATED_BODY : decodeBody(kind, text, false)
}
