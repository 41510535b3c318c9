import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalize } from './canonical-json'
import { hashEvent } from './event-hash'
import { hashLeaf } from './merkle-hash'

const nodeSha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest())

// SHA-256(0x00 ‖ UTF-8 text), computed by node:crypto alone.
function nodeEventHash(jcsText: string): Uint8Array {
  return nodeSha256(Buffer.concat([Buffer.from([0x00]), Buffer.from(jcsText, 'utf8')]))
}

const event = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }))

describe('hashEvent', () => {
  it('equals node:crypto SHA-256 of 0x00 and the canonical JSON bytes', async () => {
    await fc.assert(
      fc.asyncProperty(event, async (value) => {
        expect(await hashEvent(value)).toEqual(nodeEventHash(canonicalize(value)))
      }),
      { numRuns: 200 },
    )
  })

  it('matches a known answer for a hand-canonicalised event', async () => {
    const stored = { seq: 7, metadata: { é: true, a: [1, 2.5, null] }, actor: 'ana@example.com', action: 'key.created' }
    const jcs = '{"action":"key.created","actor":"ana@example.com","metadata":{"a":[1,2.5,null],"é":true},"seq":7}'
    const hash = await hashEvent(stored)
    expect(hash).toEqual(nodeEventHash(jcs))
    expect(Buffer.from(hash).toString('hex')).toBe('393090cff2f460109e38b1e4b7e88efb568dee6fa79e3dd860fcdaa84deb54e7')
  })

  it('gives identical bytes with a synchronous node:crypto sha256', async () => {
    await fc.assert(
      fc.asyncProperty(event, async (value) => {
        expect(await hashEvent(value, nodeSha256)).toEqual(await hashEvent(value))
      }),
      { numRuns: 100 },
    )
  })

  it('is the RFC 6962 leaf hash of the canonical bytes', async () => {
    const value = { b: 1, a: 'x' }
    expect(await hashEvent(value)).toEqual(await hashLeaf(new TextEncoder().encode('{"a":"x","b":1}')))
  })

  it('does not depend on member order', async () => {
    expect(await hashEvent({ a: 1, b: { c: 2, d: 3 } })).toEqual(await hashEvent({ b: { d: 3, c: 2 }, a: 1 }))
  })

  it('changes when any value changes', async () => {
    expect(await hashEvent({ status_code: 200 })).not.toEqual(await hashEvent({ status_code: 201 }))
  })

  it('rejects, rather than throws, with ET_CANONICAL_INVALID for an event without canonical form', async () => {
    const pending = hashEvent({ response_time: NaN })
    await expect(pending).rejects.toMatchObject({ code: 'ET_CANONICAL_INVALID' })
  })
})
