import type { JsonValue } from '../event/json'

/** True for an object made by JSON.parse or an object literal: no class, no array. */
export function isPlainData(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

// The walk's stack, reused: the walk is synchronous and calls nothing that could walk.
const pending: unknown[] = []

/** Ends a walk early, letting go of what it had still to visit. */
function stop(): false {
  pending.length = 0
  return false
}

/**
 * True when `value` is JSON data: what JSON.parse can produce (no cycles, dates, NaN…).
 * One iterative walk rather than z.json(): its union tries each JSON type in turn and
 * builds (then drops) an issue for every miss, which was a fifth of the collector's
 * validation time, and it recurses once per level.
 */
export function isJsonData(value: unknown): value is JsonValue {
  pending.length = 0
  pending.push(value)
  // A container seen twice is a cycle (or a shared reference, which JSON cannot hold
  // either). The first container needs no Set: most values checked here are one flat
  // object (query_params), so the Set is made only when a second container turns up.
  let first: object | undefined
  let seen: Set<object> | undefined
  while (pending.length > 0) {
    const item = pending.pop()
    switch (typeof item) {
      case 'string':
      case 'boolean':
        continue
      case 'number':
        if (!Number.isFinite(item)) return stop()
        continue
      case 'object': {
        if (item === null) continue
        if (first === undefined) first = item
        else {
          if (item === first || seen?.has(item)) return stop()
          ;(seen ??= new Set()).add(item)
        }
        if (Array.isArray(item)) {
          for (let i = 0; i < item.length; i++) pending.push(item[i])
        } else if (isPlainData(item)) {
          for (const key in item) pending.push(item[key])
        } else return stop()
        continue
      }
      default:
        return stop()
    }
  }
  return true
}

/** True for a plain object whose members are all JSON data. */
export const isJsonObject = (value: unknown): value is Record<string, JsonValue> => isPlainData(value) && isJsonData(value)
