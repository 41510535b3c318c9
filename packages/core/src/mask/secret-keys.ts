/**
 * Which object keys hold secrets. Keys are normalised (lower case, only `a-z0-9`
 * kept) so `X-Api-Key`, `api-key` and `apiKey` look alike, then a key is secret
 * when it equals a secret name or ends with one: `user_password` and `x_api_key`
 * are caught, while `max_tokens`, `token_count` and `tokens_used` (AI usage
 * metrics) are not, because `token` is neither all of them nor their ending.
 * The same test judges the names of URL parameters inside strings (mask-url.ts).
 */

// DESIGN §2's names, then the added ones. Suffix matching already catches `session_token`,
// `id_token`, `csrf_token` (by `token`) and `aws_secret_access_key` (by `access_key`);
// plurals need their own entry, since `passwords` does not end in `password`.
// Deliberately absent: `key` (`monkey`, `keyboard`, `primary_key`), `auth`
// (`oauth_provider`), `session`. One string split once: fewer bytes in browser bundles.
/**
 * The secret key names of DESIGN §2, plus a few more that are never anything but
 * secret; matched after normalisation, as a whole key or its ending.
 */
export const DEFAULT_SECRET_KEYS: readonly string[] = /* @__PURE__ */ (
  'password passwd pwd secret token api_key apikey access_token refresh_token authorization cookie set-cookie client_secret private_key ' +
  'passwords cookies secret_key access_key credential credentials'
).split(' ')

/**
 * `DEFAULT_SECRET_KEYS` normalised, as one RegExp alternation a key's normal form must
 * end with: names that end with another (`access_token`, `set-cookie`, `client_secret`)
 * left out, the rest folded. For the browser's compact masker (mask-to-json.ts), which
 * then carries no list; secret-keys.test.ts fails when the two disagree, so a name added
 * above must be added here too.
 */
export const DEFAULT_SECRET_KEY_ENDINGS = 'pass(?:words?|wd)|pwd|secret|token|(?:api|private|secret|access)key|authorization|cookies?|credentials?'

/** Lower-cases `key` and keeps only `a-z0-9`: the form secret names are compared in. */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]+/g, '')
}

/** True when the value under `key` must be masked. */
export type SecretKeyTest = (key: string) => boolean

/** Compiles the default secret names plus `extraKeys` into one test. */
export function createSecretKeyTest(extraKeys: readonly (string | RegExp)[]): SecretKeyTest {
  const names = new Set<string>()
  const patterns: RegExp[] = []
  for (const key of [...DEFAULT_SECRET_KEYS, ...extraKeys]) {
    if (typeof key === 'string') names.add(normaliseKey(key))
    // Without g/y, test() keeps no lastIndex between keys.
    else patterns.push(new RegExp(key.source, key.flags.replace(/[gy]/g, '')))
  }
  const suffixLengths = [...new Set([...names].map((name) => name.length))]
  return (key) => {
    const normal = normaliseKey(key)
    return suffixLengths.some((length) => normal.length >= length && names.has(normal.slice(normal.length - length))) || patterns.some((pattern) => pattern.test(key))
  }
}
