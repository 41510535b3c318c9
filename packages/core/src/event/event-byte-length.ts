import { utf8ByteLength } from '../delivery/utf8-byte-length'

/**
 * Size of `event` as UTF-8 JSON, the measure behind `WIRE_LIMITS.maxEventBytes`.
 * Throws like `JSON.stringify` on cycles and BigInt; 0 when there is nothing to serialise.
 */
export function eventByteLength(event: unknown): number {
  const json: string | undefined = JSON.stringify(event)
  return json === undefined ? 0 : utf8ByteLength(json)
}
