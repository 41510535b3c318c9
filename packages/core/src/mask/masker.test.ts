import { describe, expect, it } from 'vitest'
import { isEchotrailError } from '../errors'
import { createMasker, defaultMasker } from './masker'

const { mask, maskToJson } = defaultMasker

describe('createMasker', () => {
  it('masks the value under a secret key whatever its type', () => {
    const masked = mask({ password: 'hunter2', token: 12345, cookie: { sid: 'abc' }, secret: ['a'], api_key: null })
    expect(masked).toEqual({ password: '********', token: '********', cookie: '********', secret: '********', api_key: '********' })
  })

  it('masks a request event the way DESIGN §2 describes', () => {
    const masked = mask({
      method: 'POST',
      max_tokens: 4096,
      request_body: { user: { email: 'a@example.com', user_password: 'pw' }, note: 'card 4111 1111 1111 1111' },
      metadata: { headers: { Authorization: 'Bearer abc.def.ghijkl', 'X-Api-Key': 'et_sk_0123456789abcdef', 'user-agent': 'curl/8' } },
    })
    expect(masked).toEqual({
      method: 'POST',
      max_tokens: 4096,
      request_body: { user: { email: 'a@example.com', user_password: '********' }, note: 'card ************1111' },
      metadata: { headers: { Authorization: '********', 'X-Api-Key': '********', 'user-agent': 'curl/8' } },
    })
  })

  it('masks a card that arrives as a JSON number or a bigint', () => {
    expect(mask({ n: 4111111111111111, b: 4111111111111111n })).toEqual({ n: '************1111', b: '************1111' })
  })

  it('never reads the value under a secret key', () => {
    let reads = 0
    const value = {
      get password() {
        reads++
        return 'pw'
      },
    }
    expect(mask(value)).toEqual({ password: '********' })
    expect(reads).toBe(0)
  })

  it('adds extra keys and patterns to the defaults', () => {
    const masker = createMasker({ extraKeys: ['ssn', /^x-internal-/i], extraPatterns: [/\bIBAN[A-Z0-9]+/g] })
    expect(masker.mask({ SSN: '1', 'X-Internal-Trace': 't', password: 'p', note: 'pay IBANDE89370400440532013000' })).toEqual({
      SSN: '********',
      'X-Internal-Trace': '********',
      password: '********',
      note: 'pay ********',
    })
  })

  it('replaces a cycle with "[Circular]"', () => {
    const node: Record<string, unknown> = { name: 'a' }
    node.self = node
    node.list = [node]
    expect(mask(node)).toEqual({ name: 'a', self: '[Circular]', list: ['[Circular]'] })
  })

  it('copies an object met twice outside a cycle both times', () => {
    const shared = { id: 1 }
    expect(mask({ a: shared, b: shared })).toEqual({ a: { id: 1 }, b: { id: 1 } })
  })

  it('replaces containers past maxDepth with "[Truncated]"', () => {
    expect(createMasker({ maxDepth: 2 }).mask({ a: { b: { c: 1 }, d: 2 } })).toEqual({ a: { b: '[Truncated]', d: 2 } })
  })

  it('handles 10,000 levels of nesting without overflowing the stack', () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 10_000; i++) deep = i % 2 === 0 ? { child: deep } : [deep]
    const json = maskToJson(deep)
    expect(json).toContain('"[Truncated]"')
    expect(JSON.parse(json)).toBeTruthy()
  })

  it('turns a throwing getter into a marker and keeps the rest', () => {
    const value = {
      ok: 1,
      get broken(): never {
        throw new Error('boom')
      },
    }
    expect(mask(value)).toEqual({ ok: 1, broken: '[Unserializable]' })
  })

  it('turns a throwing toJSON or a revoked proxy into a marker', () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    const throwing = {
      toJSON(): never {
        throw new Error('boom')
      },
    }
    expect(mask({ a: throwing, b: proxy, c: 1 })).toEqual({ a: '[Unserializable]', b: '[Unserializable]', c: 1 })
  })

  it('follows JSON.stringify for toJSON, Date, undefined, functions and symbols', () => {
    const value = { d: new Date(0), u: undefined, f: () => 1, s: Symbol('s'), list: [undefined, () => 1, Symbol('t')], custom: { toJSON: () => ({ v: 1 }) } }
    expect(mask(value)).toEqual({ d: '1970-01-01T00:00:00.000Z', list: [null, null, null], custom: { v: 1 } })
  })

  it('writes NaN and Infinity as null, as JSON does', () => {
    expect(mask([Number.NaN, Number.POSITIVE_INFINITY, -0])).toEqual([null, null, 0])
  })

  it('turns bigint, Map, Set and typed arrays into plain JSON, masking inside them', () => {
    const value = { big: 12n, map: new Map<string, unknown>([['password', 'p'], ['ok', 1]]), set: new Set(['x']), bytes: new Uint8Array([1, 2]) }
    expect(mask(value)).toEqual({ big: '12', map: { password: '********', ok: 1 }, set: ['x'], bytes: [1, 2] })
  })

  it('returns null for a top-level value JSON cannot hold', () => {
    expect(mask(undefined)).toBeNull()
    expect(maskToJson(() => 1)).toBe('null')
  })

  it('keeps a "__proto__" key as data', () => {
    const value = JSON.parse('{"__proto__": {"password": "p"}}') as unknown
    const masked = mask(value) as Record<string, unknown>
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype)
    expect(Object.keys(masked)).toEqual(['__proto__'])
    expect(maskToJson(value)).toBe('{"__proto__":{"password":"********"}}')
  })

  it('escapes strings and keys exactly as JSON.stringify does', () => {
    const value = { 'k"\n': 'quote " backslash \\ tab \t nul \u0000 lone \ud800 pair 😀' }
    expect(maskToJson(value)).toBe(JSON.stringify(value))
  })

  it('works as detached functions', () => {
    expect(maskToJson({ token: 't' })).toBe('{"token":"********"}')
  })

  it('rejects invalid options with ET_CONFIG_INVALID', () => {
    for (const options of [{ maxDepth: 0 }, { maxDepth: 1.5 }, { maxDepth: 100_000 }, { maxStringChars: 5 }, { extraKeys: ['--'] }, { extraPatterns: ['x' as unknown as RegExp] }]) {
      let caught: unknown
      try {
        createMasker(options)
      } catch (err) {
        caught = err
      }
      expect(isEchotrailError(caught) && caught.code === 'ET_CONFIG_INVALID', JSON.stringify(options)).toBe(true)
    }
  })

  it('says in the error what the option takes and what it got', () => {
    expect(() => createMasker({ maxDepth: 0 })).toThrow('mask: maxDepth must be an integer from 1 to 1000, got 0')
    expect(() => createMasker({ maxStringChars: 5 })).toThrow(/^mask: maxStringChars must be an integer of at least \d+, got 5$/)
    expect(() => createMasker({ extraKeys: ['--'] })).toThrow('mask: extraKeys must be RegExps or names with a letter or digit, got --')
  })
})
