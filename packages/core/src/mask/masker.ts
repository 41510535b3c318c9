import { createKeyTable } from './key-table'
import { createMaskedJsonWriter, type MaskedJsonWriterParts } from './masked-json-writer'
import type { MaskOptions } from './mask-options'
import { createStringMasker } from './mask-string'
import { resolveMaskOptions } from './resolve-mask-options'
import { createSecretKeyTest } from './secret-keys'

// The browser's maskToJson alone, written for size; proven equal to createMasker's.
export { createMaskToJson } from './mask-to-json'

/** Masks secrets out of values before they are queued, sent or stored. */
export interface Masker {
  /**
   * A masked deep copy of `value` in JSON's data model: exactly `JSON.parse` of
   * `maskToJson(value)` (typed as `T` for convenience). Never mutates `value`,
   * never throws; a top-level value JSON cannot hold (undefined, function, symbol) becomes `null`.
   */
  mask<T>(value: T): T
  /** Masks and serialises in one pass; equals `JSON.stringify(mask(value))`. Never throws. */
  maskToJson(value: unknown): string
  /**
   * Masks and writes RFC 8785 canonical JSON in one pass (members sorted by UTF-16 code
   * units): equals `canonicalize(mask(value))` when every string is well formed. The
   * collector hashes this text directly (hash = SHA-256(0x00 ‖ it)) and stores it, so
   * masking, serialising and canonicalising cost one walk. Never throws.
   */
  maskToCanonicalJson(value: unknown): string
}

/** Compiles the rules of `options` once, for writers that share them. */
function compileMask(options: MaskOptions): MaskedJsonWriterParts {
  const { extraKeys, extraPatterns, maxDepth, maxStringChars } = resolveMaskOptions(options)
  const keys = createKeyTable(createSecretKeyTest(extraKeys))
  // URL parameter names repeat like object keys, so they share the key cache.
  const maskString = createStringMasker(extraPatterns, maxStringChars, (name) => keys.get(name).secret)
  return { keys, maskString, maxDepth }
}

/** Compiles `options` once into a `Masker`; throws `ET_CONFIG_INVALID` on bad options. */
export function createMasker(options: MaskOptions = {}): Masker {
  const parts = compileMask(options)
  const maskToJson = createMaskedJsonWriter(parts, false)
  const maskToCanonicalJson = createMaskedJsonWriter(parts, true)
  return {
    // One walk serves both methods, so the copy and the JSON can never disagree;
    // the send path calls maskToJson and skips the parse.
    mask: <T>(value: T): T => JSON.parse(maskToJson(value)) as T,
    maskToJson,
    maskToCanonicalJson,
  }
}

/** A masker with the default rules, for callers that add none. */
export const defaultMasker: Masker = /* @__PURE__ */ createMasker()
