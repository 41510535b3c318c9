import type { EncodedBatch, SendOutcome, Transport } from '@echotrail/core'
import { parseRetryAfter, rejectedPositions } from '@echotrail/core'
import type { Dispatcher } from 'undici'
import { Pool } from 'undici'
import { createBatchGzip } from './batch-gzip'

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
  const batchGzip = createBatchGzip()

  function post(path: string, body: string | Buffer, signal: AbortSignal, gzipped: boolean) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-api-key': options.apiKey,
      'user-agent': options.userAgent,
    }
    if (gzipped) headers['content-encoding'] = 'gzip'
    return dispatcher.request({ origin, path: base + path, method: 'POST', headers, body, signal })
  }

  return {
    async send(batch: EncodedBatch, signal: AbortSignal): Promise<SendOutcome> {
      try {
        const compress = batch.bytes >= options.gzipThresholdBytes
        const res = await post('/v1/audit/batch', compress ? await batchGzip.compress(batch) : batch.body, signal, compress)
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
      batchGzip.close()
      await own?.close().catch(() => undefined)
    },
  }
}
