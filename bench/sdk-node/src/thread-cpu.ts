// CPU time of a process's threads from /proc (Linux): the main thread apart from the others
// (libuv threadpool, V8 helpers), to show how much of the SDK's work runs off the main thread.
import { readdirSync, readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

/** User + system CPU µs of the main thread of `pid` and of all its other threads; undefined without /proc. */
export function threadCpu(pid: number | undefined): { mainUs: number; othersUs: number } | undefined {
  if (pid === undefined) return undefined
  try {
    let mainUs = 0
    let othersUs = 0
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const us = ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND
      if (Number(tid) === pid) mainUs += us
      else othersUs += us
    }
    return { mainUs, othersUs }
  } catch {
    return undefined
  }
}
