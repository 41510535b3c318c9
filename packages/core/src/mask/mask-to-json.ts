import { toJsonValue } from './json-value'
import { maskCardNumber } from './mask-cards'
import type { MaskOptions } from './mask-options'
import { createCompactStringMasker } from './compact-string-masker'
import { CIRCULAR, MASKED, TRUNCATED, UNSERIALIZABLE } from './markers'
import { resolveMaskOptions } from './resolve-mask-options'
import { DEFAULT_SECRET_KEY_ENDINGS, normaliseKey, type SecretKeyTest } from './secret-keys'

/**
 * `createMasker(options).maskToJson`, written for the size of a browser bundle (the
 * script tag) rather than a server's throughput: the same rule modules for strings,
 * cards and URLs, but no key cache, no hand quoting and no rope flattening, and the
 * secret-name test as one RegExp. masker.property.test.ts proves it writes exactly
 * what the collector's masker writes, for any value and options.
 */

// Quoted once: what the walk writes for a secret, a cycle, a deep container, a throw.
const [MASKED_JSON, CIRCULAR_JSON, TRUNCATED_JSON, UNSERIALIZABLE_JSON] = [MASKED, CIRCULAR, TRUNCATED, UNSERIALIZABLE].map((marker) => `"${marker}"`) as [
  string,
  string,
  string,
  string,
]

/**
 * `createSecretKeyTest(extraKeys)` as one RegExp over the normalised key: the default
 * names as their hand-shortened pattern (so the bundle carries no name list), the extra
 * names `a-z0-9` only once normalised, so they need no escaping; `(…|…)$` is "equals or
 * ends with one of them".
 */
function createCompactSecretKeyTest(extraKeys: readonly (string | RegExp)[]): SecretKeyTest {
  const names: string[] = []
  const patterns: RegExp[] = []
  for (const key of extraKeys) {
    if (typeof key === 'string') names.push(normaliseKey(key))
    // Without g/y, test() keeps no lastIndex between keys.
    else patterns.push(RegExp(key.source, key.flags.replace(/[gy]/g, '')))
  }
  const ending = RegExp(`(${[DEFAULT_SECRET_KEY_ENDINGS, ...names].join('|')})$`)
  return (key) => ending.test(normaliseKey(key)) || patterns.some((pattern) => pattern.test(key))
}

/**
 * Compiles `options` once into `Masker.maskToJson` alone, with the same rules and output:
 * for a bundle that only masks and serialises (the browser's script tag), which then
 * carries no canonical-JSON writer. Throws `ET_CONFIG_INVALID` on bad options.
 */
export function createMaskToJson(options: MaskOptions = {}): (value: unknown) => string {
  const { extraKeys, extraPatterns, maxDepth, maxStringChars } = resolveMaskOptions(options)
  const isSecret = createCompactSecretKeyTest(extraKeys)
  const maskString = createCompactStringMasker(extraPatterns, maxStringChars, isSecret)

  // The JSON of `value` masked, or undefined for what JSON drops (undefined, functions, symbols).
  function write(value: unknown, key: string | number, depth: number, ancestors: unknown[]): string | undefined {
    if (typeof value !== 'object' || value === null)
      // JSON.stringify writes primitives as the collector's writer does: non-finite numbers as null.
      return JSON.stringify(typeof value === 'string' || typeof value === 'bigint' ? maskString(String(value)) : typeof value === 'number' ? maskCardNumber(value) : value)
    if (ancestors.includes(value)) return CIRCULAR_JSON
    try {
      let json: unknown = value
      const proto: unknown = Object.getPrototypeOf(value)
      if ((proto !== Object.prototype && proto !== null && !Array.isArray(value)) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        json = toJsonValue(value, key)
        // toJSON output is serialised as is: JSON.stringify does not call toJSON twice.
        if (typeof json !== 'object' || json === null) return write(json, key, depth, ancestors)
        if (json !== value && ancestors.includes(json)) return CIRCULAR_JSON
      }
      if (depth++ >= maxDepth) return TRUNCATED_JSON
      ancestors.push(value, json)
      try {
        const members: string[] = []
        if (Array.isArray(json)) {
          for (let i = 0; i < json.length; i++) members.push(write(read(json, i), i, depth, ancestors) ?? 'null')
          return `[${members}]`
        }
        for (const name of Object.keys(json as object)) {
          // A secret key's value is never read: no getter runs, nothing of it is copied.
          const member = isSecret(name) ? MASKED_JSON : write(read(json as object, name), name, depth, ancestors)
          if (member !== undefined) members.push(JSON.stringify(name) + ':' + member)
        }
        return `{${members}}`
      } finally {
        ancestors.length -= 2
      }
    } catch {
      return UNSERIALIZABLE_JSON
    }
  }

  return (value) => {
    try {
      return write(value, '', 0, []) ?? 'null'
    } catch {
      // Only a stack overflow or out-of-memory gets here; the host app must not see it.
      return UNSERIALIZABLE_JSON
    }
  }
}

/** `source[key]`, or a marker when a getter or proxy trap throws. */
function read(source: object, key: string | number): unknown {
  try {
    return (source as Record<string | number, unknown>)[key]
  } catch {
    return UNSERIALIZABLE
  }
}
