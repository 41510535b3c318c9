/**
 * Makes parsed JSON storable in a jsonb column: PostgreSQL refuses U+0000 and lone
 * UTF-16 surrogates in jsonb text, so both become U+FFFD (as invalid UTF-8 already
 * did when the body was decoded). Returns the input itself when nothing changed.
 */
export function toStorableJson<T>(value: T): T {
  return clean(value, 0) as T
}

// Deeper than this nothing is stored anyway (the masker truncates at its maxDepth, 32 by
// default), and recursing further on a hostile body would only exhaust the stack.
const MAX_CLEAN_DEPTH = 64

// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be found
const NEEDS_CLEANING = /[\u0000\uD800-\uDFFF]/

function cleanString(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text
  return text.toWellFormed().replaceAll('\u0000', '\uFFFD')
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return cleanString(value)
  if (depth > MAX_CLEAN_DEPTH) return value
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const cleaned = clean(value[i], depth + 1)
      if (cleaned !== value[i]) (out ??= value.slice())[i] = cleaned
    }
    return out ?? value
  }
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>
    let out: Record<string, unknown> | undefined
    for (const key of Object.keys(source)) {
      const cleanKey = cleanString(key)
      const cleaned = clean(source[key], depth + 1)
      if (cleanKey !== key || cleaned !== source[key]) {
        out ??= { ...source }
        if (cleanKey !== key) delete out[key]
        Object.defineProperty(out, cleanKey, { value: cleaned, enumerable: true, writable: true, configurable: true })
      }
    }
    return out ?? value
  }
  return value
}
