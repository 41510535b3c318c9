/** Options of a UUIDv7 generator; both exist so tests can pin time and randomness. */
export interface UuidV7Options {
  /** Wall clock in ms since the Unix epoch. @default Date.now */
  now?: () => number
  /** Fills a byte array with random bytes. @default crypto.getRandomValues */
  fillRandom?: (bytes: Uint8Array) => void
}

/** Returns a new UUIDv7 string on every call, strictly increasing for this generator. */
export type UuidV7Generator = () => string

// Random bytes are drawn in blocks: crypto.getRandomValues costs a call per use,
// and ids are made on the request hot path.
// Each id takes 10 bytes: 2 to seed the counter, 8 for rand_b and the variant.
const BYTES_PER_ID = 10
const RANDOM_BLOCK_BYTES = BYTES_PER_ID * 256
const COUNTER_MAX = 0xfff

const HEX: readonly string[] = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/**
 * Creates a UUIDv7 generator (RFC 9562 §5.7) that is monotonic within a millisecond.
 *
 * The 12-bit `rand_a` field is a counter (RFC 9562 §6.2, method 1): seeded with
 * random bits at each new millisecond, leaving headroom, and incremented for every
 * further id in the same millisecond. When it would overflow, or the clock steps
 * backwards, the timestamp is carried forward by one millisecond instead, so ids
 * from one generator always sort in creation order.
 */
export function createUuidV7Generator(options: UuidV7Options = {}): UuidV7Generator {
  const now = options.now ?? (() => Date.now())
  const fillRandom = options.fillRandom ?? ((bytes: Uint8Array) => void globalThis.crypto.getRandomValues(bytes))
  const pool = new Uint8Array(RANDOM_BLOCK_BYTES)
  let poolOffset = RANDOM_BLOCK_BYTES
  let lastMs = -1
  let counter = 0

  const takeRandom = (): number => {
    if (poolOffset + BYTES_PER_ID > RANDOM_BLOCK_BYTES) {
      fillRandom(pool)
      poolOffset = 0
    }
    const at = poolOffset
    poolOffset += BYTES_PER_ID
    return at
  }

  // The first 15 characters (time and version) change once per millisecond while many
  // ids share one: formatted once per millisecond instead of once per id.
  let prefixMs = -1
  let prefix = ''

  return () => {
    const at = takeRandom()
    let ms = Math.floor(now())
    if (ms > lastMs) {
      // Seed below 0x800 so at least 2048 more ids fit in this millisecond.
      counter = ((pool[at]! << 8) | pool[at + 1]!) & 0x7ff
      lastMs = ms
    } else {
      ms = lastMs
      counter += 1
      if (counter > COUNTER_MAX) {
        lastMs += 1
        ms = lastMs
        counter = ((pool[at]! << 8) | pool[at + 1]!) & 0x7ff
      }
    }
    if (ms !== prefixMs) {
      prefixMs = ms
      prefix = timePrefix(ms)
    }
    const r = pool
    const b = at + 2
    // rand_a's 12 bits are the counter; the top two bits of rand_b are the variant (10).
    return (
      prefix +
      HEX[counter >>> 8]![1]! +
      HEX[counter & 0xff]! +
      '-' +
      HEX[0x80 | (r[b]! & 0x3f)]! +
      HEX[r[b + 1]!]! +
      '-' +
      HEX[r[b + 2]!]! +
      HEX[r[b + 3]!]! +
      HEX[r[b + 4]!]! +
      HEX[r[b + 5]!]! +
      HEX[r[b + 6]!]! +
      HEX[r[b + 7]!]!
    )
  }
}

/** `tttttttt-tttt-7`: the 48-bit big-endian milliseconds and the version digit. */
function timePrefix(ms: number): string {
  // Split because bitwise operators are 32-bit.
  const high = Math.floor(ms / 0x1_0000_0000)
  const low = ms >>> 0
  return (
    HEX[(high >>> 8) & 0xff]! +
    HEX[high & 0xff]! +
    HEX[(low >>> 24) & 0xff]! +
    HEX[(low >>> 16) & 0xff]! +
    '-' +
    HEX[(low >>> 8) & 0xff]! +
    HEX[low & 0xff]! +
    '-7'
  )
}

/** The process-wide default generator. */
export const uuidv7: UuidV7Generator = /* @__PURE__ */ createUuidV7Generator()

/** Milliseconds since the Unix epoch encoded in a UUIDv7 string. */
export function uuidv7Timestamp(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** True when `value` is a canonical lower-case UUIDv7 string. */
export function isUuidV7(value: string): boolean {
  return UUID_V7.test(value)
}
