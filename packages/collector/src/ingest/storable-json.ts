/**
 * Makes parsed JSON storable in a jsonb column: PostgreSQL refuses U+0000 and lone
 * UTF-16 surrogates in jsonb text, so both become U+FFFD (as invalid UTF-8 already
 * did when the body was decoded). Returns the input itself when nothing changed.
 */
export function toStorableJson<T>(value: T): T {
  return clean(value) as T
}

// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be found
const NEEDS_CLEANING = /[\u0000\uD800-\uDFFF]/

function cleanString(text: string): string {
  if (!NEEDS_CLEANING.test(text)) return text
  return text.toWellFormed().replaceAll('\u0000', '\uFFFD')
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return cleanString(value)
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const cleaned = clean(value[i])
      if (cleaned !== value[i]) (out ??= value.slice())[i] = cleaned
    }
    return out ?? value
  }
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>
    let out: Record<string, unknown> | undefined
    for (const key of Object.keys(source)) {
      const cleanKey = cleanString(key)
      const cleaned = clean(source[key])
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
