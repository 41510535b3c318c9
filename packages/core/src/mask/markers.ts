/**
 * The fixed strings masking writes. A masked secret is always `MASKED`, whatever
 * its length or type, so the output never hints at what was there.
 */

/** What a secret value, or a secret found inside a string, becomes. */
export const MASKED = '********'

/** Replaces an object that is its own ancestor. */
export const CIRCULAR = '[Circular]'

/** Replaces a container nested deeper than `maxDepth`. */
export const TRUNCATED = '[Truncated]'

/** Ends a string cut at `maxStringChars`. */
export const STRING_TRUNCATED = '…[Truncated]'

/** Replaces a value whose getter, `toJSON` or proxy trap threw. */
export const UNSERIALIZABLE = '[Unserializable]'
