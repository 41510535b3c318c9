import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The built `echotrail` binary. SDK suites start the real collector as a process (what
 * users run) rather than importing it: nothing imports the collector (DESIGN §1).
 */
export const CLI_PATH = fileURLToPath(new URL('../../../packages/collector/dist/cli.js', import.meta.url))

/** A collector running as its own process. */
export interface CollectorProcess {
  child: ChildProcess
  url: string
  /** The first secret key, when this start created it. */
  secretKey: string | undefined
  output(): string
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>
  /** SIGKILL: no shutdown code runs. */
  kill(): Promise<void>
}

/** Starts `echotrail start --port 0` with `env` and waits until it listens. */
export async function spawnCollector(env: Record<string, string>, timeoutMs = 30_000): Promise<CollectorProcess> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run pnpm build first (scripts/test.sh does).`)
  const child = spawn(process.execPath, [CLI_PATH, 'start', '--port', '0'], {
    env: { ...process.env, ECHOTRAIL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collector did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs)
    const check = () => {
      const match = /ingest API on (http:\/\/[^\s]+)/.exec(out)
      if (match) {
        clearTimeout(timer)
        child.stdout!.off('data', check)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`collector exited with ${code} before listening:\n${out}`))
    })
  })
  // The first-start block follows the listening line in the same write.
  await new Promise((r) => setTimeout(r, 50))
  return {
    child,
    url,
    secretKey: /\b(et_sk_[A-Za-z0-9_-]+)/.exec(out)?.[1],
    output: () => out,
    async stop() {
      child.kill('SIGTERM')
      return exited
    },
    async kill() {
      child.kill('SIGKILL')
      await exited
    },
  }
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCliProcess(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (c: Buffer) => (output += c.toString()))
    child.stderr.on('data', (c: Buffer) => (output += c.toString()))
    child.once('exit', (code) => resolve({ code, output }))
  })
}

/** A collector process on a private, empty store, and how to remove both. */
export interface TestCollectorProcess extends CollectorProcess {
  /** The environment that points the CLI at this store (for restarts and `verify`). */
  env: Record<string, string>
  /** Starts the collector again on the same store (after stop or kill). */
  restart(): Promise<TestCollectorProcess>
  /** Stops the process (if running) and removes the store. */
  destroy(): Promise<void>
}

/**
 * Starts a real collector as its own process on a fresh store: a new PostgreSQL
 * database (default) or a new PGlite folder. Its first secret key is in `secretKey`.
 */
export async function startCollectorProcess(
  options: { backend?: 'postgres' | 'pglite'; env?: Record<string, string> } = {},
): Promise<TestCollectorProcess> {
  const { createTestDatabase } = await import('./database.js')
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  let storeEnv: Record<string, string>
  let removeStore: () => Promise<void>
  if ((options.backend ?? 'postgres') === 'postgres') {
    const db = await createTestDatabase('et_sdk')
    storeEnv = { DATABASE_URL: db.url }
    removeStore = () => db.drop()
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'et-sdk-pglite-'))
    storeEnv = { ECHOTRAIL_DATA_DIR: dir }
    removeStore = async () => rmSync(dir, { recursive: true, force: true })
  }
  const env = { ECHOTRAIL_KEY_CACHE_TTL_MS: '0', ...storeEnv, ...options.env }
  let secretKey: string | undefined
  const wrap = (proc: CollectorProcess): TestCollectorProcess => {
    secretKey ??= proc.secretKey
    return {
      ...proc,
      secretKey,
      env,
      async restart() {
        return wrap(await spawnCollector(env))
      },
      async destroy() {
        if (proc.child.exitCode === null && proc.child.signalCode === null) await proc.stop()
        await removeStore()
      },
    }
  }
  return wrap(await spawnCollector(env))
}
