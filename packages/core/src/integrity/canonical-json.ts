import { EchotrailError } from '../errors'

// A UTF-16 surrogate without its partner. I-JSON (RFC 7493 §2.1) forbids them, and
// UTF-8 cannot carry them: TextEncoder would swap each for U+FFFD, so two different
// events would share one hash.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

// What JSON.stringify would escape, plus every surrogate. Most strings hold none of
// these, so one scan lets them skip both the surrogate check and a native stringify call.
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/

// ES2024 String.prototype.isWellFormed is native and several times faster than the
// lookbehind regex; runtimes without it keep the regex.
const isWellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (text) => (text as string & { isWellFormed(): boolean }).isWellFormed()
    : (text) => !LONE_SURROGATE.test(text)

// Error messages name where the bad value sits; past this depth only the tail is shown.
const MAX_PATH_SEGMENTS = 32

// Containers this shallow are checked for cycles by scanning the few frames above them,
// which for an event is cheaper than keeping a Set; deeper ones also go into a Set, so
// a deep walk stays linear. A cycle is found at the same place either way.
const SCANNED_DEPTH = 16

const utf8 = /* @__PURE__ */ new TextEncoder()

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
  // Containers on the path at depth SCANNED_DEPTH or more; made only when a value nests that deep.
  let deepOnPath: Set<object> | undefined
  let out = ''
  // One flat loop, no closures: `out` stays a register-friendly local on the hot path.
  let item: unknown = toJsonValue(value, '')
  if (item === undefined) fail(stack, 'undefined has no JSON form')

  for (;;) {
    switch (typeof item) {
      case 'string':
        out += quote(item, stack)
        break
      case 'number':
        if (!Number.isFinite(item)) fail(stack, `${item} is not a JSON number`)
        // Number::toString is the JCS number form; String(-0) is already "0".
        out += String(item)
        break
      case 'boolean':
        out += item ? 'true' : 'false'
        break
      case 'object': {
        if (item === null) {
          out += 'null'
          break
        }
        if (isOnPath(item, stack, deepOnPath)) fail(stack, 'the value contains a cycle')
        if (stack.length >= SCANNED_DEPTH) (deepOnPath ??= new Set()).add(item)
        if (Array.isArray(item)) {
          out += '['
          stack.push({ container: item, keys: undefined, size: item.length, next: 0, written: 0 })
        } else {
          const keys = sortedKeys(item)
          out += '{'
          stack.push({ container: item, keys, size: keys.length, next: 0, written: 0 })
        }
        break
      }
      default:
        fail(stack, `a ${typeof item} has no JSON form`)
    }

    // Move to the next value to write, closing every container that is done.
    for (;;) {
      const frame = stack[stack.length - 1]
      if (frame === undefined) return out
      if (frame.next === frame.size) {
        out += frame.keys === undefined ? ']' : '}'
        stack.pop()
        if (stack.length >= SCANNED_DEPTH) deepOnPath!.delete(frame.container)
        continue
      }
      const at = frame.next++
      if (frame.keys === undefined) {
        item = (frame.container as readonly unknown[])[at]
        if (typeof item === 'object' || typeof item === 'bigint') item = toJsonValue(item, String(at))
        if (item === undefined) item = null
        if (at > 0) out += ','
        break
      }
      const key = frame.keys[at]!
      item = (frame.container as Readonly<Record<string, unknown>>)[key]
      if (typeof item === 'object' || typeof item === 'bigint') item = toJsonValue(item, key)
      if (item === undefined) continue
      out += frame.written++ > 0 ? `,${quoteKey(key, stack)}` : quoteKey(key, stack)
      break
    }
  }
}

/** UTF-8 bytes of {@link canonicalize}`(value)`: the exact bytes that get hashed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalize(value))
}

// Steps 2–4 of SerializeJSONProperty (ECMA-262 §25.5.2.2): toJSON, then unwrapping.
// Only objects and bigints can change here; the walk skips the call for other values.
function toJsonValue(value: unknown, key: string): unknown {
  let current = value
  if ((typeof current === 'object' && current !== null) || typeof current === 'bigint') {
    const toJSON = (current as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') current = toJSON.call(current, key) as unknown
  }
  if (typeof current !== 'object' || current === null) return current
  // Plain objects and arrays, nearly every container, cannot be wrappers.
  const proto: unknown = Object.getPrototypeOf(current)
  if (proto === Object.prototype || proto === Array.prototype) return current
  if (current instanceof Number || current instanceof String || current instanceof Boolean) {
    return current.valueOf()
  }
  return current
}

// Member names in UTF-16 code-unit order (JCS §3.2.3), which is what `<` compares.
// Events have few members per object, often already in order, where an insertion
// sort beats Array.prototype.sort and its string conversions.
function sortedKeys(item: object): string[] {
  const keys = Object.keys(item)
  if (keys.length > 32) return keys.sort()
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!
    let j = i - 1
    if (keys[j]! < key) continue
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!
      j--
    }
    keys[j + 1] = key
  }
  return keys
}

// True when `item` is already a container on the path being written.
function isOnPath(item: object, stack: readonly Frame[], deepOnPath: ReadonlySet<object> | undefined): boolean {
  const scanned = Math.min(stack.length, SCANNED_DEPTH)
  for (let i = 0; i < scanned; i++) if (stack[i]!.container === item) return true
  return deepOnPath !== undefined && deepOnPath.has(item)
}

// `"name":` for a member name. Names repeat across events of one app, so the checked,
// quoted form is kept; the bounds stop invented names from growing the cache forever.
const quotedKeys = /* @__PURE__ */ new Map<string, string>()
const MAX_CACHED_KEYS = 4_096
const MAX_CACHED_KEY_CHARS = 64

function quoteKey(key: string, stack: readonly Frame[]): string {
  let quoted = quotedKeys.get(key)
  if (quoted === undefined) {
    quoted = `${quote(key, stack)}:`
    if (key.length <= MAX_CACHED_KEY_CHARS) {
      if (quotedKeys.size >= MAX_CACHED_KEYS) quotedKeys.clear()
      quotedKeys.set(key, quoted)
    }
  }
  return quoted
}

function quote(text: string, stack: readonly Frame[]): string {
  if (!NEEDS_CARE.test(text)) return `"${text}"`
  if (!isWellFormed(text)) fail(stack, 'a string contains a lone UTF-16 surrogate')
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
