/**
 * What JSON.stringify would serialise in place of a non-plain object: `toJSON()`
 * applied, boxed primitives unwrapped. Echotrail adds what JSON leaves empty or
 * rejects: Map → object (keys via `String(key)`), Set and typed arrays → arrays.
 * May throw (a throwing `toJSON` or proxy); the caller guards.
 */
export function toJsonValue(value: object, key: string | number): unknown {
  let result: unknown = value
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') {
    result = toJSON.call(value, typeof key === 'number' ? String(key) : key)
    if (typeof result !== 'object' || result === null) return result
  }
  if (result instanceof Map) {
    const entries: Record<string, unknown> = {}
    for (const [entryKey, entryValue] of result) setOwn(entries, String(entryKey), entryValue)
    return entries
  }
  if (result instanceof Set) return [...(result as Set<unknown>)]
  if (ArrayBuffer.isView(result)) return result instanceof DataView ? {} : Array.from(result as unknown as ArrayLike<unknown>)
  if (result instanceof Number) return Number(result)
  if (result instanceof String) return String(result)
  if (result instanceof Boolean) return result.valueOf()
  if (result instanceof BigInt) return result.valueOf()
  return result
}

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}
