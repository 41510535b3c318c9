import fc from 'fast-check'
import { DEFAULT_SECRET_KEYS } from './secret-keys'

/**
 * @internal Generators shared by the masking property tests; not exported from
 * the package and never bundled.
 */

/** The digit that makes `payload` + digit pass Luhn. */
export function luhnCheckDigit(payload: string): string {
  let sum = 0
  // Counting from the right of the final number, the payload's last digit is doubled.
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    const digit = Number(payload[i])
    sum += double ? (digit > 4 ? digit * 2 - 9 : digit * 2) : digit
  }
  return String((10 - (sum % 10)) % 10)
}

const digits = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength })

/** A Luhn-valid card number of 13–19 digits, ungrouped. */
export const cardDigits: fc.Arbitrary<string> = digits(12, 18).map((payload) => payload + luhnCheckDigit(payload))

/** A card as people write it: `{ digits, text }` with `text` ungrouped or grouped by single spaces or dashes. */
export const cardText: fc.Arbitrary<{ digits: string; text: string }> = fc
  .tuple(cardDigits, fc.constantFrom('', ' ', '-'), fc.array(fc.constantFrom(4, 4, 4, 6), { maxLength: 4 }))
  .map(([card, separator, sizes]) => {
    if (separator === '' || sizes.length === 0) return { digits: card, text: card }
    // Written layouts only (4-4-4-4, 4-6-5, …): the first group 4 digits, middle ones
    // 4 or 6, the rest last (at most 6 digits, else it is split into fours).
    const groups: string[] = []
    let at = 0
    for (const size of [4, ...sizes]) {
      if (card.length - at <= 6) break
      groups.push(card.slice(at, at + size))
      at += size
    }
    while (card.length - at > 6) {
      groups.push(card.slice(at, at + 4))
      at += 4
    }
    if (at < card.length) groups.push(card.slice(at))
    return { digits: card, text: groups.join(separator) }
  })

/** A digit run that is not a card: wrong length, or 13–19 digits failing Luhn. */
export const nonCardDigits: fc.Arbitrary<string> = fc.oneof(
  digits(1, 12),
  digits(20, 40),
  digits(12, 18).map((payload) => payload + String((Number(luhnCheckDigit(payload)) + 1) % 10)),
)

// A default secret name with words joined by `separator`, after `prefix`, in random case.
const spellSecretKey = (separators: readonly string[], prefixes: readonly string[]): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(...DEFAULT_SECRET_KEYS),
      fc.constantFrom(...separators),
      fc.constantFrom(...prefixes),
      fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
    )
    .map(([name, separator, prefix, upper]) => {
      const spelled = prefix + name.replace(/[-_]/g, separator)
      return [...spelled].map((ch, i) => (upper[i] === true ? ch.toUpperCase() : ch.toLowerCase())).join('')
    })

/** A default secret key spelled at random: any case, separators between words, an optional prefix. */
export const secretKeySpelling: fc.Arbitrary<string> = spellSecretKey(['', '_', '-', '.', ' '], ['', 'x-', 'X_', 'user_', 'oauth.', 'my '])

/** A default secret key spelled as a URL parameter name: no spaces, maybe in brackets (`user[password]`). */
export const secretParamName: fc.Arbitrary<string> = fc
  .tuple(spellSecretKey(['', '_', '-', '.'], ['', 'x-', 'X_', 'user_', 'oauth.']), fc.boolean())
  .map(([name, bracketed]) => (bracketed ? `user[${name}]` : name))

/** Text mixing what masking looks for (cards, auth schemes, keys, URL parameters and userinfo, digit runs, star runs) with noise. */
export const maskableText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 8 }),
      cardText.map((card) => card.text),
      nonCardDigits,
      fc.constantFrom(' ', '-', '--', '*', '************', 'Bearer ', 'basic ', 'et_sk_', 'et_pk_', 'bat_', '='),
      fc.constantFrom('?', '&', '#', ';', ':', '@', '/', '://', 'https://u:', '?access_token=', '&pwd=', 'token=', 'max_tokens=', '…'),
      fc.string({ unit: fc.constantFrom(...'abcXYZ019_-.~+/='), minLength: 1, maxLength: 12 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''))

/** Any value a host app might hand over, including text worth masking. */
export const anyValue: fc.Arbitrary<unknown> = fc.anything({
  key: fc.oneof(fc.string(), secretKeySpelling),
  values: [fc.string(), maskableText, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), cardDigits.map(Number)],
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
})
