import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Db } from './db.js'

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/

/** One numbered .sql file of packages/collector/migrations. */
export interface Migration {
  version: number
  name: string
  sql: string
}

/** Folder of the numbered migrations, from the source tree or the built package. */
export function migrationsDir(): string {
  // src/db/migrate.ts and dist/*.js sit at different depths below the package root.
  for (const relative of ['../migrations/', '../../migrations/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url))
    if (existsSync(dir) && readdirSync(dir).some((f) => MIGRATION_FILE.test(f))) return dir
  }
  throw new Error('migrations folder not found next to the collector package')
}

/** Reads the migrations in version order. */
export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => MIGRATION_FILE.test(f))
    .sort()
    .map((name) => ({ version: Number(name.slice(0, 4)), name, sql: readFileSync(`${dir}/${name}`, 'utf8') }))
}

const CREATE_TABLE = `create table if not exists schema_migrations (
  version integer primary key,
  name text not null,
  applied_at timestamptz not null default now()
)`
// Several collectors may start at once: the first applies, the others wait and find nothing to do.
const LOCK = `select pg_advisory_xact_lock(7271001)`
const APPLIED = `select version from schema_migrations`
const RECORD = `insert into schema_migrations (version, name) values ($1, $2)`

/** Applies every migration not applied yet, each in its own transaction; returns their names. */
export async function migrate(db: Db, migrations: readonly Migration[] = loadMigrations()): Promise<string[]> {
  await db.query(CREATE_TABLE)
  const applied: string[] = []
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query(LOCK)
      const { rows } = await tx.query<{ version: number }>(APPLIED)
      if (rows.some((r) => r.version === migration.version)) return false
      await tx.exec(migration.sql)
      await tx.query(RECORD, [migration.version, migration.name])
      return true
    })
    if (done) applied.push(migration.name)
  }
  return applied
}
