import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { StartupError } from '../errors.js'

const LOCK_FILE = 'echotrail.pid'

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Claims a PGlite data folder for this process. PGlite is one process's database: a
 * second process opening the same folder would corrupt it, so the second one is told
 * who holds it instead. A lock left by a killed process is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE)
  try {
    const holder = Number(readFileSync(path, 'utf8').trim())
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new StartupError(
        'ET_STORAGE_UNAVAILABLE',
        `The data folder ${dataDir} is in use by process ${holder}. Stop it first, or run the collector on PostgreSQL (DATABASE_URL) to share storage.`,
      )
    }
  } catch (err) {
    if (err instanceof StartupError) throw err
  }
  writeFileSync(path, String(process.pid))
  return () => rmSync(path, { force: true })
}
