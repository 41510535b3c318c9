import type { Masker } from '@echotrail/core'

/**
 * Writes the members of a request event as masked JSON text, one `"key":value` at a
 * time, so a request event is masked and serialised without walking a whole event
 * object. Each member is exactly what `masker.maskToJson(event)` writes for it: the
 * masker writes an object member by member, and a member's text depends only on its key
 * and value. Values that repeat across requests (path, route, user agent, IP, query)
 * are masked once and then read from a bounded cache; values the SDK made itself
 * (UUIDv7, ISO time, method, numbers) skip the masker when it provably leaves them alone.
 */
export interface EventJsonWriter {
  /** `"key":<masked value>`, or undefined when JSON drops the value (undefined, a function). */
  member(key: string, value: unknown): string | undefined
  /** A writer of `key`'s string values, for values that rarely repeat (request ids). */
  string(key: string): (value: string) => string
  /** A writer of `key`'s string values that caches what it masked; for values that repeat. */
  cachedString(key: string): (value: string) => string
  /** A writer of `key`'s values that caches by a raw string they are derived from (`?a=1` → `query_params`). */
  cachedDerived<V>(key: string, derive: (raw: string) => V): (raw: string) => string
  /** A writer of values the SDK generated: UUIDv7 strings, RFC 3339 UTC times, upper-case methods. */
  generated(key: string): (value: string) => string
  /** A writer of numbers that are mostly small (status codes, durations in ms); others go through the masker. */
  smallNumber(key: string): (value: number) => string
  /** `"key":<masked value>` of a constant (service name), written once. */
  constant(key: string, value: string): string
}

// Per key, distinct values kept; at the bound the cache starts afresh, which keeps the
// cost of a miss constant and the memory bounded however many distinct paths arrive.
const MAX_CACHED_VALUES = 512
// Long values rarely repeat, and would make the cache's memory a function of the traffic.
const MAX_CACHED_CHARS = 256

/**
 * Compiles a writer over `masker`. `userPatterns` says whether the masker has value
 * patterns beside the built-in rules: a user pattern may match anything, even an id we
 * generated, so then every string goes through the masker.
 */
export function createEventJsonWriter(masker: Masker, userPatterns: boolean): EventJsonWriter {
  const member = (key: string, value: unknown): string | undefined => {
    // The one-member object is written exactly as the member of a larger one: same key
    // decision, same depth for nested values.
    const json = masker.maskToJson({ [key]: value })
    return json.length > 2 ? json.slice(1, -1) : undefined
  }
  // A key the user made secret (maskKeys: [/_id$/]) masks whatever value it holds.
  const isSecretKey = (key: string): boolean => member(key, 0) !== `${JSON.stringify(key)}:0`
  // A string member without the one-member object: the masker writes a string the same
  // wherever it stands, so only the key's own verdict is needed, once.
  const stringMember = (key: string): ((value: string) => string) => {
    if (isSecretKey(key)) {
      const masked = member(key, '')!
      return () => masked
    }
    const prefix = `${JSON.stringify(key)}:`
    return (value) => prefix + masker.maskToJson(value)
  }

  return {
    member,
    string: stringMember,
    cachedString(key) {
      const write = stringMember(key)
      const cache = new Map<string, string>()
      return (value) => {
        let text = cache.get(value)
        if (text === undefined) {
          text = write(value)
          if (value.length <= MAX_CACHED_CHARS) {
            if (cache.size >= MAX_CACHED_VALUES) cache.clear()
            cache.set(value, text)
          }
        }
        return text
      }
    },
    cachedDerived(key, derive) {
      const cache = new Map<string, string>()
      return (raw) => {
        let text = cache.get(raw)
        if (text === undefined) {
          text = member(key, derive(raw))!
          if (raw.length <= MAX_CACHED_CHARS) {
            if (cache.size >= MAX_CACHED_VALUES) cache.clear()
            cache.set(raw, text)
          }
        }
        return text
      }
    },
    generated(key) {
      // The built-in rules leave UUIDs, RFC 3339 times and short words alone (a test in
      // event-json.test.ts holds core to that); nothing needs quoting in them either.
      if (userPatterns || isSecretKey(key)) return stringMember(key)
      const prefix = `${JSON.stringify(key)}:"`
      return (value) => `${prefix}${value}"`
    },
    smallNumber(key) {
      // Only integers of 13 to 19 digits can be card numbers, and patterns never apply to numbers.
      if (isSecretKey(key)) return (value) => member(key, value)!
      const prefix = `${JSON.stringify(key)}:`
      return (value) => (Math.abs(value) < 1e12 ? prefix + String(value) : member(key, value)!)
    },
    constant(key, value) {
      return member(key, value)!
    },
  }
}
