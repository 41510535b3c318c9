/**
 * A UUIDv7 (RFC 9562 §5.7) per call, strictly increasing within the page: the 12-bit
 * `rand_a` is a counter seeded at each new millisecond (method 1 of §6.2), and when it
 * would overflow, or the clock steps back, the timestamp is carried forward instead.
 * `@echotrail/core`'s generator does the same, tuned for a server's hot path (random
 * bytes drawn in blocks, the time prefix cached); a page makes a few ids a second, so
 * this one is written for the script tag's size.
 */
let lastMs = 0
let counter = 0

const hex = (value: number, digits: number): string => value.toString(16).padStart(digits, '0')

/** A new UUIDv7 string, greater than every earlier one from this page. */
export function uuidv7(now = Date.now()): string {
  // 96 random bits: 11 seed the counter, 62 fill rand_b.
  const [seed, low, high] = crypto.getRandomValues(new Uint32Array(3)) as unknown as [number, number, number]
  if (now > lastMs) {
    lastMs = now
    // Seeded below 0x800, so at least 2,048 more ids fit in this millisecond.
    counter = seed & 0x7ff
  } else if (++counter > 0xfff) {
    lastMs++
    counter = seed & 0x7ff
  }
  const time = hex(lastMs, 12)
  // The top two bits of rand_b are the variant, 10.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(counter, 3)}-${hex((low & 0x3fff) | 0x8000, 4)}-${hex(low >>> 16, 4)}${hex(high, 8)}`
}
