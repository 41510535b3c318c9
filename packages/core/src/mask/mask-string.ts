import { maskCards } from './mask-cards'
import { createUrlSecretMasker } from './mask-url'
import { MASKED, STRING_TRUNCATED } from './markers'
import type { SecretKeyTest } from './secret-keys'

/**
 * Masks secrets inside one string value: URL secrets (secret-named parameters,
 * userinfo passwords), auth schemes (`Bearer …`, `Basic …`), Echotrail and BatAudit
 * keys (`et_sk_…`, `et_pk_…`, `bat_…`, the prefix kept), card numbers, then the
 * user's patterns. Long strings are cut first, so the cost of one string is bounded
 * whatever arrives.
 */

// Credentials are token68 (RFC 7235): letters, digits, -._~+/ then optional '=' padding.
// At least eight characters, so prose ("the bearer of", "Basic plan") stays readable.
// Each part consumes a character class disjoint from the next one, so matching is linear.
export const SECRET_IN_TEXT = /\b(?:(bearer|basic)\s+[A-Za-z0-9\-._~+/]{8,}=*|(et_sk_|et_pk_|bat_)[A-Za-z0-9_]{8,})/gi

// A plain search is several times cheaper than a replace that finds nothing.
const SECRET_HINT = /bearer|basic|et_[sp]k_|bat_/i

// Nothing built in can match a shorter string (`bat_` + 8 characters).
const MIN_SECRET_CHARS = 12

// One alternative matched: a scheme (kept, with one space) or a key prefix (kept).
export const replaceSecret = (_match: string, scheme: string | undefined, prefix: string): string => (scheme ? `${scheme} ` : prefix) + MASKED

// An empty match would insert a mask between every pair of characters.
export const replacePattern = (match: string): string => match && MASKED

// The start of an authority with a ':' and nothing yet that ends it or closes userinfo.
const OPEN_USERINFO = /^[^\s/?#@]*:[^\s/?#@]*$/

const isDigitOrSeparator = (code: number): boolean => (code >= 48 && code <= 57) || code === 32 || code === 45

/** Masks secrets inside strings with compiled rules. */
export type StringMasker = (text: string) => string

/** Compiles the string rules once; `isSecretKey` judges URL parameter names as object keys are judged. */
export function createStringMasker(extraPatterns: readonly RegExp[], maxStringChars: number, isSecretKey: SecretKeyTest): StringMasker {
  const patterns = compilePatterns(extraPatterns)
  const maskUrlSecrets = createUrlSecretMasker(isSecretKey)

  return (text) => {
    // URL secrets can hide in short strings (`pwd=x`), so this rule runs whatever the length,
    // and first: a masked parameter value can leave a card standing alone.
    let out = maskUrlSecrets(text.length > maxStringChars ? cut(text, maxStringChars) : text)
    if (out.length >= MIN_SECRET_CHARS) {
      if (SECRET_HINT.test(out)) out = out.replace(SECRET_IN_TEXT, replaceSecret)
      const carded = maskCards(out)
      // A masked card loses its spaces, which can join `user:` to a later '@' as userinfo;
      // reading URLs again now keeps a second pass from finding it.
      if (carded !== out) out = maskUrlSecrets(carded)
    }
    for (const pattern of patterns) out = out.replace(pattern, replacePattern)
    // A 13-digit card or a short pattern match grows when masked; cutting again keeps
    // the result within the cap, so a second pass never cuts (masking is idempotent).
    return out.length > maxStringChars ? cut(out, maxStringChars) : out
  }
}

/** The user's patterns as global RegExps, so each replaces every match. */
export const compilePatterns = (extraPatterns: readonly RegExp[]): RegExp[] =>
  extraPatterns.map((p) => new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`))

/** `text` shortened to `maxChars` including the marker. */
export function cut(text: string, maxChars: number): string {
  let end = maxChars - STRING_TRUNCATED.length
  const high = text.charCodeAt(end - 1)
  if (high >= 0xd800 && high <= 0xdbff) end--
  // A card cut in two is no longer Luhn-valid and would pass unmasked: drop the
  // whole digit run the cut falls in.
  if (isDigitOrSeparator(text.charCodeAt(end))) {
    while (end > 0 && isDigitOrSeparator(text.charCodeAt(end - 1))) end--
  }
  // Likewise a password cut before its '@' no longer reads as userinfo: drop the
  // whole authority (`user:pass` or `host:port`) the cut falls in, keeping `scheme://`.
  const scheme = text.lastIndexOf('://', end - 1)
  if (scheme !== -1 && OPEN_USERINFO.test(text.slice(scheme + 3, end))) end = scheme + 3
  return text.slice(0, end) + STRING_TRUNCATED
}
