import { describe, expect, it } from 'vitest'
import { BROWSER_DEFAULTS, resolveOptions } from './options'

describe('resolveOptions', () => {
  it('fills every default once', () => {
    const resolved = resolveOptions({ publishableKey: 'et_pk_x' })
    expect(typeof resolved).toBe('object')
    expect(resolved).toMatchObject({ ...BROWSER_DEFAULTS, publishableKey: 'et_pk_x' })
  })

  it('refuses a secret key instead of throwing', () => {
    expect(resolveOptions({ publishableKey: 'et_sk_secret' })).toMatch(/publishable key/)
  })

  it('drops trailing slashes from the endpoint and lower-cases the header name', () => {
    const resolved = resolveOptions({ publishableKey: 'et_pk_x', endpoint: 'https://c.example/', requestIdHeader: 'X-Request-ID' })
    expect(resolved).toMatchObject({ endpoint: 'https://c.example', requestIdHeader: 'x-request-id' })
  })
})
