import pg from 'pg'
import { randomBytes } from 'node:crypto'
import { HarnessError } from './errors.js'

/** The server every storage suite runs against unless told otherwise. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test'

/** URL of the administrative database the suites create their own databases from. */
export function adminDatabaseUrl(): string {
  return process.env.ECHOTRAIL_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL
}

const HOW_TO_FIX =
  'Start PostgreSQL (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) ' +
  'or point ECHOTRAIL_TEST_DATABASE_URL (or DATABASE_URL) at a server where the user may CREATE DATABASE. ' +
  'scripts/test.sh starts a local server when it can.'

/** Opens a client on `url`, turning a connection failure into a HarnessError that says what to do. */
export async function connect(url: string = adminDatabaseUrl()): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  try {
    await client.connect()
  } catch (err) {
    await client.end().catch(() => undefined)
    throw new HarnessError('ET_HARNESS_NO_DATABASE', `PostgreSQL is not reachable at ${redact(url)}. ${HOW_TO_FIX}`, {
      cause: err,
    })
  }
  return client
}

/** A database made for one suite; `drop()` removes it and everything in it. */
export interface TestDatabase {
  readonly name: string
  readonly url: string
  drop(): Promise<void>
}

/**
 * Creates a fresh, uniquely named database on the test server, so suites never
 * see each other's rows and can run in parallel.
 */
export async function createTestDatabase(prefix = 'et_test'): Promise<TestDatabase> {
  const admin = await connect()
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  try {
    await admin.query(`create database ${pg.escapeIdentifier(name)}`)
  } finally {
    await admin.end()
  }
  const url = withDatabase(adminDatabaseUrl(), name)
  return {
    name,
    url,
    async drop() {
      const c = await connect()
      try {
        await c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`)
      } finally {
        await c.end()
      }
    },
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '********'
    return u.toString()
  } catch {
    return '(unparseable DATABASE_URL)'
  }
}
