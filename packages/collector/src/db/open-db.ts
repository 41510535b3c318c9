import { resolve } from 'node:path'
import type { CollectorConfig } from '../config.js'
import type { Db } from './db.js'
import { createPgliteDb } from './pglite.js'
import { createPostgresDb } from './postgres.js'

/** Opens the configured backend: PostgreSQL when databaseUrl is set, else PGlite in dataDir. */
export async function openDb(config: Pick<CollectorConfig, 'databaseUrl' | 'dataDir' | 'maxConnections'>): Promise<Db> {
  if (config.databaseUrl) return createPostgresDb({ connectionString: config.databaseUrl, maxConnections: config.maxConnections })
  return createPgliteDb({ dataDir: resolve(config.dataDir) })
}
