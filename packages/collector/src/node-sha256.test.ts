import { merkleRoot, toHex, webCryptoSha256 } from '@echotrail/core'
import { describe, expect, it } from 'vitest'
import { nodeSha256 } from './server.js'

describe('nodeSha256', () => {
  it('gives the bytes of Web Crypto for empty, Merkle-node sized, unaligned and large inputs', async () => {
    const big = new Uint8Array(70_000).map((_, i) => (i * 31) & 0xff)
    const inputs = [new Uint8Array(0), new Uint8Array(65).fill(1), big.subarray(3, 1_003), big]
    for (const input of inputs) {
      expect(toHex(await nodeSha256(input))).toBe(toHex(await webCryptoSha256(input)))
    }
  })

  it('builds the same Merkle root as Web Crypto', async () => {
    const leaves = Array.from({ length: 37 }, (_, i) => new Uint8Array(32).fill(i))
    expect(toHex(await merkleRoot(leaves, nodeSha256))).toBe(toHex(await merkleRoot(leaves, webCryptoSha256)))
  })
})
