import { createPublicKey } from 'node:crypto'
import { parseArgs } from 'node:util'
import { createApiKey, findProject, listApiKeys, listProjects, revokeApiKey } from '../auth/keys.repo.js'
import { loadConfig, type CollectorConfigInput } from '../config.js'
import type { Db } from '../db/db.js'
import { migrate } from '../db/migrate.js'
import { openDb } from '../db/open-db.js'
import { ensurePartitions } from '../db/partitions.js'
import { bootstrapIfEmpty } from '../bootstrap.js'
import { StartupError } from '../errors.js'
import { verifyProject } from '../ledger/verify.js'
import { nodeSha256, startCollector } from '../server.js'
import type { CliIo } from './output.js'

const STORAGE_FLAGS = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
} as const

function storageConfig(values: { 'database-url'?: string | undefined; 'data-dir'?: string | undefined }): CollectorConfigInput {
  return { databaseUrl: values['database-url'], dataDir: values['data-dir'] }
}

async function withDb<T>(given: CollectorConfigInput, fn: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig(given)
  const db = await openDb(config)
  try {
    await migrate(db)
    await ensurePartitions(db, Date.now(), config.partitionDaysBehind, config.partitionDaysAhead)
    await bootstrapIfEmpty(db, config.defaultProject)
    return await fn(db)
  } finally {
    await db.close()
  }
}

async function projectId(db: Db, given: string | undefined): Promise<string> {
  const project = given ? await findProject(db, given) : (await listProjects(db))[0]
  if (!project) throw new StartupError('ET_CONFIG_INVALID', `No project ${given ?? ''} exists.`)
  return project.id
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

/** The seed a newcomer pastes after the first start (BatAudit's first event, unchanged). */
export function seedCurl(ingestUrl: string, key: string): string {
  const body = '{"path":"/api/users","method":"GET","status_code":200,"response_time":45,"identifier":"user-123","service_name":"my-api","environment":"production"}'
  return `curl -X POST ${ingestUrl}/v1/audit -H "X-API-Key: ${key}" -H "Content-Type: application/json" -d '${body}'`
}

/** `echotrail start`: runs until SIGINT/SIGTERM, then drains and exits. */
export async function startCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...STORAGE_FLAGS, host: { type: 'string' }, port: { type: 'string' } },
    strict: true,
  })
  const collector = await startCollector({
    ...storageConfig(values),
    host: values.host,
    ingestPort: values.port,
  })
  const { config } = collector
  io.out(`Echotrail collector: ingest API on ${collector.ingestUrl}`)
  io.out(
    config.databaseUrl
      ? 'Storage: PostgreSQL (DATABASE_URL).'
      : `Storage: embedded PGlite in ${config.dataDir}. It runs without fsync: committed events survive a crash of this process, not a power loss. Use PostgreSQL (DATABASE_URL) in production.`,
  )
  if (collector.firstStart) {
    const { secretKey, projectName } = collector.firstStart
    io.out('')
    io.out(`First start: created project "${projectName}" and its secret key. It is shown only this once; only its SHA-256 is stored:`)
    io.out('')
    io.out(`  ${secretKey}`)
    io.out('')
    io.out('Send your first event:')
    io.out('')
    io.out(`  ${seedCurl(collector.ingestUrl, secretKey)}`)
    io.out('')
    io.out('More keys: echotrail keys create --name my-api   (publishable, for web pages: --kind publishable --origin https://app.example.com)')
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  io.out('Stopping: answering in-flight requests and draining commits…')
  await collector.close()
  io.out('Stopped.')
  return 0
}

/** `echotrail migrate`: applies pending migrations and makes partitions. */
export async function migrateCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: STORAGE_FLAGS, strict: true })
  const config = loadConfig(storageConfig(values))
  const db = await openDb(config)
  try {
    const applied = await migrate(db)
    const created = await ensurePartitions(db, Date.now(), config.partitionDaysBehind, config.partitionDaysAhead)
    io.out(applied.length ? `Applied: ${applied.join(', ')}` : 'Schema is up to date.')
    io.out(`Partitions created: ${created}`)
  } finally {
    await db.close()
  }
  return 0
}

/** `echotrail keys create|list|revoke`. */
export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      ...STORAGE_FLAGS,
      project: { type: 'string' },
      kind: { type: 'string', default: 'secret' },
      name: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'rate-limit': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  })
  return withDb(storageConfig(values), async (db) => {
    if (action === 'create') {
      const kind = values.kind === 'publishable' ? 'publishable' : values.kind === 'secret' ? 'secret' : undefined
      if (!kind) throw new StartupError('ET_CONFIG_INVALID', '--kind must be secret or publishable.')
      if (kind === 'publishable' && !values.origin?.length) {
        throw new StartupError('ET_CONFIG_INVALID', 'A publishable key needs at least one --origin (e.g. --origin https://app.example.com).')
      }
      const rate = values['rate-limit'] === undefined ? null : Number(values['rate-limit'])
      if (rate !== null && !(Number.isInteger(rate) && rate > 0)) throw new StartupError('ET_CONFIG_INVALID', '--rate-limit must be a positive integer (requests per second).')
      const { row, key } = await createApiKey(db, {
        projectId: await projectId(db, values.project),
        kind,
        name: values.name ?? `${kind} key`,
        allowedOrigins: values.origin ?? [],
        rateLimitPerSecond: rate,
      })
      io.out(`Created ${kind} key ${row.id} (${row.display_prefix}…). Shown only this once:`)
      io.out(key.value)
      return 0
    }
    if (action === 'list') {
      const keys = await listApiKeys(db, values.project ? await projectId(db, values.project) : undefined)
      for (const k of keys) {
        const state = k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active'
        const origins = k.allowed_origins.length ? ` origins=${k.allowed_origins.join(',')}` : ''
        io.out(`${k.id}  ${k.display_prefix}…  ${k.kind.padEnd(11)}  ${state}  ${k.name}${origins}`)
      }
      if (keys.length === 0) io.out('No keys.')
      return 0
    }
    if (action === 'revoke') {
      const target = positionals[0]
      if (!target) throw new StartupError('ET_CONFIG_INVALID', 'Usage: echotrail keys revoke <key id or prefix>')
      const revoked = await revokeApiKey(db, target)
      if (!revoked) {
        io.err(`No active key matches ${target}.`)
        return 1
      }
      io.out(`Revoked ${revoked.id} (${revoked.display_prefix}…). Collectors stop accepting it within their key cache time (10 s by default).`)
      return 0
    }
    io.err('Usage: echotrail keys create|list|revoke')
    return 2
  })
}

/** `echotrail verify`: exit 0 when every project's chain re-derives, 1 otherwise. */
export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...STORAGE_FLAGS, project: { type: 'string' }, 'public-key': { type: 'string' } },
    strict: true,
  })
  const config = loadConfig(storageConfig(values))
  const db = await openDb(config)
  try {
    const publicKey = values['public-key']
      ? createPublicKey(values['public-key'].includes('-----BEGIN') ? values['public-key'] : { key: Buffer.from(values['public-key'], 'base64'), format: 'der', type: 'spki' })
      : undefined
    const projects = values.project ? [await findProject(db, values.project)] : await listProjects(db)
    let ok = true
    for (const project of projects) {
      if (!project) {
        io.err(`No project ${values.project} exists.`)
        return 1
      }
      const report = await verifyProject(db, project.id, { sha256: nodeSha256, ...(publicKey ? { publicKey } : {}) })
      if (report.ok) {
        io.out(`✓ ${project.name}: ${plural(report.events, 'event')} in ${plural(report.commits, 'commit')} verify (last seq ${report.lastSeq}).`)
      } else {
        ok = false
        io.out(`✗ ${project.name}: ${report.findings.length} problem(s); first: ${report.findings[0]!.message}`)
        for (const f of report.findings) io.out(`  - [${f.kind}] ${f.message}`)
      }
    }
    return ok ? 0 : 1
  } finally {
    await db.close()
  }
}
