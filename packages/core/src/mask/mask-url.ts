import { MASKED } from './markers'
import type { SecretKeyTest } from './secret-keys'

/**
 * Secrets that URLs carry inside plain strings: the value of a query, fragment or
 * form-body parameter whose name is a secret key (`?access_token=…`, `#access_token=…`,
 * `api_key=…&x=1`), and the password of `scheme://user:password@host`. Only the
 * secret part becomes `********`; names, other parameters and the rest of the text
 * stay as they were.
 */

// A parameter starts the text or follows a URL separator (?&#;), whitespace or a quote,
// so form bodies and `key=value` log lines read like query strings. Its value stops at
// the next separator: a URL nested in another's value (`?next=/cb?token=…`) has its own
// parameters read. Names and separators share no character, so each match scans its
// text once. Stars are no name character, so a name a user pattern broke up never
// matches anew; the value stops before `…`, so a string cut inside a value keeps its
// `…[Truncated]` marker.
export const PARAM = /(^|[?&#;\s"'])([\w.\-[\]%]+)=([^?&#;\s"'<>…]+)/g

// userinfo (RFC 3986 §3.2.1): the user stops at the first ':', the password runs to
// the last '@' before the path, query or fragment, as URL parsers read it.
export const USERINFO = /(:\/\/[^\s/?#@:]*:)[^\s/?#]+@/g

// A string cut through a masked value ends in a few stars; left alone, a second pass
// changes nothing, and stars hold nothing to hide. (A cut inside userinfo drops the
// whole authority instead: see `cut` in mask-string.ts.)
const ONLY_STARS = /^\*+$/

/** What `USERINFO` is replaced by: the password masked, the rest kept. */
export const USERINFO_MASK = `$1${MASKED}@`

/** The `replace` callback of `PARAM`: masks a value whose parameter name `isSecretKey` judges secret. */
export const createParamReplacer =
  (isSecretKey: SecretKeyTest) =>
  (match: string, before: string, name: string, value: string): string =>
    isSecretKey(name) && !ONLY_STARS.test(value) ? `${before}${name}=${MASKED}` : match

/** Masks URL-borne secrets inside one string. */
export type UrlSecretMasker = (text: string) => string

/** Builds the URL rule around `isSecretKey`, the test object keys are judged by. */
export function createUrlSecretMasker(isSecretKey: SecretKeyTest): UrlSecretMasker {
  const replaceParam = createParamReplacer(isSecretKey)

  return (text) => {
    // A plain search is far cheaper than a replace that finds nothing.
    let out = text
    if (out.includes('://')) out = out.replace(USERINFO, USERINFO_MASK)
    if (out.includes('=')) out = out.replace(PARAM, replaceParam)
    return out
  }
}
