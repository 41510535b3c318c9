import { spawn } from 'node:child_process'
import type pg from 'pg'
import copyStreams from 'pg-copy-streams'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { canPin } from './collector-process.js'
import { copySql } from './events.js'

/** A positive integer from the environment, or the default. */
export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw.replace(/_/g, ''))
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return n
}

/** 12345.6 → "12,346". */
export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : String(n)

/**
 * Runs this script again under `taskset -c <cpu>` (once; BENCH_PINNED marks the child)
 * and exits with its code. Returns false when already pinned or pinning is off.
 */
export async function reexecPinned(cpu: string): Promise<boolean> {
  if (process.env.BENCH_PINNED || !canPin()) return false
  const child = spawn('taskset', ['-c', cpu, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: cpu },
  })
  const forward = (signal: NodeJS.Signals) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  const code = await new Promise<number>((resolve) => child.once('exit', (c, s) => resolve(c ?? (s ? 130 : 1))))
  process.exit(code)
}

/** Cleanups run in reverse order at the end, on error and on SIGINT/SIGTERM. */
export function createCleanup(): { add(fn: () => Promise<void> | void): void; run(): Promise<void> } {
  const fns: (() => Promise<void> | void)[] = []
  let running: Promise<void> | undefined
  const run = () =>
    (running ??= (async () => {
      for (const fn of fns.reverse()) {
        try {
          await fn()
        } catch (err) {
          process.stderr.write(`cleanup: ${err instanceof Error ? err.message : String(err)}\n`)
        }
      }
    })())
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: cleaning up…\n`)
      void run().then(() => process.exit(130))
    })
  }
  return { add: (fn) => void fns.push(fn), run }
}

/** `COPY events FROM STDIN` of each payload on its own connection, all in parallel; returns seconds. */
export async function copyParallel(clients: readonly pg.Client[], payloads: readonly Buffer[][]): Promise<number> {
  const started = performance.now()
  await Promise.all(
    payloads.map((chunks, i) => pipeline(Readable.from(chunks), clients[i]!.query(copyStreams.from(copySql('STDIN'))))),
  )
  return (performance.now() - started) / 1000
}

/** Stored events of a project, and the last seq of its ledger head (undefined for a project without one). */
export async function storedCount(
  q: { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }> },
  projectId: string,
): Promise<{ events: number; lastSeq: number | undefined }> {
  const c = (await q.query('select count(*)::int as n from events where project_id = $1', [projectId])).rows[0] as { n: number }
  const h = (await q.query('select last_seq::int as s from ledger_heads where project_id = $1', [projectId])).rows[0] as
    | { s: number }
    | undefined
  return { events: Number(c.n), lastSeq: h ? Number(h.s) : undefined }
}
