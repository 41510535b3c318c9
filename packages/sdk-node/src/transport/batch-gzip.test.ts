import type { EncodedBatch } from '@echotrail/core'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createBatchGzip, writeBody } from './batch-gzip'

/** A batch as core's sender makes it: event texts, their joined body and its byte length. */
function batchOf(eventJson: string[], bytes?: number): EncodedBatch {
  const body = `{"events":[${eventJson.join(',')}]}`
  return { body, events: eventJson.length, bytes: bytes ?? Buffer.byteLength(body), eventJson }
}

const events = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ event_id: `${tag}-${i}`, path: `/users/${i}`, note: 'é✓😀'.repeat(i % 3) }))

describe('createBatchGzip', () => {
  it('gives one complete gzip member per batch while reusing its deflate state and buffer', async () => {
    const gzip = createBatchGzip()
    // Large, small, then large again: a shorter batch written over a longer one's bytes
    // must not carry any of them, and a reset engine must start a fresh member.
    for (const batch of [batchOf(events(400, 'a')), batchOf(events(3, 'b')), batchOf(events(250, 'c'))]) {
      const out = await gzip.compress(batch)
      expect(gunzipSync(out).toString('utf8')).toBe(batch.body)
    }
  })

  it('compresses batches that arrive while another is being compressed', async () => {
    const gzip = createBatchGzip()
    const batches = [batchOf(events(300, 'x')), batchOf(events(200, 'y')), batchOf(events(100, 'z'))]
    const outs = await Promise.all(batches.map((batch) => gzip.compress(batch)))
    outs.forEach((out, i) => expect(gunzipSync(out).toString('utf8')).toBe(batches[i]!.body))
  })

  it('compresses the joined body when the event texts disagree with the announced size', async () => {
    const batch = batchOf(events(20, 'd'), 10)
    const out = await createBatchGzip().compress(batch)
    expect(gunzipSync(out).toString('utf8')).toBe(batch.body)
  })
})

describe('writeBody', () => {
  it('writes the body as UTF-8 bytes, multi-byte characters included', () => {
    const batch = batchOf(events(5, 'e'))
    const out = writeBody(batch, Buffer.alloc(batch.bytes + 4))
    expect(Buffer.isBuffer(out) && out.toString('utf8')).toBe(batch.body)
  })

  it('returns the joined string when the texts are longer than announced', () => {
    const batch = batchOf(events(5, 'f'), 40)
    expect(writeBody(batch, Buffer.alloc(4096))).toBe(batch.body)
  })

  it('returns the joined string when the texts are shorter than announced', () => {
    const real = batchOf(events(5, 'g'))
    const batch: EncodedBatch = { ...real, bytes: real.bytes + 3 }
    expect(writeBody(batch, Buffer.alloc(4096))).toBe(batch.body)
  })
})

describe('BatchGzip.close', () => {
  it('still compresses after close, with a new deflate state', async () => {
    const gzip = createBatchGzip()
    const first = batchOf(events(50, 'h'))
    expect(gunzipSync(await gzip.compress(first)).toString('utf8')).toBe(first.body)
    gzip.close()
    const second = batchOf(events(60, 'i'))
    expect(gunzipSync(await gzip.compress(second)).toString('utf8')).toBe(second.body)
  })
})
