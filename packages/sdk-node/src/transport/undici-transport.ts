import type { EncodedBatch, SendOutcome, Transport } from '@echotrail/core'
import { BATCH_BODY_END, BATCH_BODY_START, parseRetryAfter, rejectedPositions } from '@echotrail/core'
import { promisify } from 'node:util'
import { gzip as gzipCallback } from 'node:zlib'
import type { Dispatcher } from 'undici'
import { Pool } from 'undici'

const gzip = promisify(gzipCallback)

/** Options of `createUndiciTransport`. */
export interface UndiciTransportOptions {
  /** Collector base URL; batches go to `<endpoint>/v1/audit/batch`. */
  endpoint: URL
  /** Secret key sent as `X-API-Key`. */
  apiKey: string
  /** Bodies of at least this many bytes are gzip-compressed. */
  gzipThresholdBytes: number
  /** Keep-alive connections in the pool. */
  maxConnections: number
  /** Sends through this dispatcher instead of an own pool. */
  dispatcher?: Dispatcher | undefined
  /** `User-Agent` of our requests. */
  userAgent: string
}

/** An undici transport, plus what the client needs beside batches. */
export interface UndiciTransport extends Transport {
  /** Posts a JSON document to `path` (the client report); resolves with the status, 0 on network error. */
  postJson(path: string, body: string, signal: AbortSignal): Promise<number>
  /** Closes the pool's keep-alive connections. */
  close(): Promise<void>
}

/**
 * Makes one request per batch on a keep-alive undici pool and turns every answer or
 * failure into a `SendOutcome`; retries, splitting and drop counts are core's.
 */
export function createUndiciTransport(options: UndiciTransportOptions): UndiciTransport {
  const origin = options.endpoint.origin
  const base = options.endpoint.pathname.replace(/\/+$/, '')
  // The pool keeps connections alive across batches; its sockets must not hold the
  // process open, which undici guarantees by unref'ing idle sockets.
  const own = options.dispatcher === undefined ? new Pool(origin, { connections: options.maxConnections, pipelining: 1 }) : undefined
  const dispatcher: Dispatcher = options.dispatcher ?? own!

  async function post(path: string, body: string | Buffer, signal: AbortSignal, compress: boolean) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-api-key': options.apiKey,
      'user-agent': options.userAgent,
    }
    let payload: string | Buffer = body
    if (compress) {
      // Level 1: most of the size gain for a fraction of the CPU, which is the host app's;
      // memLevel 9 (zlib's largest hash) is a little faster still at the same ratio.
      payload = await gzip(body, { level: 1, memLevel: 9 })
      headers['content-encoding'] = 'gzip'
    }
    return dispatcher.request({ origin, path: base + path, method: 'POST', headers, body: payload, signal })
  }

  return {
    async send(batch: EncodedBatch, signal: AbortSignal): Promise<SendOutcome> {
      try {
        const compress = batch.bytes >= options.gzipThresholdBytes
        const res = await post('/v1/audit/batch', compress ? bodyBytes(batch) : batch.body, signal, compress)
        if (res.statusCode >= 200 && res.statusCode < 300) {
          // Events the collector refused as invalid are dropped, not counted as sent.
          const rejected = rejectedPositions(await res.body.json().catch(() => undefined))
          return rejected ? { ok: true, status: res.statusCode, rejected } : { ok: true, status: res.statusCode }
        }
        // Drain the answer so the connection returns to the pool.
        await res.body.dump()
        const header = res.headers['retry-after']
        const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header, Date.now())
        return retryAfterMs === undefined
          ? { ok: false, status: res.statusCode }
          : { ok: false, status: res.statusCode, retryAfterMs }
      } catch (error) {
        return { ok: false, error }
      }
    },
    async postJson(path, body, signal) {
      try {
        const res = await post(path, body, signal, false)
        await res.body.dump()
        return res.statusCode
      } catch {
        return 0
      }
    },
    async close() {
      await own?.close().catch(() => undefined)
    },
  }
}

const COMMA = 0x2c
// Buffer's own UTF-8 writer, under write(): it skips write()'s argument juggling, which
// costs as much as the copy for an event-sized string. Long-standing in Node, Bun and
// Deno, though not in the typings; write() when a runtime lacks it.
const utf8Write = (Buffer.prototype as { utf8Write?: (text: string, offset: number) => number }).utf8Write

/**
 * The batch body as UTF-8 bytes, written event by event into one buffer of its known
 * size: gzip needs bytes anyway, and this skips joining a string of them first (one copy
 * of the whole batch instead of two).
 */
function bodyBytes(batch: EncodedBatch): Buffer | string {
  const events = batch.eventJson
  if (events === undefined) return batch.body
  // Room for one more character than announced, so a size too small shows as a longer
  // write instead of a silently cut one.
  const out = Buffer.allocUnsafe(batch.bytes + 4)
  let at = out.write(BATCH_BODY_START, 0, 'latin1')
  for (let i = 0; i < events.length; i++) {
    if (i > 0) out[at++] = COMMA
    at += utf8Write === undefined ? out.write(events[i]!, at, 'utf8') : utf8Write.call(out, events[i]!, at)
  }
  at += out.write(BATCH_BODY_END, at, 'latin1')
  // A size that disagrees with the texts: send the joined body instead.
  return at === batch.bytes ? out.subarray(0, at) : batch.body
}
