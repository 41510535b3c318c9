import type { SecretKeyTest } from './secret-keys'

/** What the serialiser needs to know about one object key. */
export interface KeyEntry {
  /** The value under this key is written as `********` and never read. */
  readonly secret: boolean
  /** The key as JSON plus `:`, ready to prefix its value. */
  readonly prefix: string
}

/** Per-key facts, worked out once per distinct key. */
export interface KeyTable {
  /** The entry for `key`, from the cache when it has been seen before. */
  get(key: string): KeyEntry
}

// Event keys repeat (header and field names), so each distinct key is judged and
// quoted once. The bound stops keys an attacker invents from growing the cache forever.
const MAX_CACHED_KEYS = 4_096

/** A bounded cache of `KeyEntry` in front of `isSecret`. */
export function createKeyTable(isSecret: SecretKeyTest): KeyTable {
  const cache = new Map<string, KeyEntry>()
  return {
    get(key) {
      let entry = cache.get(key)
      if (entry === undefined) {
        entry = { secret: isSecret(key), prefix: `${JSON.stringify(key)}:` }
        if (cache.size >= MAX_CACHED_KEYS) cache.clear()
        cache.set(key, entry)
      }
      return entry
    },
  }
}
