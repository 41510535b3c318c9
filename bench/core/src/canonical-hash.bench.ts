/**
 * Cost of the ledger hash on the collector's write path: `canonicalize(event)` (RFC 8785
 * JCS) against plain `JSON.stringify` of the same event, measured in the same run, plus
 * the whole `hashEvent` (JCS, UTF-8, SHA-256(0x00 ‖ bytes)) with a synchronous
 * node:crypto SHA-256, as the collector runs it. Goal: canonicalize costs at most 2×
 * JSON.stringify (STYLE §2.10).
 */
import { createHash } from 'node:crypto'
import { canonicalize, hashEvent } from '@echotrail/core'
import { measureInterleavedAsync } from './measure'
import { realisticEvent } from './realistic-event'

const GOAL_RATIO = 2

const nodeSha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest()

const event = realisticEvent()
const plainBytes = new TextEncoder().encode(JSON.stringify(event)).length
const canonicalBytes = new TextEncoder().encode(canonicalize(event)).length

const ns = await measureInterleavedAsync({
  canonicalize: () => canonicalize(event),
  plain: () => JSON.stringify(event),
  hash: () => hashEvent(event, nodeSha256),
})
const canonicalNs = ns.canonicalize!
const plainNs = ns.plain!
const hashNs = ns.hash!
const us = (nsPerCall: number): string => (nsPerCall / 1_000).toFixed(2)

console.log(`event: ${plainBytes} bytes as JSON (${canonicalBytes} bytes canonical); medians of interleaved rounds`)
console.log(
  `canonicalize: ${us(canonicalNs)} µs  JSON.stringify: ${us(plainNs)} µs  ` +
    `ratio: ${(canonicalNs / plainNs).toFixed(2)} (goal ≤ ${GOAL_RATIO})  hashEvent (node:crypto): ${us(hashNs)} µs`,
)
