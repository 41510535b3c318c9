import { EchotrailError } from '../errors'

// A UTF-16 surrogate without its partner. I-JSON (RFC 7493 §2.1) forbids them, and
// UTF-8 cannot carry them: TextEncoder would swap each for U+FFFD, so two different
// events would share one hash.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

// Error messages name where the bad value sits; past this depth only the tail is shown.
const MAX_PATH_SEGMENTS = 32

const utf8 = new TextEncoder()

/** One array or object being written; an explicit stack instead of recursion. */
interface Frame {
  readonly container: object
  /** Member names in JCS order; undefined for arrays. */
  readonly keys: readonly string[] | undefined
  /** Array length or number of member names. */
  readonly size: number
  /** Position of the next element or member to write. */
  next: number
  /** Members written so far (undefined-valued members are skipped). */
  written: number
}

/**
 * Serialises `value` as RFC 8785 JSON Canonicalization Scheme (JCS) text: members
 * sorted by the UTF-16 code units of their names, no whitespace, numbers in
 * ECMAScript shortest round-trip form (`-0` → `0`), strings escaped as JSON.stringify
 * does (RFC 8785 §3.2.2.2 defines them that way).
 *
 * Input is read as JSON.stringify reads it: `toJSON` is honoured (Dates become
 * strings), Number/String/Boolean wrappers are unwrapped, undefined-valued members
 * are omitted and undefined array slots become `null`, so the hash covers exactly
 * what the wire carries. What JSON.stringify would silently drop or corrupt throws
 * `ET_CANONICAL_INVALID` instead: NaN and ±Infinity, lone surrogates, bigint,
 * functions, symbols, cycles and an undefined top-level value. Nesting depth is
 * unbounded (no recursion), so the result never depends on the runtime's stack size.
 */
export function canonicalize(value: unknown): string {
  const stack: Frame[] = []
  const onPath = new Set<object>()
  let out = ''

  const write = (item: unknown): void => {
    switch (typeof item) {
      case 'string':
        out += quote(item, stack)
        return
      case 'number':
        if (!Number.isFinite(item)) fail(stack, `${item} is not a JSON number`)
        // Number::toString is the JCS number form; String(-0) is already "0".
        out += String(item)
        return
      case 'boolean':
        out += item ? 'true' : 'false'
        return
      case 'object': {
        if (item === null) {
          out += 'null'
          return
        }
        if (onPath.has(item)) fail(stack, 'the value contains a cycle')
        onPath.add(item)
        if (Array.isArray(item)) {
          out += '['
          stack.push({ container: item, keys: undefined, size: item.length, next: 0, written: 0 })
        } else {
          // The default sort compares UTF-16 code units, which is exactly JCS §3.2.3.
          const keys = Object.keys(item).sort()
          out += '{'
          stack.push({ container: item, keys, size: keys.length, next: 0, written: 0 })
        }
        return
      }
      default:
        fail(stack, `a ${typeof item} has no JSON form`)
    }
  }

  const root = toJsonValue(value, '')
  if (root === undefined) fail(stack, 'undefined has no JSON form')
  write(root)

  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!
    if (frame.next === frame.size) {
      out += frame.keys === undefined ? ']' : '}'
      onPath.delete(frame.container)
      stack.pop()
      continue
    }
    const at = frame.next++
    if (frame.keys === undefined) {
      const item = toJsonValue((frame.container as readonly unknown[])[at], String(at))
      if (at > 0) out += ','
      write(item === undefined ? null : item)
    } else {
      const key = frame.keys[at]!
      const item = toJsonValue((frame.container as Readonly<Record<string, unknown>>)[key], key)
      if (item === undefined) continue
      if (frame.written++ > 0) out += ','
      out += quote(key, stack) + ':'
      write(item)
    }
  }
  return out
}

/** UTF-8 bytes of {@link canonicalize}`(value)`: the exact bytes that get hashed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalize(value))
}

// Steps 2–4 of SerializeJSONProperty (ECMA-262 §25.5.2.2): toJSON, then unwrapping.
function toJsonValue(value: unknown, key: string): unknown {
  let current = value
  if ((typeof current === 'object' && current !== null) || typeof current === 'bigint') {
    const toJSON = (current as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') current = toJSON.call(current, key) as unknown
  }
  if (current instanceof Number || current instanceof String || current instanceof Boolean) {
    return current.valueOf()
  }
  return current
}

function quote(text: string, stack: readonly Frame[]): string {
  if (LONE_SURROGATE.test(text)) fail(stack, 'a string contains a lone UTF-16 surrogate')
  return JSON.stringify(text)
}

function fail(stack: readonly Frame[], reason: string): never {
  throw new EchotrailError('ET_CANONICAL_INVALID', `canonicalize: ${reason} at ${pathOf(stack)}`)
}

// JSONPath-like location of the value being written, e.g. `$.metadata.tags[2]`.
function pathOf(stack: readonly Frame[]): string {
  const from = Math.max(0, stack.length - MAX_PATH_SEGMENTS)
  let path = from > 0 ? '$…' : '$'
  for (let i = from; i < stack.length; i++) {
    const frame = stack[i]!
    const at = frame.next - 1
    if (frame.keys === undefined) path += `[${at}]`
    else {
      const key = frame.keys[at] ?? ''
      path += /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
    }
  }
  return path
}
