import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HarnessError } from '@echotrail/test-harness'

/** A PostgreSQL server of the test's own, so it can be stopped without touching anyone else's. */
export interface PrivatePostgres {
  url: string
  start(): void
  stop(): void
  destroy(): void
}

function binDir(): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))) : []
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]
  if (!newest) {
    throw new HarnessError('ET_HARNESS_NO_DATABASE', 'PostgreSQL server binaries (pg_ctl, initdb) are not installed under /usr/lib/postgresql; scripts/test.sh installs them.')
  }
  return join(root, newest, 'bin')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * Creates and starts a throwaway PostgreSQL cluster on a free loopback port (initdb,
 * trust auth, fsync off). PostgreSQL refuses to run as root, so as root the cluster
 * belongs to the `postgres` system user.
 */
export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir()
  const dir = mkdtempSync(join(tmpdir(), 'et-private-pg-'))
  const dataDir = join(dir, 'data')
  chmodSync(dir, 0o777)
  const asRoot = process.getuid?.() === 0
  const run = (tool: string, args: string[]) => {
    const cmd = asRoot ? 'runuser' : join(bin, tool)
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args
    execFileSync(cmd, argv, { stdio: 'pipe', timeout: 60_000 })
  }
  const port = await freePort()
  run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
  const pg: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => run('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'log'), '-w', 'start']),
    stop: () => run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']),
    destroy: () => {
      try {
        pg.stop()
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
  pg.start()
  return pg
}
