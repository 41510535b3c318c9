import { createHash, randomBytes } from 'node:crypto'

/** The two kinds of key: secret (servers) and publishable (browser pages). */
export type KeyKind = 'secret' | 'publishable'

const PREFIX: Record<KeyKind, string> = { secret: 'et_sk_', publishable: 'et_pk_' }
const KEY_SHAPE = /^et_(sk|pk)_[A-Za-z0-9_-]{20,100}$/
// Keys of the system we learn from, accepted so its SDKs and docs work unchanged.
const BATAUDIT_SHAPE = /^bat_[A-Za-z0-9_-]{8,100}$/

/** A freshly made key: the value is shown once and never stored. */
export interface NewApiKey {
  value: string
  sha256: Buffer
  displayPrefix: string
}

/** Makes a new random key of `kind` (256 bits of entropy). */
export function generateApiKey(kind: KeyKind): NewApiKey {
  const value = PREFIX[kind] + randomBytes(32).toString('base64url')
  return { value, sha256: hashApiKey(value), displayPrefix: value.slice(0, PREFIX[kind].length + 6) }
}

/** SHA-256 of a key, the only form in which keys are stored. */
export function hashApiKey(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest()
}

/** The kind a key's prefix claims, or undefined when it is not key-shaped at all. */
export function keyKindOf(value: string): KeyKind | undefined {
  if (KEY_SHAPE.test(value)) return value.startsWith('et_pk_') ? 'publishable' : 'secret'
  return BATAUDIT_SHAPE.test(value) ? 'secret' : undefined
}
