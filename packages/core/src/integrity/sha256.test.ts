import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { digest, webCryptoSha256 } from './sha256'

const nodeSha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest()

describe('webCryptoSha256', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('equals node:crypto SHA-256 on random inputs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (data) => {
        expect(await webCryptoSha256(data)).toEqual(new Uint8Array(nodeSha256(data)))
      }),
      { numRuns: 300 },
    )
  })

  it('matches the FIPS 180-2 "abc" known answer', async () => {
    const digestHex = Buffer.from(await webCryptoSha256(new TextEncoder().encode('abc'))).toString('hex')
    expect(digestHex).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('hashes only the bytes a view covers', async () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5, 6])
    const view = whole.subarray(2, 5)
    expect(await webCryptoSha256(view)).toEqual(new Uint8Array(nodeSha256(new Uint8Array([3, 4, 5]))))
  })

  it('hashes a view over a SharedArrayBuffer', async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(3))
    shared.set([7, 8, 9])
    expect(await webCryptoSha256(shared)).toEqual(new Uint8Array(nodeSha256(new Uint8Array([7, 8, 9]))))
  })

  it('rejects with ET_CRYPTO_UNAVAILABLE when Web Crypto is missing', async () => {
    vi.stubGlobal('crypto', undefined)
    await expect(webCryptoSha256(new Uint8Array(1))).rejects.toMatchObject({ code: 'ET_CRYPTO_UNAVAILABLE' })
  })
})

describe('digest', () => {
  it('turns a Buffer result into a plain Uint8Array with the same bytes', async () => {
    const out = await digest(nodeSha256, new Uint8Array([1]))
    expect(out.constructor).toBe(Uint8Array)
    expect(out).toEqual(new Uint8Array(nodeSha256(new Uint8Array([1]))))
  })

  it('rejects a sha256 function that returns the wrong number of bytes', async () => {
    await expect(digest(() => new Uint8Array(20), new Uint8Array(1))).rejects.toMatchObject({ code: 'ET_CONFIG_INVALID' })
  })
})
