import { EchotrailError } from '../errors'
import { MASK_DEFAULTS, MAX_DEPTH_LIMIT, type MaskOptions } from './mask-options'
import { STRING_TRUNCATED } from './markers'
import { normaliseKey } from './secret-keys'

/** `MaskOptions` with every default applied and every value checked. */
export type ResolvedMaskOptions = { readonly [K in keyof MaskOptions]-?: Exclude<MaskOptions[K], undefined> }

// The cut keeps some text before the marker; a cap below this would keep none.
const MIN_STRING_CHARS = STRING_TRUNCATED.length * 2

// `true` only in @echotrail/browser's script-tag build, which replaces it (its
// rollup.config.mjs); everywhere else it is undeclared and the full messages stay.
declare const __ECHOTRAIL_CODED_ERRORS__: boolean | undefined
const CODED_ERRORS = typeof __ECHOTRAIL_CODED_ERRORS__ !== 'undefined' && __ECHOTRAIL_CODED_ERRORS__

/**
 * Throws `ET_CONFIG_INVALID` naming the option, what it takes and the value given
 * unless `ok`. One message shape keeps browser bundles small; saying what the option
 * takes is worth its few bytes to whoever reads the error. The script tag says it in
 * short (`mask.maxDepth: 1..1000`), documented in that package's README.
 */
function check(ok: boolean, option: string, want: string, short: string, got: unknown): void {
  if (!ok) throw new EchotrailError('ET_CONFIG_INVALID', CODED_ERRORS ? `mask.${option}: ${short}` : `mask: ${option} must be ${want}, got ${String(got)}`)
}

const isIntegerIn = (value: number, min: number, max = Infinity): boolean => Number.isInteger(value) && value >= min && value <= max

/** Merges `options` over `MASK_DEFAULTS`; throws `ET_CONFIG_INVALID` naming the bad option. */
export function resolveMaskOptions(options: MaskOptions): ResolvedMaskOptions {
  const resolved = { ...MASK_DEFAULTS } as Record<string, unknown>
  for (const key in MASK_DEFAULTS) resolved[key] = options[key as keyof MaskOptions] ?? resolved[key]
  const { maxDepth, maxStringChars, extraKeys, extraPatterns } = resolved as ResolvedMaskOptions
  check(isIntegerIn(maxDepth, 1, MAX_DEPTH_LIMIT), 'maxDepth', `an integer from 1 to ${MAX_DEPTH_LIMIT}`, `1..${MAX_DEPTH_LIMIT}`, maxDepth)
  check(isIntegerIn(maxStringChars, MIN_STRING_CHARS), 'maxStringChars', `an integer of at least ${MIN_STRING_CHARS}`, `>=${MIN_STRING_CHARS}`, maxStringChars)
  // An empty name is a suffix of every key and would mask everything.
  for (const key of extraKeys) check(key instanceof RegExp || (typeof key === 'string' && normaliseKey(key) !== ''), 'extraKeys', 'RegExps or names with a letter or digit', 'RegExp|[a-z0-9]', key)
  for (const pattern of extraPatterns) check(pattern instanceof RegExp, 'extraPatterns', 'RegExps', 'RegExp', pattern)
  return resolved as ResolvedMaskOptions
}
