import { canonicalize, createMasker, hashEvent, toHex } from '@echotrail/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hashCanonicalJson, nodeSha256 } from '../server.js'
import { prepareEvent, type PrepareContext } from './prepare-event.js'

const ctx: PrepareContext = {
  receivedAtMs: Date.parse('2026-11-24T12:00:00.000Z'),
  receivedAtIso: '2026-11-24T12:00:00.000Z',
  oldestAcceptedMs: Date.parse('2026-11-17T00:00:00.000Z'),
  keyKind: 'secret',
  masker: createMasker(),
  hashCanonical: hashCanonicalJson,
}

const textOf = fc.string({ unit: 'grapheme', maxLength: 40 })
const anEvent = fc.record(
  {
    path: textOf.map((s) => `/api/${s}`.slice(0, 200)),
    method: fc.constantFrom('GET', 'post', 'DELETE'),
    status_code: fc.integer({ min: 100, max: 599 }),
    response_time: fc.double({ min: 0, max: 1e6, noNaN: true }),
    identifier: textOf,
    request_body: fc.jsonValue({ maxDepth: 4 }),
    query_params: fc.dictionary(textOf, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    favourite: textOf,
  },
  { requiredKeys: ['path', 'method', 'status_code'] },
)

describe('prepareEvent', () => {
  it('stores canonical JSON whose hash is core hashEvent of the stored document', async () => {
    await fc.assert(
      fc.asyncProperty(anEvent, async (event) => {
        const result = prepareEvent(JSON.parse(JSON.stringify(event)), ctx)
        if (!result.ok) return
        const stored = JSON.parse(result.event.json) as Record<string, unknown>
        expect(result.event.json).toBe(canonicalize(stored))
        expect(toHex(Buffer.from(result.event.hash, 'latin1'))).toBe(toHex(await hashEvent(stored, nodeSha256)))
      }),
      { numRuns: 300 },
    )
  })

  it('keeps the event id, derives the classification and masks before storing', () => {
    const result = prepareEvent(
      {
        event_id: '01936B2E-0000-7000-8000-000000000001',
        path: '/login',
        method: 'post',
        status_code: 401,
        request_body: { password: 'hunter2' },
        colour: 'teal',
      },
      ctx,
    )
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(JSON.parse(result.event.json)).toEqual({
      event_id: '01936b2e-0000-7000-8000-000000000001',
      path: '/login',
      method: 'POST',
      status_code: 401,
      request_body: { password: '********' },
      metadata: { extra: { colour: 'teal' } },
      action: 'http.request',
      category: 'AUTH',
      severity: 'WARNING',
      outcome: 'failure',
      compliance_tags: ['ISO27001', 'SOX'],
      source: 'backend',
      occurred_at: '2026-11-24T12:00:00.000Z',
      received_at: '2026-11-24T12:00:00.000Z',
    })
  })

  it('rejects an event that is too large after masking, naming its size', () => {
    // Each string is under the masker's cut (16,384 characters); together they are not.
    const body = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`part${i}`, 'x'.repeat(15_000)]))
    const result = prepareEvent({ action: 'x.y', request_body: body }, ctx)
    expect(result).toMatchObject({ ok: false, issues: [{ path: [], code: 'too_big' }] })
  })
})
