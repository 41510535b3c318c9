import { CARD_HINT, CARD_STARS, findCardEnd, isInHexIdentifier, RUN, SEPARATOR, UUID } from './mask-cards'

/**
 * `maskCards` for a browser bundle: the same runs, UUID and hex-identifier exceptions,
 * card layouts and Luhn check, without the gate on the UUID search (which only skips a
 * search finding nothing). The card hint stays: without it every string of every event
 * is scanned for digit runs and UUIDs, about 4× the masking time of an event (measured
 * in Node), for some 20 bytes. compact-mask-cards.property.test.ts proves the output is
 * the same.
 */
export function maskCardsCompact(text: string): string {
  // Only a run of 13 digits (single separators allowed) can hold a card.
  if (!CARD_HINT.test(text)) return text
  // [start, end) of each UUID: a run starting inside one resumes at its end.
  const uuids = Array.from(text.matchAll(UUID), (m) => [m.index, m.index + m[0].length] as const)
  let out = ''
  let copiedTo = 0
  RUN.lastIndex = 0
  for (let run: RegExpExecArray | null; (run = RUN.exec(text)); ) {
    const at = run.index
    const uuid = uuids.find(([start, end]) => at >= start && at < end)
    if (uuid) RUN.lastIndex = uuid[1]
    // Only an ungrouped run can sit inside a hex token.
    else if (SEPARATOR.test(run[0]) || !isInHexIdentifier(text, at, at + run[0].length)) {
      const starts: number[] = []
      const sizes: number[] = []
      let start = at
      for (const group of run[0].split(SEPARATOR)) {
        starts.push(start)
        sizes.push(group.length)
        start += group.length + 1
      }
      // The four digits after an earlier mask are that card's tail (see maskCards).
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
  }
  return out + text.slice(copiedTo)
}
