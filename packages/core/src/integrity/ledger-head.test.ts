import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { chainHead, GENESIS_HEAD } from './ledger-head'

const syncSha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest())

// SHA-256(prev_head ‖ root ‖ uint64be(last_seq)), built with node:crypto and Buffer alone.
function nodeHead(prev: Uint8Array, root: Uint8Array, lastSeq: bigint): Uint8Array {
  const seq = Buffer.alloc(8)
  seq.writeBigUInt64BE(lastSeq)
  return syncSha256(Buffer.concat([prev, root, seq]))
}

const digestArb = fc.uint8Array({ minLength: 32, maxLength: 32 })
const uint64Arb = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })

describe('GENESIS_HEAD', () => {
  it('is 32 zero bytes', () => {
    expect(GENESIS_HEAD).toEqual(new Uint8Array(32))
  })
})

describe('chainHead', () => {
  it('equals node:crypto SHA-256 of prev head, root and the big-endian 64-bit last seq', async () => {
    await fc.assert(
      fc.asyncProperty(digestArb, digestArb, uint64Arb, async (prev, root, lastSeq) => {
        expect(await chainHead(prev, root, lastSeq)).toEqual(nodeHead(prev, root, lastSeq))
      }),
      { numRuns: 200 },
    )
  })

  it('matches a known answer that pins the 72-byte layout', async () => {
    // Computed with Python's hashlib: sha256(bytes(32) + bytes(range(32)) + (0x0102030405060708).to_bytes(8, 'big')).
    const root = Uint8Array.from({ length: 32 }, (_, i) => i)
    const head = await chainHead(GENESIS_HEAD, root, 0x0102030405060708n)
    expect(Buffer.from(head).toString('hex')).toBe('4ca0364e5ab909e8321cff9f847277bd9a954840408c8cd252293f6be1441ceb')
  })

  it('gives the same head for a number and a bigint last seq', async () => {
    await fc.assert(
      fc.asyncProperty(digestArb, fc.maxSafeNat(), async (root, lastSeq) => {
        expect(await chainHead(GENESIS_HEAD, root, lastSeq)).toEqual(await chainHead(GENESIS_HEAD, root, BigInt(lastSeq)))
      }),
    )
  })

  it('gives identical bytes with a synchronous node:crypto sha256', async () => {
    const root = syncSha256(new Uint8Array([1]))
    expect(await chainHead(GENESIS_HEAD, root, 42, syncSha256)).toEqual(await chainHead(GENESIS_HEAD, root, 42))
  })

  it('links each head to the one before it', async () => {
    const roots = [1, 2, 3].map((i) => syncSha256(new Uint8Array([i])))
    let head: Uint8Array = GENESIS_HEAD
    let expected: Uint8Array = new Uint8Array(32)
    for (const [i, root] of roots.entries()) {
      head = await chainHead(head, root, 10 * (i + 1))
      expected = nodeHead(expected, root, BigInt(10 * (i + 1)))
    }
    expect(head).toEqual(expected)
  })

  it('accepts the largest unsigned 64-bit last seq', async () => {
    const root = new Uint8Array(32).fill(7)
    const max = 2n ** 64n - 1n
    expect(await chainHead(GENESIS_HEAD, root, max)).toEqual(nodeHead(new Uint8Array(32), root, max))
  })

  it.each<[string, bigint | number]>([
    ['a negative bigint', -1n],
    ['a bigint of 2^64', 2n ** 64n],
    ['a negative number', -1],
    ['a fractional number', 1.5],
    ['NaN', NaN],
    ['a number past 2^53, which may already be rounded', 2 ** 53],
  ])('rejects %s as last seq with ET_INTEGRITY_INPUT_INVALID', async (_name, lastSeq) => {
    await expect(chainHead(GENESIS_HEAD, new Uint8Array(32), lastSeq)).rejects.toMatchObject({
      code: 'ET_INTEGRITY_INPUT_INVALID',
    })
  })

  it('rejects a prev head or root that is not 32 bytes with ET_INTEGRITY_INPUT_INVALID', async () => {
    await expect(chainHead(new Uint8Array(31), new Uint8Array(32), 1)).rejects.toMatchObject({ code: 'ET_INTEGRITY_INPUT_INVALID' })
    await expect(chainHead(GENESIS_HEAD, new Uint8Array(64), 1)).rejects.toMatchObject({ code: 'ET_INTEGRITY_INPUT_INVALID' })
  })

  it('does not modify its inputs', async () => {
    const prev = new Uint8Array(32).fill(1)
    const root = new Uint8Array(32).fill(2)
    await chainHead(prev, root, 3)
    expect(prev).toEqual(new Uint8Array(32).fill(1))
    expect(root).toEqual(new Uint8Array(32).fill(2))
    expect(GENESIS_HEAD).toEqual(new Uint8Array(32))
  })
})
