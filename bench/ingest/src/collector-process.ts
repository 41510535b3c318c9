import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/** The built `echotrail` CLI (packages/collector/dist/cli.js); `pnpm build` makes it. */
export function collectorCli(): string {
  const cli = join(dirname(require.resolve('@echotrail/collector/package.json')), 'dist', 'cli.js')
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm build\` (or pnpm -C packages/collector build) first`)
  return cli
}

/** True when `taskset` can pin processes here. */
export function canPin(): boolean {
  return process.env.BENCH_NO_PIN === undefined && spawnSync('taskset', ['-c', '0', 'true']).status === 0
}

/** Cpus_allowed_list of a process, e.g. "1". */
export function allowedCpus(pid: number | 'self' = 'self'): string {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?'
  } catch {
    return '?'
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Storage of a spawned collector. */
export type CollectorStorage = { databaseUrl: string } | { dataDir: string }

function storageEnv(storage: CollectorStorage): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env.DATABASE_URL
  delete env.ECHOTRAIL_DATA_DIR
  delete env.NODE_OPTIONS
  if ('databaseUrl' in storage) env.DATABASE_URL = storage.databaseUrl
  else env.ECHOTRAIL_DATA_DIR = storage.dataDir
  return env
}

/** Runs `echotrail migrate` on the storage: schema and daily partitions, then exits. */
export function migrateStore(storage: CollectorStorage): void {
  const r = spawnSync(process.execPath, [collectorCli(), 'migrate'], { env: storageEnv(storage), encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`echotrail migrate failed (${r.status}): ${r.stderr || r.stdout}`)
}

/** A collector running in its own process. */
export interface CollectorProcess {
  readonly pid: number
  readonly url: string
  /** The first secret key, printed on the first start of an empty store. */
  readonly secretKey: string | undefined
  /** CPUs the process may run on. */
  readonly cpus: string
  /** SIGTERM, then waits for the drain and exit (the CPU profile, if any, is written then). */
  stop(): Promise<void>
}

/** Options of spawnCollector. */
export interface SpawnOptions {
  storage: CollectorStorage
  /** CPU list for `taskset -c`; undefined runs unpinned. */
  cpu?: string | undefined
  /** The store is empty: wait for the first secret key. */
  expectKey: boolean
  /**
   * Flags for the collector's node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. They go on
   * the command line: Node 20 refuses --cpu-prof in NODE_OPTIONS.
   */
  nodeArgs?: readonly string[]
}

const KEY = /et_sk_[A-Za-z0-9_-]+/

/** Spawns `node dist/cli.js start` (under `taskset -c <cpu>`) and waits until it listens. */
export async function spawnCollector(options: SpawnOptions): Promise<CollectorProcess> {
  const port = await freePort()
  const env = storageEnv(options.storage)
  env.ECHOTRAIL_INGEST_PORT = String(port)
  env.ECHOTRAIL_HOST = '127.0.0.1'
  env.ECHOTRAIL_LOG_LEVEL = process.env.ECHOTRAIL_LOG_LEVEL ?? 'warn'
  const args = [...(options.nodeArgs ?? []), collectorCli(), 'start']
  const child: ChildProcess = options.cpu
    ? spawn('taskset', ['-c', options.cpu, process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[collector] ${d}`)
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const ready = await new Promise<{ url: string; key: string | undefined }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector not ready after 90 s\n${stdout}\n${stderr}`)), 90_000)
    const check = () => {
      const url = /ingest API on (\S+)/.exec(stdout)?.[1]
      if (!url) return
      const key = KEY.exec(stdout)?.[0]
      if (options.expectKey ? key : /Storage:/.test(stdout)) {
        clearTimeout(timer)
        resolve({ url, key })
      }
    }
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      if (process.env.BENCH_VERBOSE) process.stdout.write(`[collector] ${d}`)
      check()
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`collector exited (${code}) before it was ready\n${stdout}\n${stderr}`))
    })
  })
  const pid = child.pid!
  let stopping: Promise<void> | undefined
  return {
    pid,
    url: ready.url,
    secretKey: ready.key,
    cpus: allowedCpus(pid),
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 120_000)
        await exited
        clearTimeout(killer)
      })()
      return stopping
    },
  }
}
