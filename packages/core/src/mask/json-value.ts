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
    result = toJSON.call(value, String(key))
    if (typeof result !== 'object' || result === null) return result
  }
  // fromEntries defines own properties, so a key `__proto__` stays a key (assignment
  // would change the prototype); a later duplicate of `String(key)` wins, as in JSON.
  if (result instanceof Map) return Object.fromEntries(Array.from(result, ([entryKey, entryValue]) => [String(entryKey), entryValue]))
  if (result instanceof Set) return [...(result as Set<unknown>)]
  if (ArrayBuffer.isView(result)) return result instanceof DataView ? {} : Array.from(result as unknown as ArrayLike<unknown>)
  if (result instanceof Number) return Number(result)
  if (result instanceof String) return String(result)
  if (result instanceof Boolean || result instanceof BigInt) return result.valueOf()
  return result
}
