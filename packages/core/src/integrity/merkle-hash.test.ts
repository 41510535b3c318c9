import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hashChildren, hashLeaf } from './merkle-hash'

const nodeSha256 = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest())
const syncSha256 = (data: Uint8Array): Uint8Array => nodeSha256(data)

describe('hashLeaf', () => {
  it('is SHA-256 of 0x00 followed by the data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (data) => {
        expect(await hashLeaf(data)).toEqual(nodeSha256(new Uint8Array([0x00]), data))
      }),
    )
  })

  it('matches the Certificate Transparency leaf hash of the empty entry', async () => {
    const hex = Buffer.from(await hashLeaf(new Uint8Array(0))).toString('hex')
    expect(hex).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d')
  })

  it('gives the same bytes with a synchronous node:crypto sha256', async () => {
    const data = new Uint8Array([1, 2, 3])
    expect(await hashLeaf(data, syncSha256)).toEqual(await hashLeaf(data))
  })
})

describe('hashChildren', () => {
  it('is SHA-256 of 0x01, the left hash and the right hash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), async (left, right) => {
        expect(await hashChildren(left, right, syncSha256)).toEqual(nodeSha256(new Uint8Array([0x01]), left, right))
      }),
    )
  })
})
