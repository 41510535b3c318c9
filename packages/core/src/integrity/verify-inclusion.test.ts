import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { inclusionProof, merkleRoot } from './merkle-tree'
import { verifyInclusion } from './verify-inclusion'
import type { InclusionProofInput } from './verify-inclusion'

const syncSha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest())

const leafHashesOf = (n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => syncSha256(new TextEncoder().encode(`\u0000leaf ${i}`)))

// Flips one bit of a copy.
function flipped(bytes: Uint8Array, at: number): Uint8Array {
  const copy = new Uint8Array(bytes)
  copy[at % copy.length]! ^= 1 << at % 8
  return copy
}

// Sides on which the audit path's siblings sit, leaf-first, per RFC 6962 §2.1.1 PATH(m, D[n]).
function pathShape(m: number, n: number): string {
  if (n === 1) return ''
  const k = 2 ** Math.floor(Math.log2(n - 1))
  return m < k ? pathShape(m, k) + 'R' : pathShape(m - k, n - k) + 'L'
}

interface Tree {
  leafHashes: Uint8Array[]
  root: Uint8Array
}

async function treeOf(n: number): Promise<Tree> {
  const leafHashes = leafHashesOf(n)
  return { leafHashes, root: await merkleRoot(leafHashes, syncSha256) }
}

async function validInput(tree: Tree, index: number): Promise<InclusionProofInput> {
  const proof = await inclusionProof(tree.leafHashes, index, syncSha256)
  return { leafHash: tree.leafHashes[index]!, index, treeSize: tree.leafHashes.length, proof, root: tree.root }
}

const verify = (input: InclusionProofInput): Promise<boolean> => verifyInclusion(input, syncSha256)

describe('verifyInclusion', () => {
  it('accepts the Certificate Transparency reference proof for index 5 of 8 with Web Crypto', async () => {
    const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'))
    const leafHash = syncSha256(Uint8Array.of(0x00, 0x40, 0x41, 0x42, 0x43))
    const ok = await verifyInclusion({
      leafHash,
      index: 5,
      treeSize: 8,
      proof: [
        fromHex('bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'),
        fromHex('ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0'),
        fromHex('d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'),
      ],
      root: fromHex('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'),
    })
    expect(ok).toBe(true)
  })

  it('rejects a proof with any single bit flipped in any element, for every index up to size 64', async () => {
    for (let n = 2; n <= 64; n++) {
      const tree = await treeOf(n)
      for (let index = 0; index < n; index++) {
        const input = await validInput(tree, index)
        for (let j = 0; j < input.proof.length; j++) {
          const proof = input.proof.map((p, i) => (i === j ? flipped(p, index * 31 + j * 7) : p))
          expect(await verify({ ...input, proof }), `element ${j}, index ${index} of ${n}`).toBe(false)
        }
      }
    }
  })

  it('rejects every other index with the same proof, for every index up to size 64', async () => {
    for (let n = 2; n <= 64; n++) {
      const tree = await treeOf(n)
      for (let index = 0; index < n; index++) {
        const input = await validInput(tree, index)
        for (let other = 0; other < n; other++) {
          if (other === index) continue
          expect(await verify({ ...input, index: other }), `index ${other} for ${index} of ${n}`).toBe(false)
        }
      }
    }
  })

  it('accepts another tree size only when it gives the leaf the same audit-path shape', async () => {
    // An inclusion proof binds the size only through the path's shape (e.g. leaf 0 of 3 and of 4
    // share one), so the ledger must authenticate the size itself; this pins exactly when it can slip.
    let rejected = 0
    for (let n = 1; n <= 32; n++) {
      const tree = await treeOf(n)
      for (let index = 0; index < n; index++) {
        const input = await validInput(tree, index)
        for (let size = 0; size <= 64; size++) {
          if (size === n) continue
          const sameShape = index < size && pathShape(index, size) === pathShape(index, n)
          const ok = await verify({ ...input, treeSize: size })
          expect(ok, `index ${index} of ${n} claimed as of ${size}`).toBe(sameShape)
          if (!ok) rejected++
        }
      }
    }
    expect(rejected).toBeGreaterThan(0)
  })

  it('rejects a changed leaf hash or root, for every index up to size 64', async () => {
    for (let n = 1; n <= 64; n++) {
      const tree = await treeOf(n)
      for (let index = 0; index < n; index++) {
        const input = await validInput(tree, index)
        expect(await verify({ ...input, leafHash: flipped(input.leafHash, index) })).toBe(false)
        expect(await verify({ ...input, root: flipped(input.root, index + 3) })).toBe(false)
      }
    }
  })

  it('rejects a proof with an element added, removed or swapped', async () => {
    const tree = await treeOf(45)
    for (const index of [0, 13, 31, 32, 44]) {
      const input = await validInput(tree, index)
      const p = input.proof
      expect(await verify({ ...input, proof: [...p, tree.root] })).toBe(false)
      expect(await verify({ ...input, proof: [tree.root, ...p] })).toBe(false)
      expect(await verify({ ...input, proof: p.slice(0, -1) })).toBe(false)
      expect(await verify({ ...input, proof: p.slice(1) })).toBe(false)
      expect(await verify({ ...input, proof: [p[1]!, p[0]!, ...p.slice(2)] })).toBe(false)
    }
  })

  it('rejects a random single-byte change to leaf, root or proof in trees of up to 300 leaves', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('leaf', 'root', 'proof'),
        async (n, indexSeed, at, target) => {
          const tree = await treeOf(n)
          const input = await validInput(tree, indexSeed % n)
          expect(await verify(input)).toBe(true)
          if (target === 'leaf') expect(await verify({ ...input, leafHash: flipped(input.leafHash, at) })).toBe(false)
          if (target === 'root') expect(await verify({ ...input, root: flipped(input.root, at) })).toBe(false)
          if (target === 'proof' && input.proof.length > 0) {
            const j = at % input.proof.length
            const proof = input.proof.map((p, i) => (i === j ? flipped(p, at) : p))
            expect(await verify({ ...input, proof })).toBe(false)
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('resolves false, never throws, for arbitrary junk input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (junk) => {
        expect(await verifyInclusion(junk as InclusionProofInput)).toBe(false)
      }),
    )
  })

  it.each<[string, (good: InclusionProofInput) => unknown]>([
    ['a negative index', (good) => ({ ...good, index: -1 })],
    ['an index equal to the tree size', (good) => ({ ...good, index: good.treeSize })],
    ['a fractional index', (good) => ({ ...good, index: 0.5 })],
    ['a NaN tree size', (good) => ({ ...good, treeSize: NaN })],
    ['an unsafe tree size', (good) => ({ ...good, treeSize: 2 ** 53 })],
    ['a bigint index', (good) => ({ ...good, index: 1n })],
    ['a tree size of 0', (good) => ({ ...good, index: 0, treeSize: 0 })],
    ['a 31-byte proof element', (good) => ({ ...good, proof: [good.proof[0]!.subarray(1), ...good.proof.slice(1)] })],
    ['a hex-string leaf hash', (good) => ({ ...good, leafHash: Buffer.from(good.leafHash).toString('hex') })],
    ['a 33-byte root', (good) => ({ ...good, root: new Uint8Array(33) })],
    ['a proof that is not an array', (good) => ({ ...good, proof: { length: 1, 0: good.proof[0] } })],
    ['a proof of 10,000 elements', (good) => ({ ...good, proof: Array.from({ length: 10_000 }, () => good.proof[0]) })],
    ['null', () => null],
    [
      'an object whose getter throws',
      (good) => ({
        ...good,
        get proof(): never {
          throw new Error('boom')
        },
      }),
    ],
  ])('resolves false for %s', async (_name, corrupt) => {
    const good = await validInput(await treeOf(6), 1)
    expect(await verify(good)).toBe(true)
    expect(await verifyInclusion(corrupt(good) as InclusionProofInput, syncSha256)).toBe(false)
  })

  it('rejects with ET_CRYPTO_UNAVAILABLE rather than answering when hashing itself fails', async () => {
    const good = await validInput(await treeOf(6), 1)
    const broken = (): Uint8Array => {
      throw Object.assign(new Error('no crypto'), { name: 'EchotrailError', code: 'ET_CRYPTO_UNAVAILABLE' })
    }
    await expect(verifyInclusion(good, broken)).rejects.toMatchObject({ code: 'ET_CRYPTO_UNAVAILABLE' })
  })
})
