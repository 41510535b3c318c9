import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { secretKeySpelling } from './arbitraries'
import { createSecretKeyTest, DEFAULT_SECRET_KEY_ENDINGS, DEFAULT_SECRET_KEYS, normaliseKey } from './secret-keys'

const isSecret = createSecretKeyTest([])

describe('normaliseKey', () => {
  it('lower-cases and keeps only letters and digits', () => {
    expect(normaliseKey('X-Api-Key')).toBe('xapikey')
    expect(normaliseKey('api_key')).toBe('apikey')
    expect(normaliseKey('apiKey')).toBe('apikey')
    expect(normaliseKey('Set-Cookie')).toBe('setcookie')
  })
})

describe('createSecretKeyTest', () => {
  it('catches the spellings of default secret keys that headers and bodies use', () => {
    for (const key of ['X-Api-Key', 'api-key', 'apiKey', 'user_password', 'Set-Cookie', 'accessToken', 'client-secret', 'Authorization', 'PRIVATE_KEY', 'pwd', 'passwd']) {
      expect(isSecret(key), key).toBe(true)
    }
  })

  it('catches every default key in any case, separator and prefix', () => {
    fc.assert(
      fc.property(secretKeySpelling, (key) => {
        expect(isSecret(key), key).toBe(true)
      }),
    )
  })

  it('leaves AI usage metrics and other near misses alone', () => {
    for (const key of ['max_tokens', 'token_count', 'tokens_used', 'prompt_tokens', 'tokenizer', 'cookies_enabled', 'secretary', 'password_changed_at', 'keyboard']) {
      expect(isSecret(key), key).toBe(false)
    }
  })

  it('adds extra names, normalised like the defaults', () => {
    const withExtra = createSecretKeyTest(['session-id'])
    expect(withExtra('Session_ID')).toBe(true)
    expect(withExtra('x_session_id')).toBe(true)
    expect(isSecret('session_id')).toBe(false)
  })

  it('tests extra RegExps against the raw key, the same way on every call', () => {
    const withPattern = createSecretKeyTest([/^ssn$/gi])
    expect(withPattern('SSN')).toBe(true)
    // A global RegExp would remember lastIndex and fail every other call.
    expect(withPattern('SSN')).toBe(true)
    expect(withPattern('ssn_last4')).toBe(false)
  })

  it('lists the default keys of the design and the unambiguous additions', () => {
    expect(DEFAULT_SECRET_KEYS).toContain('set-cookie')
    expect(DEFAULT_SECRET_KEYS).toEqual(expect.arrayContaining(['passwords', 'cookies', 'secret_key', 'access_key', 'credential', 'credentials']))
    expect(DEFAULT_SECRET_KEYS).toHaveLength(20)
  })

  it('catches secret keys, credentials, plurals and AWS-style names', () => {
    for (const key of ['secret_key', 'STRIPE_SECRET_KEY', 'access_key', 'aws_secret_access_key', 'AWS_ACCESS_KEY', 'credentials', 'credential', 'googleCredentials', 'passwords', 'old_passwords', 'cookies', 'req.cookies']) {
      expect(isSecret(key), key).toBe(true)
    }
  })

  it('catches session, id and CSRF tokens through the token suffix', () => {
    for (const key of ['session_token', 'sessionToken', 'id_token', 'X-CSRF-Token', 'aws_session_token']) {
      expect(isSecret(key), key).toBe(true)
    }
  })

  it('leaves names that merely contain a secret word alone', () => {
    for (const key of ['monkey', 'turkey', 'primary_key', 'key', 'access_key_id', 'credential_id', 'credentials_type', 'passwords_match', 'cookies_accepted', 'secret_keys_count', 'session_id', 'token_type', 'max_tokens', 'token_count', 'tokens_used', 'keyboard']) {
      expect(isSecret(key), key).toBe(false)
    }
  })
})

describe('DEFAULT_SECRET_KEY_ENDINGS', () => {
  const endsWithDefault = new RegExp(`(?:${DEFAULT_SECRET_KEY_ENDINGS})$`)
  // Keys made of pieces of the default names, so near misses (`passwor`, `tokens`, `apikeys`) come up often.
  const pieces = [...new Set(DEFAULT_SECRET_KEYS.flatMap((name) => normaliseKey(name).match(/.{1,4}/g)!))]
  const nearKey = fc.array(fc.oneof(fc.constantFrom(...pieces), fc.constantFrom(...DEFAULT_SECRET_KEYS.map(normaliseKey)), fc.string({ maxLength: 2 })), { maxLength: 5 }).map((parts) => parts.join(''))

  it('matches the normal form of every default name', () => {
    for (const name of DEFAULT_SECRET_KEYS) expect(endsWithDefault.test(normaliseKey(name)), name).toBe(true)
  })

  it('judges any key as the default names do', () => {
    fc.assert(
      fc.property(fc.oneof(nearKey, secretKeySpelling), (key) => {
        expect(endsWithDefault.test(normaliseKey(key)), key).toBe(isSecret(key))
      }),
      { numRuns: 2_000 },
    )
  })
})
