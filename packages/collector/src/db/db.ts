/** Rows and the number of rows a statement touched. */
export interface QueryResult<R> {
  rows: R[]
  rowCount: number
}

/** Something that runs one parameterised statement: the database or a transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>
}

/** Which engine is behind a Db. */
export type DbKind = 'postgres' | 'pglite'

/**
 * The storage boundary of the collector: the same SQL runs on PostgreSQL and on
 * PGlite. Values are never spliced into SQL; they go in `params`.
 */
export interface Db extends Queryable {
  readonly kind: DbKind
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /** Closes every connection; pending work finishes first. */
  close(): Promise<void>
}
