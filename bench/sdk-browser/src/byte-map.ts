// bench/sdk-browser byte map: where the script tag's bytes come from, by source file.
// Usage: pnpm -C bench/sdk-browser byte-map [path/to/echotrail.min.js]   (reads the .map beside it;
//        the shipped build maps @echotrail/core to its dist/index.js as one file; for a map by
//        core source file, build with packages/sdk-browser/scripts/build-iife-from-source.mjs
//        and pass /tmp/echotrail-from-source.min.js)
//
// Each minified character is attributed, through the source map, to the source file it
// came from. Gzip bytes are not additive, so a file's gzip share is estimated as what the
// gzipped tag would lose without that file's characters (marginal cost), and the shares
// are scaled to sum to the whole: good enough to say where to cut, not exact per byte.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const defaultPath = fileURLToPath(new URL('../../../packages/sdk-browser/dist/echotrail.min.js', import.meta.url))
const path = process.argv[2] ?? defaultPath
const code = readFileSync(path, 'utf8')
const map = JSON.parse(readFileSync(`${path}.map`, 'utf8')) as { sources: string[]; mappings: string }

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Decodes one mapping segment's base64 VLQ fields. */
function decodeSegment(segment: string): number[] {
  const fields: number[] = []
  let value = 0
  let shift = 0
  for (const char of segment) {
    const digit = BASE64.indexOf(char)
    value += (digit & 31) << shift
    if (digit & 32) shift += 5
    else {
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
      value = 0
      shift = 0
    }
  }
  return fields
}

// owner[i]: the source index of minified character i (-1: none, e.g. the IIFE wrapper).
const owner = new Int32Array(code.length).fill(-1)
const lineStarts = [0]
for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStarts.push(i + 1)
let sourceIndex = 0
map.mappings.split(';').forEach((line, lineNo) => {
  let column = 0
  const marks: [number, number][] = []
  for (const segment of line.split(',')) {
    if (!segment) continue
    const fields = decodeSegment(segment)
    column += fields[0]!
    if (fields.length > 1) sourceIndex += fields[1]!
    marks.push([column, fields.length > 1 ? sourceIndex : -1])
  }
  const start = lineStarts[lineNo]!
  const end = lineNo + 1 < lineStarts.length ? lineStarts[lineNo + 1]! : code.length
  marks.forEach(([col, source], k) => owner.fill(source, start + col, k + 1 < marks.length ? start + marks[k + 1]![0] : end))
})

const name = (source: string | undefined): string =>
  source === undefined ? '(unmapped)' : source.replace(/^.*?packages\//, '').replace(/^.*node_modules\//, '')
const gzipLength = (text: string): number => gzipSync(text, { level: 9 }).length
const total = gzipLength(code)

const rows = new Map<string, { chars: number; marginal: number }>()
const groups = new Map<number, number[]>()
owner.forEach((source, i) => {
  const list = groups.get(source) ?? []
  list.push(i)
  groups.set(source, list)
})
for (const [source, positions] of groups) {
  const mine = new Set(positions)
  let without = ''
  for (let i = 0; i < code.length; i++) if (!mine.has(i)) without += code[i]
  rows.set(name(source < 0 ? undefined : map.sources[source]), { chars: positions.length, marginal: total - gzipLength(without) })
}
const marginalSum = [...rows.values()].reduce((sum, row) => sum + row.marginal, 0)
console.log(`${path}: ${code.length} bytes minified, ${total} bytes min+gzip (level 9)`)
console.log('  min bytes   gzip share   source')
for (const [source, row] of [...rows].sort((a, b) => b[1].marginal - a[1].marginal)) {
  const share = (row.marginal / marginalSum) * total
  console.log(`  ${String(row.chars).padStart(9)}   ${share.toFixed(0).padStart(10)}   ${source}`)
}
