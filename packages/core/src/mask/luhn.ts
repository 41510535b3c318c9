/**
 * True when the digits of `text[start, end)` pass the Luhn check. Characters
 * other than `0-9` (group separators) are skipped, so grouped numbers need no copy.
 */
export function isLuhnValid(text: string, start: number, end: number): boolean {
  let sum = 0
  let double = false
  for (let i = end; i-- > start; ) {
    const digit = text.charCodeAt(i) - 48
    if (digit >= 0 && digit <= 9) {
      sum += double ? (digit > 4 ? digit * 2 - 9 : digit * 2) : digit
      double = !double
    }
  }
  return sum % 10 === 0
}
