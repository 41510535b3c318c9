/**
 * Cost of masking on the send path: `maskToJson` of a realistic request event
 * against plain `JSON.stringify` of the same event, measured in the same run.
 * Goal: a masked event costs at most 3× a plain one (STYLE §2.10).
 */
import { defaultMasker } from '@echotrail/core'
import { measureInterleaved } from './measure'
import { realisticEvent } from './realistic-event'

const GOAL_RATIO = 3

const event = realisticEvent()
const plainBytes = new TextEncoder().encode(JSON.stringify(event)).length
const maskedBytes = new TextEncoder().encode(defaultMasker.maskToJson(event)).length

const ns = measureInterleaved({
  masked: () => defaultMasker.maskToJson(event),
  plain: () => JSON.stringify(event),
})
const maskedNs = ns.masked!
const plainNs = ns.plain!
const ratio = maskedNs / plainNs
const perSecond = (nsPerEvent: number): string => Math.round(1e9 / nsPerEvent).toLocaleString('en-US')

console.log(`event: ${plainBytes} bytes as JSON (${maskedBytes} bytes masked); medians of interleaved rounds`)
console.log(
  `mask+serialize: ${perSecond(maskedNs)} ev/s  JSON.stringify: ${perSecond(plainNs)} ev/s  ` +
    `ratio: ${ratio.toFixed(2)} (goal ≤ ${GOAL_RATIO})`,
)
