import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  hitCount?: number
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

/** One row of the self-time table. */
export interface SelfTimeEntry {
  name: string
  where: string
  selfMs: number
  share: number
}

/** Where a script URL lives, shortened: `fastify/lib/route.js`, `collector/dist/index.js`, `node:internal/...`. */
export function shortUrl(url: string): string {
  if (!url) return ''
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length)
  const pk = url.indexOf('/packages/')
  if (pk >= 0) return url.slice(pk + '/packages/'.length)
  return url.replace(/^file:\/\//, '')
}

/** Coarse owner of a frame: a package name, the collector, core, node internals or V8. */
export function owner(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native/V8)'
  if (url.startsWith('node:')) return 'node:' + (url.slice(5).split('/')[1] ?? url.slice(5))
  const nm = url.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/')
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!
  }
  const pk = /\/packages\/([^/]+)\//.exec(url)
  if (pk) return `@echotrail/${pk[1]}`
  return url
}

/** Self time per function (name + script + line), largest first, from a .cpuprofile. */
export function selfTimes(profile: CpuProfile, skipMs = 0): { total: number; busy: number; byFunction: SelfTimeEntry[]; byOwner: SelfTimeEntry[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  if (samples.length > 0) {
    // timeDeltas[i] is the time before sample i; the interval after a sample is its cost.
    let atMs = 0
    for (let i = 0; i < samples.length; i++) {
      atMs += (deltas[i] ?? 0) / 1000
      if (atMs < skipMs) continue
      const dt = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000
      self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + dt)
    }
  } else {
    const total = (profile.endTime - profile.startTime) / 1000
    const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0)
    for (const n of profile.nodes) self.set(n.id, ((n.hitCount ?? 0) / Math.max(1, hits)) * total)
  }
  const fn = new Map<string, SelfTimeEntry>()
  const own = new Map<string, SelfTimeEntry>()
  let total = 0
  for (const [id, ms] of self) {
    const node = byId.get(id)
    if (!node) continue
    total += ms
    const { functionName, url, lineNumber } = node.callFrame
    const name = functionName || '(anonymous)'
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : ''
    const key = `${name}\u0000${where}`
    const e = fn.get(key) ?? { name, where, selfMs: 0, share: 0 }
    e.selfMs += ms
    fn.set(key, e)
    const o = owner(url, name)
    const oe = own.get(o) ?? { name: o, where: '', selfMs: 0, share: 0 }
    oe.selfMs += ms
    own.set(o, oe)
  }
  // Shares are of the busy (non-idle) time: what the process spent its CPU on.
  const busy = total - [...fn.values()].filter((e) => e.name === '(idle)').reduce((s, e) => s + e.selfMs, 0)
  const finish = (m: Map<string, SelfTimeEntry>) =>
    [...m.values()]
      .filter((e) => e.name !== '(idle)')
      .map((e) => ({ ...e, share: e.selfMs / Math.max(1e-9, busy) }))
      .sort((a, b) => b.selfMs - a.selfMs)
  return { total, busy, byFunction: finish(fn), byOwner: finish(own) }
}

/** The self-time tables as text. */
export function formatSelfTimes(profile: CpuProfile, top = 10, skipMs = 0): string {
  const { total, busy, byFunction, byOwner } = selfTimes(profile, skipMs)
  const skipped = skipMs > 0 ? ` after skipping the first ${(skipMs / 1000).toFixed(1)} s (start-up)` : ''
  const lines = [`profile: ${(total / 1000).toFixed(1)} s sampled${skipped}, ${(busy / 1000).toFixed(1)} s not idle`, '', `top ${top} self time (share of the non-idle time):`]
  byFunction.slice(0, top).forEach((e, i) => {
    lines.push(`${String(i + 1).padStart(3)}. ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(7)} ms  ${e.name}  ${e.where}`)
  })
  lines.push('', 'self time by owner:')
  for (const e of byOwner.slice(0, 14)) lines.push(`  ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.name}`)
  return lines.join('\n')
}

/** Reads a .cpuprofile file. */
export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
}

// `node --import tsx src/cpuprofile.ts FILE [TOP] [SKIP_MS]` prints the tables of one profile.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2]
  if (!file) {
    process.stderr.write('usage: node --import tsx src/cpuprofile.ts FILE.cpuprofile [TOP] [SKIP_MS]\n')
    process.exit(2)
  }
  process.stdout.write(formatSelfTimes(readProfile(file), Number(process.argv[3] ?? 10), Number(process.argv[4] ?? 0)) + '\n')
}
