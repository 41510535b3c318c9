/** Options of `createMasker()`; each one has its single default in `MASK_DEFAULTS`. */
export interface MaskOptions {
  /**
   * Secret keys added to the defaults. A string is normalised like the defaults
   * (lower case, only `a-z0-9` kept) and matches a key equal to it or ending with it;
   * a RegExp is tested against the raw key. @default []
   */
  extraKeys?: readonly (string | RegExp)[]
  /** Value patterns added to the defaults; each match inside a string becomes `********`. @default [] */
  extraPatterns?: readonly RegExp[]
  /** Container nesting levels kept; deeper objects and arrays become `"[Truncated]"`. @default 32 */
  maxDepth?: number
  /**
   * Longest string scanned, in UTF-16 code units; a longer one is cut (ending in
   * `…[Truncated]`) before any pattern runs, which bounds the cost per string. @default 16384
   */
  maxStringChars?: number
}

/** Defaults of `MaskOptions`. */
export const MASK_DEFAULTS = {
  extraKeys: [],
  extraPatterns: [],
  maxDepth: 32,
  // An event must fit in 64 KiB after masking (DESIGN §2), so one string gets a quarter.
  maxStringChars: 16_384,
} as const satisfies Required<MaskOptions>

/** Upper bound for `maxDepth`: the walk recurses once per level and must not exhaust the stack. */
export const MAX_DEPTH_LIMIT = 1_000
