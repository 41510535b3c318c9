import { EchotrailError } from '../errors'
import { MASK_DEFAULTS, MAX_DEPTH_LIMIT, type MaskOptions } from './mask-options'
import { STRING_TRUNCATED } from './markers'
import { normaliseKey } from './secret-keys'

/** `MaskOptions` with every default applied and every value checked. */
export type ResolvedMaskOptions = { readonly [K in keyof MaskOptions]-?: Exclude<MaskOptions[K], undefined> }

// The cut keeps some text before the marker; a cap below this would keep none.
const MIN_STRING_CHARS = STRING_TRUNCATED.length * 2

/** Throws `ET_CONFIG_INVALID` naming the option unless `ok`. One message shape keeps browser bundles small. */
function check(ok: boolean, option: string, want: string, got: unknown): void {
  if (!ok) throw new EchotrailError('ET_CONFIG_INVALID', `mask: ${option} must be ${want}, got ${String(got)}`)
}

const isIntegerIn = (value: number, min: number, max = Infinity): boolean => Number.isInteger(value) && value >= min && value <= max

/** Merges `options` over `MASK_DEFAULTS`; throws `ET_CONFIG_INVALID` naming the bad option. */
export function resolveMaskOptions(options: MaskOptions): ResolvedMaskOptions {
  const resolved: ResolvedMaskOptions = { ...MASK_DEFAULTS }
  for (const key of Object.keys(MASK_DEFAULTS) as (keyof MaskOptions)[]) (resolved as Record<string, unknown>)[key] = options[key] ?? MASK_DEFAULTS[key]
  check(isIntegerIn(resolved.maxDepth, 1, MAX_DEPTH_LIMIT), 'maxDepth', `an integer from 1 to ${MAX_DEPTH_LIMIT}`, resolved.maxDepth)
  check(isIntegerIn(resolved.maxStringChars, MIN_STRING_CHARS), 'maxStringChars', `an integer of at least ${MIN_STRING_CHARS}`, resolved.maxStringChars)
  // An empty name is a suffix of every key and would mask everything.
  for (const key of resolved.extraKeys) check(key instanceof RegExp || (typeof key === 'string' && normaliseKey(key) !== ''), 'extraKeys', 'RegExps or names with a letter or digit', key)
  for (const pattern of resolved.extraPatterns) check(pattern instanceof RegExp, 'extraPatterns', 'RegExps', pattern)
  return resolved
}
