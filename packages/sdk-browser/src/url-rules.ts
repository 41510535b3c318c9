/** A compiled list of URL rules: prefix strings (or origins) and RegExps. */
export type UrlMatcher = (url: string) => boolean

// Health checks are never recorded (DESIGN §6), wherever they are served.
const HEALTH_PATH = /^\/(health|healthz|ready|readyz|metrics)\/?$/

/** Compiles `rules` once; a string matches a URL it prefixes (an origin matches all its URLs). */
export function compileUrlRules(rules: readonly (string | RegExp)[]): UrlMatcher {
  const prefixes = rules.filter((rule): rule is string => typeof rule === 'string').map((rule) => rule.replace(/\/+$/, ''))
  const patterns = rules.filter((rule): rule is RegExp => rule instanceof RegExp)
  return (url) =>
    // `https://api.example.com` must not match `https://api.example.com.evil.net`: the
    // prefix must end where the URL ends or its path, query or fragment begins.
    prefixes.some((prefix) => url.startsWith(prefix) && '/?#'.includes(url.charAt(prefix.length))) || patterns.some((pattern) => pattern.test(url))
}

/** True for the health-check paths that are never recorded. */
export const isHealthCheck = (pathname: string): boolean => HEALTH_PATH.test(pathname)
