import { isLuhnValid } from './luhn'

/**
 * Card numbers: 13–19 digits passing Luhn, optionally grouped with single spaces
 * or dashes, never part of a longer digit run. A masked card is twelve stars plus
 * its last four digits, the same length whatever the card's.
 */

const MIN_CARD_DIGITS = 13
const MAX_CARD_DIGITS = 19
const CARD_STARS = '************'

// Cheap gate: only a run of 13 digits (single separators allowed) can hold a card.
// Each step is a fixed one or two characters, so the regex cannot backtrack badly.
const CARD_HINT = /\d(?:[ -]?\d){12}/

/** Integers in [1e12, 1e19) have 13–19 digits; no other number can be a card. */
const MIN_CARD_NUMBER = 1e12
const MAX_CARD_NUMBER = 1e19

const isDigit = (code: number): boolean => code >= 48 && code <= 57
const isSeparator = (code: number): boolean => code === 32 || code === 45

// A UUID's groups can read as a grouped card (`…-7731-9087-30651b…` passes Luhn one time
// in ten); event ids, request ids and trace ids are everywhere in audit events.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

/** End of the UUID covering position `at`, or -1; `spans` holds [start, end) pairs. */
function uuidEndAt(spans: readonly number[], at: number): number {
  for (let k = 0; k < spans.length; k += 2) if (at >= spans[k]! && at < spans[k + 1]!) return spans[k + 1]!
  return -1
}

/** Masks every card number inside `text`; returns `text` itself when there is none. */
export function maskCards(text: string): string {
  if (!CARD_HINT.test(text)) return text
  const uuids: number[] = []
  if (text.length >= 36 && text.includes('-')) for (const m of text.matchAll(UUID)) uuids.push(m.index, m.index + m[0].length)
  let out = ''
  let copiedTo = 0
  // Group boundaries of the current run: starts[g], ends[g] (exclusive).
  const starts: number[] = []
  const ends: number[] = []
  let i = 0
  while (i < text.length) {
    if (!isDigit(text.charCodeAt(i))) {
      i++
      continue
    }
    const insideUuid = uuids.length > 0 ? uuidEndAt(uuids, i) : -1
    if (insideUuid >= 0) {
      i = insideUuid
      continue
    }
    starts.length = 0
    ends.length = 0
    let end = i
    for (;;) {
      const groupStart = end
      while (end < text.length && isDigit(text.charCodeAt(end))) end++
      starts.push(groupStart)
      ends.push(end)
      if (end + 1 < text.length && isSeparator(text.charCodeAt(end)) && isDigit(text.charCodeAt(end + 1))) end++
      else break
    }
    let first = 0
    // The four digits after an earlier mask are that card's tail, not a new card's
    // head: skipping them keeps mask(mask(x)) equal to mask(x).
    if (i >= CARD_STARS.length && ends[0]! - starts[0]! === 4 && text.startsWith(CARD_STARS, i - CARD_STARS.length)) first = 1
    for (let g = first; g < starts.length; g++) {
      const last = findCardEnd(text, starts, ends, g)
      if (last < 0) continue
      out += text.slice(copiedTo, starts[g]) + CARD_STARS + lastFourDigits(text, ends[last]!)
      copiedTo = ends[last]!
      g = last
    }
    i = end
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo)
}

/**
 * True when groups `from`..`to` are laid out as a written card number can be: one run
 * of digits, or a first group of 4, middle groups of 4 or 6 and a last group of at
 * most 6 (4-4-4-4, 4-4-4-4-3, 4-6-5, 4-6-4). Digit groups that merely sit next to each
 * other — a UUID's `8000-000000000001`, a date, a phone number — are not a card.
 */
function isCardLayout(starts: readonly number[], ends: readonly number[], from: number, to: number): boolean {
  if (from === to) return true
  const size = (g: number) => ends[g]! - starts[g]!
  if (size(from) !== 4 || size(to) > 6) return false
  for (let g = from + 1; g < to; g++) if (size(g) !== 4 && size(g) !== 6) return false
  return true
}

/**
 * The last group of the longest Luhn-valid card that starts at group `from`, or -1.
 * Only whole groups count, so a card never starts or ends inside a digit run.
 */
function findCardEnd(text: string, starts: readonly number[], ends: readonly number[], from: number): number {
  let digits = 0
  let last = from
  // Widen while still within 19 digits, then try the widest candidate first.
  while (last < starts.length) {
    const next = digits + ends[last]! - starts[last]!
    if (next > MAX_CARD_DIGITS) break
    digits = next
    last++
  }
  for (let g = last - 1; g >= from; g--) {
    if (digits < MIN_CARD_DIGITS) return -1
    if (isCardLayout(starts, ends, from, g) && isLuhnValid(text, starts[from]!, ends[g]!)) return g
    digits -= ends[g]! - starts[g]!
  }
  return -1
}

function lastFourDigits(text: string, end: number): string {
  let digits = ''
  for (let i = end - 1; i >= 0 && digits.length < 4; i--) {
    if (isDigit(text.charCodeAt(i))) digits = text[i]! + digits
  }
  return digits
}

/** A JSON number that reads as a card becomes its masked string; any other number is returned as is. */
export function maskCardNumber(value: number): number | string {
  const magnitude = value < 0 ? -value : value
  if (!(magnitude >= MIN_CARD_NUMBER && magnitude < MAX_CARD_NUMBER) || !Number.isInteger(magnitude)) return value
  // Below 1e21 JSON writes integers in plain digits, so this is the text a reader would see.
  const text = String(magnitude)
  if (!isLuhnValid(text, 0, text.length)) return value
  return CARD_STARS + text.slice(-4)
}
