import pg from 'pg'
import type { Db, Queryable, QueryResult } from './db.js'

/** Options of the PostgreSQL backend. */
export interface PostgresOptions {
  connectionString: string
  /** Most connections the pool opens. @default 8 */
  maxConnections?: number
  /** How long to wait for a connection before failing, in ms. @default 5000 */
  connectTimeoutMs?: number
}

// int8 arrives as text from pg; seqs and counts stay far below 2^53, and PGlite
// returns numbers, so both backends agree.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value)
    return pg.types.getTypeParser(oid, format)
  },
}

/** Opens a pool on a PostgreSQL server. */
export function createPostgresDb(options: PostgresOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 8,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    types,
  })
  // An idle client losing its server (restart, network) must not crash the
  // process; the next query reconnects.
  pool.on('error', () => undefined)

  const run = async <R>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const result = await client.query(sql, params as unknown[] | undefined)
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 }
  }

  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    exec: async (sql) => void (await pool.query(sql)),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect()
      let broken = false
      try {
        await client.query('begin')
        const result = await fn({
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => void (await client.query(sql)),
        })
        await client.query('commit')
        return result
      } catch (err) {
        try {
          await client.query('rollback')
        } catch {
          broken = true
        }
        throw err
      } finally {
        client.release(broken)
      }
    },
    close: () => pool.end(),
  }
}
