import { describe, expect, it } from 'vitest'
import { createStringMasker } from './mask-string'
import { createSecretKeyTest } from './secret-keys'

const isSecretKey = createSecretKeyTest([])
const maskString = createStringMasker([], 16_384, isSecretKey)

describe('createStringMasker', () => {
  it('masks bearer and basic credentials, keeping the scheme', () => {
    expect(maskString('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_~+/==')).toBe('Bearer ********')
    expect(maskString('auth: basic dXNlcjpwYXNzd29yZA==, next')).toBe('auth: basic ********, next')
    expect(maskString('BEARER abcdefgh12345678')).toBe('BEARER ********')
  })

  it('leaves prose that merely contains the words alone', () => {
    expect(maskString('the bearer of this letter')).toBe('the bearer of this letter')
    expect(maskString('upgraded to the Basic plan')).toBe('upgraded to the Basic plan')
  })

  it('masks Echotrail and BatAudit keys down to their prefix', () => {
    expect(maskString('key et_sk_3f9a8b7c6d5e4f3a in logs')).toBe('key et_sk_******** in logs')
    expect(maskString('et_pk_live_abcdefgh and bat_0123456789abcdef')).toBe('et_pk_******** and bat_********')
  })

  it('does not read a key prefix inside a longer word', () => {
    expect(maskString('combat_readiness_level')).toBe('combat_readiness_level')
  })

  it('masks card numbers inside the text', () => {
    expect(maskString('card 4111-1111-1111-1111 ok')).toBe('card ************1111 ok')
  })

  it('masks URL secrets, even in strings too short for the other rules', () => {
    expect(maskString('pwd=x')).toBe('pwd=********')
    expect(maskString('see https://api.test/x?api_key=SECRET&page=2')).toBe('see https://api.test/x?api_key=********&page=2')
  })

  it('masks a card left standing alone once a parameter value beside it is masked', () => {
    const once = maskString('?token=12 4111 1111 1111 1111')
    expect(once).toBe('?token=******** ************1111')
    expect(maskString(once)).toBe(once)
  })

  it('masks userinfo that a masked card joins up, so a second pass finds nothing new', () => {
    const once = maskString('https://u:4111 1111 1111 1111@host/x')
    expect(once).toBe('https://u:********@host/x')
    expect(maskString(once)).toBe(once)
  })

  it('drops the authority a cut falls in, so no password prefix survives', () => {
    const text = `${'a'.repeat(20)} https://user:supersecretpassword@host/x`
    expect(createStringMasker([], 48, isSecretKey)(text)).toBe(`${'a'.repeat(20)} https://…[Truncated]`)
  })

  it('keeps an authority the cut falls after', () => {
    const text = `https://user:pw@host/${'p'.repeat(100)}`
    expect(createStringMasker([], 40, isSecretKey)(text)).toBe(`https://user:********@host/${'p'.repeat(1)}…[Truncated]`)
  })

  it('replaces each match of an extra pattern, global or not', () => {
    const withPatterns = createStringMasker([/\b\d{3}-\d{2}-\d{4}\b/, /secret-\w+/g], 16_384, isSecretKey)
    expect(withPatterns('ssn 123-45-6789 and 987-65-4321, secret-abc')).toBe('ssn ******** and ********, ********')
  })

  it('ignores empty matches of an extra pattern', () => {
    expect(createStringMasker([/x*/g], 16_384, isSecretKey)('abc')).toBe('abc')
  })

  it('cuts a long string to the cap, ending with the marker', () => {
    const masked = createStringMasker([], 100, isSecretKey)('a'.repeat(1_000))
    expect(masked).toHaveLength(100)
    expect(masked.endsWith('…[Truncated]')).toBe(true)
  })

  it('drops a card the cut would split instead of leaving its head', () => {
    const text = `${'a'.repeat(80)} 4111 1111 1111 1111 tail`
    const masked = createStringMasker([], 100, isSecretKey)(text)
    expect(masked).toBe(`${'a'.repeat(80)}…[Truncated]`)
  })

  it('never cuts a surrogate pair in half', () => {
    const masked = createStringMasker([], 40, isSecretKey)('😀'.repeat(100))
    expect(masked).toMatch(/^(😀)+…\[Truncated\]$/u)
  })

  it('keeps a string within the cap even when masking lengthens it', () => {
    const capped = createStringMasker([/x/g], 50, isSecretKey)
    expect(capped('x'.repeat(50)).length).toBeLessThanOrEqual(50)
  })

  it('masks a 10 MB string in bounded time by cutting it before any pattern runs', () => {
    // Single digits with separators are the costliest input for the card scan.
    const huge = '1 '.repeat(5 * 1024 * 1024)
    const started = performance.now()
    const masked = maskString(huge)
    expect(performance.now() - started).toBeLessThan(250)
    expect(masked.length).toBeLessThanOrEqual(16_384)
  })
})
