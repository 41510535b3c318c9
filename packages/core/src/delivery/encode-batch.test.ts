import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BATCH_ENVELOPE_BYTES, batchBodyBytes, encodeBatch } from './encode-batch'
import { utf8ByteLength } from './utf8-byte-length'

const encoder = new TextEncoder()
const item = (value: unknown) => {
  const json = JSON.stringify(value)
  return { json, bytes: utf8ByteLength(json) }
}

describe('encodeBatch', () => {
  it('wraps the stored JSON in {"events":[…]} without re-serialising it', () => {
    const batch = encodeBatch([{ json: '{"a":1}', bytes: 7 }, { json: '{"b":"é"}', bytes: 10 }])
    expect(batch.body).toBe('{"events":[{"a":1},{"b":"é"}]}')
    expect(batch.events).toBe(2)
    expect(batch.eventJson).toEqual(['{"a":1}', '{"b":"é"}'])
  })

  it('encodes an empty batch as an empty events array', () => {
    const batch = encodeBatch([])
    expect({ body: batch.body, events: batch.events, bytes: batch.bytes }).toEqual({ body: '{"events":[]}', events: 0, bytes: BATCH_ENVELOPE_BYTES })
  })

  it('reports the exact UTF-8 length of the body and parses back to the events', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), (values) => {
        const batch = encodeBatch(values.map(item))
        expect(batch.bytes).toBe(encoder.encode(batch.body).length)
        expect(batch.bytes).toBe(batchBodyBytes(values.reduce<number>((n, v) => n + item(v).bytes, 0), values.length))
        expect(JSON.parse(batch.body)).toEqual({ events: JSON.parse(JSON.stringify(values)) })
      }),
    )
  })
})
