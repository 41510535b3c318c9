import { hash } from 'node:crypto'
import { createMasker, type Sha256 } from '@echotrail/core'
import type { FastifyInstance } from 'fastify'
import pino, { type Logger } from 'pino'
import { buildIngestApp } from './app.js'
import { createKeyResolver } from './auth/key-resolver.js'
import { createRateLimiter } from './auth/rate-limiter.js'
import { bootstrapIfEmpty, type FirstStart } from './bootstrap.js'
import { loadConfig, type CollectorConfig, type CollectorConfigInput } from './config.js'
import type { Db } from './db/db.js'
import { migrate } from './db/migrate.js'
import { openDb } from './db/open-db.js'
import { ensurePartitions, partitionRange } from './db/partitions.js'
import { StartupError } from './errors.js'
import { createGroupCommitter } from './ingest/group-commit.js'
import { createCheckpointSigner, loadSigningKey } from './ledger/checkpoint.js'
import { createMetrics } from './metrics/metrics.js'

/** The role ingest writes as on PostgreSQL (see migrations/0002_writer_role.sql). */
export const WRITER_ROLE = 'echotrail_writer'

/**
 * SHA-256 on node:crypto: synchronous, byte-identical to core's Web Crypto default.
 * One-shot `crypto.hash` (0.8 µs for a 65-byte Merkle node here, against 1.3 µs
 * through a Hash object): a commit of n events hashes n - 1 nodes.
 */
export const nodeSha256: Sha256 = (data) => hash('sha256', data, 'buffer')

/**
 * An event's hash from its canonical JSON text: SHA-256(0x00 ‖ UTF-8(text)), the same
 * bytes core's `hashEvent` hashes, as a latin1 ("binary") string, one char per byte. U+0000
 * encodes as the single byte 0x00; the one-shot `crypto.hash` skips a Hash object, and
 * a string skips the ArrayBuffer a Buffer would own, per event (0.7 against 1.2 µs).
 */
export const hashCanonicalJson = (json: string): string => hash('sha256', `\u0000${json}`, 'binary')

/** A running collector. */
export interface RunningCollector {
  readonly config: CollectorConfig
  readonly db: Db
  readonly app: FastifyInstance
  /** Base URL of the ingest API, e.g. http://127.0.0.1:8081 */
  readonly ingestUrl: string
  /** Set when this start created the default project and its first key. */
  readonly firstStart: FirstStart | undefined
  /** Stops accepting, answers or drains every in-flight request, then closes the database. */
  close(): Promise<void>
}

/** Options of startCollector beyond the settings. */
export interface StartOptions {
  logger?: Logger
}

const HOUR_MS = 3_600_000
const SHUTDOWN_GRACE_MS = 10_000

// Events are written by echotrail_append, which runs as its owner (SECURITY DEFINER).
async function appendsAsWriter(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ owner: string }>(
    `select pg_get_userbyid(proowner) as owner from pg_proc where proname = 'echotrail_append'`,
  )
  return rows[0]?.owner === WRITER_ROLE
}

/** Opens storage, migrates, makes partitions, bootstraps an empty store and starts listening. */
export async function startCollector(given: CollectorConfigInput = {}, options: StartOptions = {}): Promise<RunningCollector> {
  const config = loadConfig(given)
  const logger = options.logger ?? pino({ level: config.logLevel })
  const signer = config.signingKey ? createCheckpointSigner(loadSigningKey(config.signingKey)) : undefined

  let db: Db
  try {
    db = await openDb(config)
    await db.query('select 1')
  } catch (err) {
    throw new StartupError(
      'ET_STORAGE_UNAVAILABLE',
      config.databaseUrl ? 'Cannot reach the PostgreSQL server in DATABASE_URL.' : `Cannot open the PGlite data folder ${config.dataDir}.`,
      { cause: err },
    )
  }
  try {
    const applied = await migrate(db)
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied')
  } catch (err) {
    await db.close().catch(() => undefined)
    throw new StartupError('ET_MIGRATION_FAILED', 'Applying migrations failed.', { cause: err })
  }

  let oldestAcceptedMs = 0
  const maintainPartitions = async () => {
    await db.transaction(async (tx) => {
      // One collector at a time makes partitions; the others find them made.
      await tx.query('select pg_advisory_xact_lock(7271003)')
      await ensurePartitions(tx, Date.now(), config.partitionDaysBehind, config.partitionDaysAhead)
    })
    oldestAcceptedMs = (await partitionRange(db))?.fromMs ?? Date.now()
  }
  await maintainPartitions()
  const partitionTimer = setInterval(() => {
    maintainPartitions().catch((err: unknown) => logger.error({ err }, 'partition maintenance failed'))
  }, HOUR_MS)
  partitionTimer.unref()

  const firstStart = await bootstrapIfEmpty(db, config.defaultProject)
  if (db.kind === 'postgres' && !(await appendsAsWriter(db))) {
    logger.warn(`role ${WRITER_ROLE} is unavailable: events are written as the connecting user, who may UPDATE or DELETE them`)
  }
  const metrics = createMetrics()
  const committer = createGroupCommitter({
    db,
    sha256: nodeSha256,
    maxCommitEvents: config.maxCommitEvents,
    maxConcurrentCommits: db.kind === 'pglite' ? 1 : config.maxConcurrentCommits,
    ...(signer ? { signer } : {}),
    onCommit: (s) => metrics.observeCommit(s.events, s.requests, s.durationMs),
  })
  let shuttingDown = false
  const app = await buildIngestApp({
    db,
    committer,
    keys: createKeyResolver(db, config.keyCacheTtlMs),
    limiter: createRateLimiter(),
    masker: createMasker(),
    hashCanonical: hashCanonicalJson,
    metrics,
    oldestAcceptedMs: () => oldestAcceptedMs,
    isShuttingDown: () => shuttingDown,
    logger,
    isReady: async () => {
      await db.query('select 1')
      return true
    },
    gauges: () => ({ echotrail_commit_pending_events: committer.pending() }),
  })
  await app.listen({ host: config.host, port: config.ingestPort })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.ingestPort
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const ingestUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  let closing: Promise<void> | undefined
  return {
    config,
    db,
    app,
    ingestUrl,
    firstStart,
    close() {
      closing ??= (async () => {
        shuttingDown = true
        clearInterval(partitionTimer)
        // app.close waits for in-flight requests, which wait for their commits. A
        // keep-alive connection that goes idle after close() began would otherwise
        // hold the server open until its timeout, so idle ones are closed as they appear,
        // and after SHUTDOWN_GRACE_MS whatever remains is cut.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 100)
        const deadline = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS)
        try {
          await app.close()
        } finally {
          clearInterval(sweep)
          clearTimeout(deadline)
        }
        await committer.drain()
        await db.close()
      })()
      return closing
    },
  }
}
