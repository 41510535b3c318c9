import { toJsonValue } from './json-value'
import type { KeyTable } from './key-table'
import { maskCardNumber } from './mask-cards'
import type { StringMasker } from './mask-string'
import { CIRCULAR, MASKED, TRUNCATED, UNSERIALIZABLE } from './markers'

/**
 * Masks and serialises in one walk: what `JSON.stringify` would write for the
 * masked value, without building the masked copy first. It follows
 * JSON.stringify (toJSON, dropped undefined/functions/symbols, `null` in arrays)
 * and adds what JSON rejects: bigint as a decimal string, cycles, depth and
 * throwing getters as marker strings.
 */
export type MaskedJsonWriter = (value: unknown) => string

/** What the writer is compiled from. */
export interface MaskedJsonWriterParts {
  /** Per-key secret decision and quoted form. */
  keys: KeyTable
  /** Masks one string value. */
  maskString: StringMasker
  /** Container nesting levels kept. */
  maxDepth: number
}

// Most strings need no escaping; for those, quoting by hand skips a native call.
// JSON escapes quote, backslash, U+0000–U+001F and lone surrogates; any surrogate sends
// the string to JSON.stringify, which knows pairs from lone halves.
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/
const quote = (text: string): string => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`)

const MASKED_JSON = /* @__PURE__ */ quote(MASKED)
const UNSERIALIZABLE_JSON = /* @__PURE__ */ quote(UNSERIALIZABLE)

/**
 * Compiles a writer; the returned function never throws. `sortKeys` writes members sorted
 * by UTF-16 code units (RFC 8785 §3.2.3), making the output canonical JSON for well-formed
 * strings; numbers and escapes already follow JCS. (A parameter of its own, so a bundle
 * that passes only `false` can drop the sort.)
 */
export function createMaskedJsonWriter({ keys, maskString, maxDepth }: MaskedJsonWriterParts, sortKeys: boolean): MaskedJsonWriter {
  // Returns undefined for what JSON drops (undefined, functions, symbols).
  function writeValue(value: unknown, key: string | number, depth: number, ancestors: unknown[]): string | undefined {
    switch (typeof value) {
      case 'string':
        return quote(maskString(value))
      case 'number': {
        // A masked card is stars and digits: nothing to escape.
        const masked = maskCardNumber(value)
        return typeof masked === 'string' ? `"${masked}"` : Number.isFinite(value) ? String(value) : 'null'
      }
      case 'boolean':
        return value ? 'true' : 'false'
      case 'bigint':
        return quote(maskString(value.toString()))
      case 'object':
        return value === null ? 'null' : writeContainer(value, key, depth, ancestors)
    }
    return undefined
  }

  function writeContainer(raw: object, key: string | number, depth: number, ancestors: unknown[]): string | undefined {
    if (ancestors.includes(raw)) return quote(CIRCULAR)
    let value: unknown = raw
    try {
      const proto: unknown = Object.getPrototypeOf(raw)
      if ((proto !== Object.prototype && proto !== null && !Array.isArray(raw)) || typeof (raw as { toJSON?: unknown }).toJSON === 'function') {
        value = toJsonValue(raw, key)
        // toJSON output is serialised as is: JSON.stringify does not call toJSON twice.
        if (typeof value !== 'object' || value === null) return writeValue(value, key, depth, ancestors)
        if (value !== raw && ancestors.includes(value)) return quote(CIRCULAR)
      }
      if (depth++ >= maxDepth) return quote(TRUNCATED)
      ancestors.push(raw, value)
      try {
        if (Array.isArray(value)) {
          let out = '['
          for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + (writeValue(read(value, i), i, depth, ancestors) ?? 'null')
          return `${out}]`
        }
        // Pieces are appended, never sliced off: slicing a rope would copy it at every level.
        let out = '{'

        const names = Object.keys(value as object)
        if (sortKeys) sortNames(names)
        for (const name of names) {
          const entry = keys.get(name)
          // A secret key's value is never read: no getter runs, nothing of it is copied.
          const json = entry.secret ? MASKED_JSON : writeValue(read(value as object, name), name, depth, ancestors)
          if (json !== undefined) out += (out.length > 1 ? ',' : '') + entry.prefix + json
        }
        return `${out}}`
      } finally {
        ancestors.length -= 2
      }
    } catch {
      return UNSERIALIZABLE_JSON
    }
  }

  return (value) => {
    let json: string
    try {
      json = writeValue(value, '', 0, []) ?? 'null'
    } catch {
      // Only a stack overflow or out-of-memory gets here; the host app must not see it.
      return UNSERIALIZABLE_JSON
    }
    // The writer's output is a rope of the pieces it concatenated (in V8, one heap object
    // per piece). Callers keep it queued until a batch is sent or committed, and every
    // young-generation collection in between copies each piece. Reading a character makes
    // V8 replace the rope with one flat string: 3–4× less time for a queued 600-byte event
    // in a loop that keeps the last 6,000 (measured). Elsewhere it is one character read.
    // (Not `Number(json)`: bundlers drop that call as pure.)
    json.charCodeAt(0)
    return json
  }
}

/**
 * Sorts member names by UTF-16 code units, JCS's order (`<` on strings and the default
 * sort both compare code units). A few names are sorted in place: the built-in sort
 * allocates work arrays on every call, about 2 KB per event in the collector, for
 * objects that mostly have fewer than 30 members.
 */
function sortNames(names: string[]): void {
  if (names.length > 32) {
    names.sort()
    return
  }
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!
    let j = i - 1
    while (j >= 0 && names[j]! > name) {
      names[j + 1] = names[j]!
      j--
    }
    names[j + 1] = name
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
