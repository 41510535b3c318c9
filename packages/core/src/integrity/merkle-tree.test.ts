import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { inclusionProof, merkleRoot } from './merkle-tree'
import { verifyInclusion } from './verify-inclusion'

// ---- An independent RFC 6962 §2.1 reference, written exactly as the RFC reads ----

const sha256 = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest())
const syncSha256 = (data: Uint8Array): Uint8Array => sha256(data)

// k: the largest power of two smaller than n (n > 1).
const splitOf = (n: number): number => 2 ** Math.floor(Math.log2(n - 1))

// MTH(D[n]) over data entries D.
function referenceRoot(entries: readonly Uint8Array[]): Uint8Array {
  const n = entries.length
  if (n === 0) return sha256()
  if (n === 1) return sha256(Uint8Array.of(0x00), entries[0]!)
  const k = splitOf(n)
  return sha256(Uint8Array.of(0x01), referenceRoot(entries.slice(0, k)), referenceRoot(entries.slice(k)))
}

// PATH(m, D[n]) (RFC 6962 §2.1.1).
function referencePath(m: number, entries: readonly Uint8Array[]): Uint8Array[] {
  const n = entries.length
  if (n === 1) return []
  const k = splitOf(n)
  if (m < k) return [...referencePath(m, entries.slice(0, k)), referenceRoot(entries.slice(k))]
  return [...referencePath(m - k, entries.slice(k)), referenceRoot(entries.slice(0, k))]
}

// D[i] = "entry i"; leaf hashes computed by node:crypto, not by the code under test.
const entriesOf = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => new TextEncoder().encode(`entry ${i}`))
const leafHashesOf = (entries: readonly Uint8Array[]): Uint8Array[] => entries.map((d) => sha256(Uint8Array.of(0x00), d))

// Deterministic sample of indices for large trees: the edges, both sides of the split, and some spread.
function sampleIndices(n: number): number[] {
  const k = splitOf(n)
  const picks = [0, 1, k - 1, k, n - 2, n - 1, Math.floor(n / 3), (n * 7919) % n]
  return [...new Set(picks.filter((i) => i >= 0 && i < n))]
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

// Certificate Transparency reference inputs and roots (transparency-dev/merkle testonly).
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]
const CT_PROOFS: ReadonlyArray<{ index: number; size: number; proof: string[] }> = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
]
const ctLeafHashes = leafHashesOf(CT_LEAVES.map((h) => new Uint8Array(Buffer.from(h, 'hex'))))

function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({ code })
}

describe('merkleRoot', () => {
  it('matches the recursive RFC 6962 reference for every size from 0 to 300', async () => {
    const entries = entriesOf(300)
    const leafHashes = leafHashesOf(entries)
    for (let n = 0; n <= 300; n++) {
      expect(hex(await merkleRoot(leafHashes.slice(0, n))), `size ${n}`).toBe(hex(referenceRoot(entries.slice(0, n))))
    }
  })

  it('matches the Certificate Transparency reference roots for 0 to 8 leaves', async () => {
    for (let n = 0; n <= 8; n++) {
      expect(hex(await merkleRoot(ctLeafHashes.slice(0, n)))).toBe(CT_ROOTS[n])
    }
  })

  it('gives identical roots with a synchronous node:crypto sha256', async () => {
    const leafHashes = leafHashesOf(entriesOf(77))
    for (const n of [0, 1, 2, 3, 31, 64, 77]) {
      expect(await merkleRoot(leafHashes.slice(0, n), syncSha256)).toEqual(await merkleRoot(leafHashes.slice(0, n)))
    }
  })

  it('hashes n − 1 interior nodes for n leaves', async () => {
    const leafHashes = leafHashesOf(entriesOf(300))
    for (const n of [1, 2, 3, 100, 255, 256, 257, 300]) {
      let calls = 0
      const counting = (data: Uint8Array): Uint8Array => {
        calls++
        return syncSha256(data)
      }
      await merkleRoot(leafHashes.slice(0, n), counting)
      expect(calls, `size ${n}`).toBe(n - 1)
    }
  })

  it('returns a copy, not the caller’s array, for a one-leaf tree', async () => {
    const [leaf] = leafHashesOf(entriesOf(1))
    const root = await merkleRoot([leaf!])
    expect(root).toEqual(leaf)
    expect(root).not.toBe(leaf)
  })

  it('does not modify the leaf hashes it is given', async () => {
    const leafHashes = leafHashesOf(entriesOf(13))
    const before = leafHashes.map((h) => new Uint8Array(h))
    await merkleRoot(leafHashes)
    await inclusionProof(leafHashes, 6)
    expect(leafHashes).toEqual(before)
  })

  it('rejects a leaf hash that is not 32 bytes with ET_INTEGRITY_INPUT_INVALID', async () => {
    await expectCode(merkleRoot([new Uint8Array(32), new Uint8Array(31)]), 'ET_INTEGRITY_INPUT_INVALID')
  })
})

describe('inclusionProof', () => {
  it('matches the reference audit path for every index of every size up to 64', async () => {
    const entries = entriesOf(64)
    const leafHashes = leafHashesOf(entries)
    for (let n = 1; n <= 64; n++) {
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(leafHashes.slice(0, n), m, syncSha256)
        expect(proof.map(hex), `index ${m} of ${n}`).toEqual(referencePath(m, entries.slice(0, n)).map(hex))
      }
    }
  })

  it('matches the reference audit path for sampled indices of every size from 65 to 300', async () => {
    const entries = entriesOf(300)
    const leafHashes = leafHashesOf(entries)
    for (let n = 65; n <= 300; n++) {
      for (const m of sampleIndices(n)) {
        const proof = await inclusionProof(leafHashes.slice(0, n), m, syncSha256)
        expect(proof.map(hex), `index ${m} of ${n}`).toEqual(referencePath(m, entries.slice(0, n)).map(hex))
      }
    }
  })

  it('makes proofs that verifyInclusion accepts against merkleRoot, for every index up to size 64', async () => {
    const leafHashes = leafHashesOf(entriesOf(64))
    for (let n = 1; n <= 64; n++) {
      const tree = leafHashes.slice(0, n)
      const root = await merkleRoot(tree, syncSha256)
      for (let index = 0; index < n; index++) {
        const proof = await inclusionProof(tree, index, syncSha256)
        expect(await verifyInclusion({ leafHash: tree[index]!, index, treeSize: n, proof, root }, syncSha256)).toBe(true)
      }
    }
  })

  it('matches the Certificate Transparency reference inclusion proofs', async () => {
    for (const vector of CT_PROOFS) {
      const proof = await inclusionProof(ctLeafHashes.slice(0, vector.size), vector.index)
      expect(proof.map(hex)).toEqual(vector.proof)
    }
  })

  it('gives identical proofs with Web Crypto and with node:crypto', async () => {
    const leafHashes = leafHashesOf(entriesOf(21))
    for (const index of [0, 7, 16, 20]) {
      expect(await inclusionProof(leafHashes, index)).toEqual(await inclusionProof(leafHashes, index, syncSha256))
    }
  })

  it('hashes fewer than n interior nodes', async () => {
    const leafHashes = leafHashesOf(entriesOf(300))
    for (const index of [0, 150, 255, 256, 299]) {
      let calls = 0
      const counting = (data: Uint8Array): Uint8Array => {
        calls++
        return syncSha256(data)
      }
      await inclusionProof(leafHashes, index, counting)
      expect(calls, `index ${index}`).toBeLessThan(300)
    }
  })

  it.each([
    ['negative', -1],
    ['equal to the size', 5],
    ['fractional', 1.5],
    ['NaN', NaN],
  ])('rejects an index that is %s with ET_INTEGRITY_INPUT_INVALID', async (_name, index) => {
    await expectCode(inclusionProof(leafHashesOf(entriesOf(5)), index), 'ET_INTEGRITY_INPUT_INVALID')
  })

  it('rejects any index into the empty tree', async () => {
    await expectCode(inclusionProof([], 0), 'ET_INTEGRITY_INPUT_INVALID')
  })
})
