import { describe, expect, it } from 'vitest'
import { docOf, hashOf, packEvents } from './event-batch.js'
import type { PreparedEvent } from './prepare-event.js'

const event = (id: string, json: string, hashChar: string): PreparedEvent => ({
  eventId: id,
  occurredAtMs: 0,
  receivedAtMs: 0,
  json,
  hash: hashChar.repeat(32),
})

describe('packEvents', () => {
  it('gives back every document and hash, including empty, one-character and non-ASCII ones', () => {
    const events = [event('a', '{"x":1}', '\u0001'), event('b', '', '\u00ff'), event('c', '{"é":"€,"}', 'z'), event('d', '1', '\u0000')]
    const batch = packEvents(events)
    expect(batch.eventIds).toEqual(['a', 'b', 'c', 'd'])
    expect(batch.docs).toBe(events.map((e) => e.json).join(','))
    events.forEach((e, i) => {
      expect(docOf(batch, i)).toBe(e.json)
      expect(hashOf(batch, i)).toBe(e.hash)
    })
  })

  it('packs one event and none', () => {
    const one = packEvents([event('a', '{"a":[1,2]}', 'h')])
    expect([one.docs, docOf(one, 0), one.hashes.length]).toEqual(['{"a":[1,2]}', '{"a":[1,2]}', 32])
    expect(packEvents([])).toMatchObject({ eventIds: [], docs: '', hashes: '' })
  })
})
