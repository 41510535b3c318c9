import { EchotrailError } from '../errors'
import { MASK_DEFAULTS, MAX_DEPTH_LIMIT, type MaskOptions } from './mask-options'
import { STRING_TRUNCATED } from './markers'
import { normaliseKey } from './secret-keys'

/** `MaskOptions` with every default applied and every value checked. */
export type ResolvedMaskOptions = { readonly [K in keyof MaskOptions]-?: Exclude<MaskOptions[K], undefined> }

const fail = (message: string): never => {
  throw new EchotrailError('ET_CONFIG_INVALID', `mask: ${message}`)
}

/** Merges `options` over `MASK_DEFAULTS`; throws `ET_CONFIG_INVALID` naming the bad option. */
export function resolveMaskOptions(options: MaskOptions): ResolvedMaskOptions {
  const resolved: ResolvedMaskOptions = {
    extraKeys: options.extraKeys ?? MASK_DEFAULTS.extraKeys,
    extraPatterns: options.extraPatterns ?? MASK_DEFAULTS.extraPatterns,
    maxDepth: options.maxDepth ?? MASK_DEFAULTS.maxDepth,
    maxStringChars: options.maxStringChars ?? MASK_DEFAULTS.maxStringChars,
  }
  if (!Number.isInteger(resolved.maxDepth) || resolved.maxDepth < 1 || resolved.maxDepth > MAX_DEPTH_LIMIT) {
    fail(`maxDepth must be an integer from 1 to ${MAX_DEPTH_LIMIT}, got ${String(resolved.maxDepth)}`)
  }
  // The cut keeps some text before the marker; a cap below this would keep none.
  const minStringChars = STRING_TRUNCATED.length * 2
  if (!Number.isInteger(resolved.maxStringChars) || resolved.maxStringChars < minStringChars) {
    fail(`maxStringChars must be an integer of at least ${minStringChars}, got ${String(resolved.maxStringChars)}`)
  }
  for (const key of resolved.extraKeys) {
    if (key instanceof RegExp) continue
    // An empty name is a suffix of every key and would mask everything.
    if (typeof key !== 'string' || normaliseKey(key) === '') fail(`extraKeys entries must be RegExps or names with a letter or digit, got ${String(key)}`)
  }
  for (const pattern of resolved.extraPatterns) {
    if (!(pattern instanceof RegExp)) fail(`extraPatterns entries must be RegExps, got ${String(pattern)}`)
  }
  return resolved
}
