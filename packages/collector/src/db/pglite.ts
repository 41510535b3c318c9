import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { lockDataDir } from './data-dir-lock.js'
import type { Db, Queryable, QueryResult } from './db.js'

/** Options of the embedded PGlite backend. */
export interface PgliteOptions {
  /** Folder holding the database; undefined keeps it in memory (tests). */
  dataDir?: string
}

/**
 * Opens PGlite, the embedded default. PGlite runs PostgreSQL in-process without
 * fsync: committed data survives a crash of this process, not a power loss.
 */
export async function createPgliteDb(options: PgliteOptions = {}): Promise<Db> {
  let unlock = () => {}
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true })
    unlock = lockDataDir(options.dataDir)
  }
  let pglite: PGlite
  try {
    pglite = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {})
  } catch (err) {
    unlock()
    throw err
  }
  const run = async <R>(q: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const result = await q.query<R>(sql, params as unknown[] | undefined)
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length }
  }
  return {
    kind: 'pglite',
    query: (sql, params) => run(pglite, sql, params),
    exec: async (sql) => void (await pglite.exec(sql)),
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pglite.transaction(async (tx) => {
        return fn({ query: (sql, params) => run(tx, sql, params), exec: async (sql) => void (await tx.exec(sql)) })
      })
    },
    async close() {
      await pglite.close()
      unlock()
    },
  }
}
