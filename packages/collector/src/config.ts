import { z } from 'zod'
import { StartupError } from './errors.js'

/**
 * Collector settings: one zod schema, read as flag → environment variable → default.
 * The README tables every setting with its variable and default.
 */
export const configSchema = z.object({
  /** PostgreSQL URL; without it the collector runs on embedded PGlite. */
  databaseUrl: z.string().min(1).optional(),
  /** PGlite data folder when no databaseUrl is set. */
  dataDir: z.string().min(1).default('./.echotrail'),
  /** Address the servers listen on. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Ingest API port. */
  ingestPort: z.coerce.number().int().min(0).max(65_535).default(8081),
  /** Ed25519 private key (PKCS#8 PEM, or base64 of its DER) that signs ledger checkpoints. */
  signingKey: z.string().min(1).optional(),
  /** How long an API key lookup is cached; a revoked key stops working within this. */
  keyCacheTtlMs: z.coerce.number().int().min(0).default(10_000),
  /** Daily partitions kept ready ahead of today. */
  partitionDaysAhead: z.coerce.number().int().min(1).max(60).default(7),
  /** Daily partitions made behind today on first start, for late events. */
  partitionDaysBehind: z.coerce.number().int().min(0).max(400).default(7),
  // Commits of at most 3,000 events, three in flight: while one holds the project's head
  // lock, the next ones' documents are already sent and parsed, and a request waits for
  // a smaller commit. Against 10,000 and two, bench/ingest's batch rate rose by about a
  // tenth (medians 28.4k and 30.8k against 31.9k, 34.3k and 34.6k events/s).
  /** Most events one group commit carries. */
  maxCommitEvents: z.coerce.number().int().min(1).default(3_000),
  /** Commits in flight at once (PostgreSQL only; PGlite is always 1). */
  maxConcurrentCommits: z.coerce.number().int().min(1).max(16).default(3),
  /** Connections in the PostgreSQL pool. */
  maxConnections: z.coerce.number().int().min(2).max(200).default(8),
  /** pino log level. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Name of the project made on first start. */
  defaultProject: z.string().min(1).default('default'),
})

/** Resolved collector settings. */
export type CollectorConfig = z.infer<typeof configSchema>
/** Settings as given (flags or code); every one optional. */
export type CollectorConfigInput = z.input<typeof configSchema>

/** Environment variable of each setting. */
export const CONFIG_ENV: Record<keyof CollectorConfig, string> = {
  databaseUrl: 'DATABASE_URL',
  dataDir: 'ECHOTRAIL_DATA_DIR',
  host: 'ECHOTRAIL_HOST',
  ingestPort: 'ECHOTRAIL_INGEST_PORT',
  signingKey: 'ECHOTRAIL_SIGNING_KEY',
  keyCacheTtlMs: 'ECHOTRAIL_KEY_CACHE_TTL_MS',
  partitionDaysAhead: 'ECHOTRAIL_PARTITION_DAYS_AHEAD',
  partitionDaysBehind: 'ECHOTRAIL_PARTITION_DAYS_BEHIND',
  maxCommitEvents: 'ECHOTRAIL_MAX_COMMIT_EVENTS',
  maxConcurrentCommits: 'ECHOTRAIL_MAX_CONCURRENT_COMMITS',
  maxConnections: 'ECHOTRAIL_DB_MAX_CONNECTIONS',
  logLevel: 'ECHOTRAIL_LOG_LEVEL',
  defaultProject: 'ECHOTRAIL_DEFAULT_PROJECT',
}

/** Resolves settings: explicit values win over the environment, which wins over defaults. */
export function loadConfig(given: CollectorConfigInput = {}, env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  const merged: Record<string, unknown> = {}
  for (const [key, variable] of Object.entries(CONFIG_ENV)) {
    const fromEnv = env[variable]
    if (fromEnv !== undefined && fromEnv !== '') merged[key] = fromEnv
  }
  for (const [key, value] of Object.entries(given)) if (value !== undefined) merged[key] = value
  const parsed = configSchema.safeParse(merged)
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => {
        const key = String(i.path[0]) as keyof CollectorConfig
        return `${key} (${CONFIG_ENV[key] ?? '?'}): ${i.message}`
      })
      .join('; ')
    throw new StartupError('ET_CONFIG_INVALID', `Invalid configuration: ${detail}`)
  }
  return parsed.data
}
