import { isLuhnValid } from './luhn'

/**
 * Card numbers: 13–19 digits passing Luhn, optionally grouped with single spaces
 * or dashes, never part of a longer digit run. A masked card is twelve stars plus
 * its last four digits, the same length whatever the card's.
 */

/** What a card's digits before its last four become. */
export const CARD_STARS = '************'

/** Cheap gate: only a run of 13 digits (single separators allowed) can hold a card. */
// Each step is a fixed one or two characters, so the regex cannot backtrack badly.
export const CARD_HINT = /\d(?:[ -]?\d){12}/

// A run of digit groups joined by single spaces or dashes: the text a card can be
// written in. Its groups are the only places a card may start or end.
export const RUN = /\d+(?:[ -]\d+)*/g
export const SEPARATOR = /[ -]/

// A UUID's groups can read as a grouped card (`…-7731-9087-30651b…` passes Luhn one time
// in ten); event ids, request ids and trace ids are everywhere in audit events.
export const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

// Hex identifiers hold long digit runs too: a W3C trace id (32 hex characters) has a run
// of 13 or more digits about one time in 25, and one time in ten that run passes Luhn. A
// run glued to a hex letter inside a hex token of an identifier's or digest's length
// (span id 16, trace id 32, SHA-1 40, SHA-256 64) is read as part of that identifier.
const HEX_ID_LENGTHS: ReadonlySet<number> = new Set([16, 32, 40, 64])
const isHexLetter = (code: number): boolean => (code >= 65 && code <= 70) || (code >= 97 && code <= 102)
const isHexDigit = (code: number): boolean => (code >= 48 && code <= 57) || isHexLetter(code)

/** True when the ungrouped digit run `text[start, end)` is part of a hex identifier. */
export function isInHexIdentifier(text: string, start: number, end: number): boolean {
  if (!isHexLetter(text.charCodeAt(start - 1)) && !isHexLetter(text.charCodeAt(end))) return false
  while (start > 0 && isHexDigit(text.charCodeAt(start - 1))) start--
  while (end < text.length && isHexDigit(text.charCodeAt(end))) end++
  return HEX_ID_LENGTHS.has(end - start)
}

/** Masks every card number inside `text`; returns `text` itself when there is none. */
export function maskCards(text: string): string {
  if (!CARD_HINT.test(text)) return text
  // A UUID is 36 characters with dashes: shorter texts, or texts without one, skip the search.
  return maskCardRuns(text, text.length >= 36 && text.includes('-') ? uuidSpans(text) : [])
}

/** [start, end) of each UUID in `text`, flat: a run starting inside one resumes at its end. */
export function uuidSpans(text: string): number[] {
  const spans: number[] = []
  for (const m of text.matchAll(UUID)) spans.push(m.index, m.index + m[0].length)
  return spans
}

/**
 * The card rule's walk over the digit runs of `text`, with the UUIDs `uuidSpans` found:
 * every card masked, `text` itself when there is none. `maskCards` and the browser's
 * `maskCardsCompact` differ only in the searches they skip before calling it.
 */
export function maskCardRuns(text: string, uuids: readonly number[]): string {
  let out = ''
  let copiedTo = 0
  RUN.lastIndex = 0
  for (let run: RegExpExecArray | null; (run = RUN.exec(text)); ) {
    const at = run.index
    let uuidEnd = -1
    for (let k = 0; k < uuids.length; k += 2) if (at >= uuids[k]! && at < uuids[k + 1]!) uuidEnd = uuids[k + 1]!
    if (uuidEnd >= 0) {
      RUN.lastIndex = uuidEnd
      continue
    }
    // Only an ungrouped run can sit inside a hex token.
    if (!SEPARATOR.test(run[0]) && isInHexIdentifier(text, at, at + run[0].length)) continue
    // Where each group of the run starts, and its digit count.
    const starts: number[] = []
    const sizes: number[] = []
    let start = at
    for (const group of run[0].split(SEPARATOR)) {
      starts.push(start)
      sizes.push(group.length)
      start += group.length + 1
    }
    // The four digits after an earlier mask are that card's tail, not a new card's
    // head: skipping them keeps mask(mask(x)) equal to mask(x).
    for (let g = sizes[0] === 4 && text.startsWith(CARD_STARS, at - CARD_STARS.length) ? 1 : 0; g < sizes.length; g++) {
      const last = findCardEnd(text, starts, sizes, g)
      if (last >= 0) {
        const end = starts[last]! + sizes[last]!
        out += text.slice(copiedTo, starts[g]) + CARD_STARS + text.slice(starts[g], end).replace(/\D/g, '').slice(-4)
        copiedTo = end
        g = last
      }
    }
  }
  return copiedTo ? out + text.slice(copiedTo) : text
}

/**
 * The last group of the longest Luhn-valid card that starts at group `from`, or -1.
 * Only whole groups count, so a card never starts or ends inside a digit run. Groups
 * `from`..`g` must be laid out as a written card number can be: one run of digits, or
 * a first group of 4, middle groups of 4 or 6 and a last group of at most 6 (4-4-4-4,
 * 4-4-4-4-3, 4-6-5, 4-6-4). Digit groups that merely sit next to each other — a UUID's
 * `8000-000000000001`, a date, a phone number — are not a card.
 */
export function findCardEnd(text: string, starts: readonly number[], sizes: readonly number[], from: number): number {
  let digits = 0
  let last = from
  // Widen while still within 19 digits, then try the widest candidate first.
  while (last < sizes.length && digits + sizes[last]! <= 19) digits += sizes[last++]!
  for (let g = last - 1; g >= from && digits >= 13; digits -= sizes[g--]!) {
    if (
      (g === from || (sizes[from] === 4 && sizes[g]! <= 6 && sizes.slice(from + 1, g).every((size) => size === 4 || size === 6))) &&
      isLuhnValid(text, starts[from]!, starts[g]! + sizes[g]!)
    )
      return g
  }
  return -1
}

/** A JSON number that reads as a card becomes its masked string; any other number is returned as is. */
export function maskCardNumber(value: number): number | string {
  const magnitude = Math.abs(value)
  // Integers in [1e12, 1e19) have 13–19 digits; no other number can be a card. Below
  // 1e21 JSON writes integers in plain digits, so `text` is what a reader would see.
  let text: string
  return magnitude >= 1e12 && magnitude < 1e19 && Number.isInteger(magnitude) && isLuhnValid((text = String(magnitude)), 0, text.length) ? CARD_STARS + text.slice(-4) : value
}
