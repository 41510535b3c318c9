import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { secretParamName } from './arbitraries'
import { createMasker, defaultMasker } from './masker'
import { createUrlSecretMasker } from './mask-url'
import { createSecretKeyTest } from './secret-keys'

const isSecretKey = createSecretKeyTest([])
const maskUrl = createUrlSecretMasker(isSecretKey)

describe('createUrlSecretMasker', () => {
  it('masks the value of a secret query parameter and keeps the rest of the URL', () => {
    expect(maskUrl('/oauth/cb?code=x&access_token=abc123&state=1')).toBe('/oauth/cb?code=x&access_token=********&state=1')
    expect(maskUrl('https://api.test/x?api_key=SECRET')).toBe('https://api.test/x?api_key=********')
  })

  it('masks the password of URL userinfo and keeps user, host and port', () => {
    expect(maskUrl('postgres://user:hunter2@db:5432/app')).toBe('postgres://user:********@db:5432/app')
    expect(maskUrl('https://x-access-token:ghp_abc@github.com/o/r.git')).toBe('https://x-access-token:********@github.com/o/r.git')
  })

  it('reads a password up to the last @ of the authority, as URL parsers do', () => {
    expect(maskUrl('redis://u:p@ss@cache:6379/0?timeout=5')).toBe('redis://u:********@cache:6379/0?timeout=5')
  })

  it('judges parameter names exactly as object keys are judged', () => {
    for (const name of ['access_token', 'apiKey', 'X-Api-Key', 'client_secret', 'password', 'user[password]', 'session_token', 'aws_secret_access_key']) {
      expect(maskUrl(`/x?a=1&${name}=s3cr3t&b=2`), name).toBe(`/x?a=1&${name}=********&b=2`)
    }
  })

  it('leaves parameters whose names only resemble secrets alone', () => {
    const text = '/v1/chat?max_tokens=512&token_count=7&tokens_used=9&keyboard=uk&monkey=1&code=abc&state=xyz&token_type=bearer'
    expect(maskUrl(text)).toBe(text)
  })

  it('masks secrets in fragments, form bodies, HTML-escaped and nested URLs', () => {
    expect(maskUrl('https://app.test/cb#access_token=abc&token_type=bearer')).toBe('https://app.test/cb#access_token=********&token_type=bearer')
    expect(maskUrl('username=ada&password=hunter2&remember=1')).toBe('username=ada&password=********&remember=1')
    expect(maskUrl('<a href="/x?a=1&amp;token=abc">')).toBe('<a href="/x?a=1&amp;token=********">')
    expect(maskUrl('/login?next=/cb?token=abc&x=1')).toBe('/login?next=/cb?token=********&x=1')
    expect(maskUrl('GET /cb?pwd=abc HTTP/1.1')).toBe('GET /cb?pwd=******** HTTP/1.1')
  })

  it('leaves URLs without a password or without a secret value alone', () => {
    for (const text of ['https://user@host/x', 'https://user:@host/x', 'http://localhost:8080/x?y=1', '/x?token=&y=1', 'a==b', 'https://host/x?token']) {
      expect(maskUrl(text), text).toBe(text)
    }
  })

  it('masks names added as extra keys too', () => {
    expect(createUrlSecretMasker(createSecretKeyTest(['ssn']))('/p?ssn=123-45-6789&q=1')).toBe('/p?ssn=********&q=1')
  })

  it('keeps the truncation marker after a value cut short, and leaves a cut mask as it is', () => {
    expect(maskUrl('/x?token=abcdef…[Truncated]')).toBe('/x?token=********…[Truncated]')
    expect(maskUrl('/x?token=****…[Truncated]')).toBe('/x?token=****…[Truncated]')
  })

  it('returns its output unchanged when run on it again', () => {
    for (const text of ['/oauth/cb?code=x&access_token=abc123&state=1', 'postgres://user:hunter2@db:5432/app', 'redis://u:p@ss@cache/0?password=x']) {
      const once = maskUrl(text)
      expect(maskUrl(once)).toBe(once)
    }
  })

  it('scans adversarial text in linear time', () => {
    const inputs = [
      `?${'a'.repeat(1_000_000)}`,
      '?a'.repeat(500_000),
      `://${'a:'.repeat(500_000)}`,
      '://u:'.repeat(200_000),
      `token=${'=a'.repeat(500_000)}`,
      '&x'.repeat(500_000) + '=',
    ]
    const started = performance.now()
    for (const text of inputs) maskUrl(text)
    expect(performance.now() - started).toBeLessThan(500)
  })
})

describe('URL secrets through the masker', () => {
  it('masks URL secrets inside string values of an event', () => {
    const masked = defaultMasker.mask({
      path: '/oauth/cb?code=x&access_token=abc123&state=1',
      target: 'postgres://user:hunter2@db:5432/app',
      query_params: { max_tokens: '512' },
    })
    expect(masked).toEqual({
      path: '/oauth/cb?code=x&access_token=********&state=1',
      target: 'postgres://user:********@db:5432/app',
      query_params: { max_tokens: '512' },
    })
  })

  it('masks a password whose userinfo a long string cut through', () => {
    const text = `${'a'.repeat(60)} mysql://root:correcthorsebatterystaple@db/app`
    const masked = createMasker({ maxStringChars: 90 }).mask(text)
    expect(masked).not.toContain('correct')
    expect(masked).toBe(`${'a'.repeat(60)} mysql://…[Truncated]`)
  })

  it('stays idempotent when the final cut splits a mask that made the string longer', () => {
    const tight = createMasker({ maxStringChars: 24 })
    const once = tight.mask('/?token=a&yyyyyyyyyy')
    expect(once).toBe('/?token=****…[Truncated]')
    expect(tight.mask(once)).toBe(once)
  })

  // Upper-case letters only, 16–24 of them: cannot appear in the output by chance.
  const secret = fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'), minLength: 16, maxLength: 24 })
  const plainName = fc
    .oneof(fc.constantFrom('max_tokens', 'token_count', 'tokens_used', 'keyboard', 'monkey', 'code', 'state', 'page'), fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_-.'), minLength: 1, maxLength: 8 }))
    .filter((name) => !isSecretKey(name))
  // Short lower-case values: no 13-digit run for the card rule, no key prefix, no separator.
  const plainValue = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-._~%+,=:/'), minLength: 1, maxLength: 10 })
  const base = fc.constantFrom('', '/oauth/cb', 'https://api.test/v1/x', 'http://localhost:8080/a/b/', 'GET /cb')

  it('never lets the secret parameter value through and keeps every other parameter as it was', () => {
    fc.assert(
      fc.property(
        base,
        fc.constantFrom('?', '#'),
        fc.array(fc.tuple(plainName, plainValue), { maxLength: 6 }),
        secretParamName,
        secret,
        fc.nat(),
        (url, separator, params, name, planted, at) => {
          const pairs = params.map(([key, value]) => `${key}=${value}`)
          const index = at % (pairs.length + 1)
          const build = (secretValue: string): string => {
            const all = [...pairs.slice(0, index), `${name}=${secretValue}`, ...pairs.slice(index)]
            return `${url}${separator}${all.join('&')}`
          }
          const masked = defaultMasker.mask(build(planted))
          expect(masked).not.toContain(planted)
          expect(masked).toBe(build('********'))
          expect(defaultMasker.mask(masked)).toBe(masked)
        },
      ),
    )
  })

  it('never lets a userinfo password through', () => {
    fc.assert(
      fc.property(fc.constantFrom('postgres', 'https', 'redis', 'amqp'), plainName, secret, plainValue, (scheme, user, planted, path) => {
        const masked = defaultMasker.mask(`${scheme}://${user}:${planted}@db.internal:5432/${path}`)
        expect(masked).toBe(`${scheme}://${user}:********@db.internal:5432/${path}`)
      }),
    )
  })
})
