/** A compiled list of URL rules: prefix strings (or origins) and RegExps. */
export type UrlMatcher = (url: string) => boolean

// Health checks are never recorded (DESIGN §6), wherever they are served.
const HEALTH_PATH = /^\/(health|healthz|ready|readyz|metrics)\/?$/

/** Compiles `rules` once; a string matches a URL it prefixes (an origin matches all its URLs). */
export function compileUrlRules(rules: readonly (string | RegExp)[]): UrlMatcher {
  const prefixes: string[] = []
  const patterns: RegExp[] = []
  for (const rule of rules) {
    if (typeof rule === 'string') prefixes.push(rule.replace(/\/+$/, ''))
    else if (rule instanceof RegExp) patterns.push(rule)
  }
  return (url) => {
    for (const prefix of prefixes) {
      // `https://api.example.com` must not match `https://api.example.com.evil.net`.
      if (url.startsWith(prefix)) {
        const next = url.charAt(prefix.length)
        if (next === '' || next === '/' || next === '?' || next === '#' || prefix.endsWith('/')) return true
      }
    }
    for (const pattern of patterns) if (pattern.test(url)) return true
    return false
  }
}

/** True for the health-check paths that are never recorded. */
export function isHealthCheck(pathname: string): boolean {
  return HEALTH_PATH.test(pathname)
}
