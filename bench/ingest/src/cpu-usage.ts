import { readdirSync, readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100 // USER_HZ on Linux

function procSeconds(pid: string | number): { comm: string; seconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const close = stat.lastIndexOf(')')
    const comm = stat.slice(stat.indexOf('(') + 1, close)
    const fields = stat.slice(close + 2).split(' ')
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
    return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND }
  } catch {
    return undefined
  }
}

/** CPU seconds used so far by the given processes and by all `postgres` processes. */
export interface CpuSnapshot {
  atMs: number
  byPid: Map<number, number>
  postgres: Map<number, number>
}

/** Reads /proc (Linux only; empty elsewhere). */
export function cpuSnapshot(pids: readonly number[]): CpuSnapshot {
  const byPid = new Map<number, number>()
  for (const pid of pids) {
    const s = procSeconds(pid)
    if (s) byPid.set(pid, s.seconds)
  }
  const postgres = new Map<number, number>()
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      const s = procSeconds(entry)
      if (s?.comm === 'postgres') postgres.set(Number(entry), s.seconds)
    }
  } catch {
    // not Linux
  }
  return { atMs: performance.now(), byPid, postgres }
}

/** Busy share of one core between two snapshots, per pid and for PostgreSQL (all its processes). */
export function cpuShare(a: CpuSnapshot, b: CpuSnapshot): { wallSeconds: number; byPid: Map<number, number>; postgres: number } {
  const wall = (b.atMs - a.atMs) / 1000
  const byPid = new Map<number, number>()
  for (const [pid, s] of b.byPid) byPid.set(pid, (s - (a.byPid.get(pid) ?? s)) / wall)
  let pg = 0
  for (const [pid, s] of b.postgres) pg += s - (a.postgres.get(pid) ?? 0)
  return { wallSeconds: wall, byPid, postgres: pg / wall }
}
