import type { Queryable } from '../db/db.js'
import { generateApiKey, type KeyKind, type NewApiKey } from './api-key.js'
import { randomUUID } from 'node:crypto'

/** An API key as the collector sees it (never the key itself). */
export interface ApiKeyRow {
  id: string
  project_id: string
  kind: KeyKind
  name: string
  display_prefix: string
  allowed_origins: string[]
  rate_limit_per_second: number | null
  created_at: Date
  revoked_at: Date | null
}

/** A project. */
export interface ProjectRow {
  id: string
  name: string
  created_at: Date
}

const KEY_COLUMNS = `id, project_id, kind, name, display_prefix, allowed_origins, rate_limit_per_second, created_at, revoked_at`
const FIND_ACTIVE_BY_HASH = `select ${KEY_COLUMNS} from api_keys where secret_sha256 = $1 and revoked_at is null`
const INSERT_KEY = `insert into api_keys (id, project_id, kind, name, display_prefix, secret_sha256, allowed_origins, rate_limit_per_second)
  values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${KEY_COLUMNS}`
const LIST_KEYS = `select ${KEY_COLUMNS} from api_keys where ($1::uuid is null or project_id = $1) order by created_at, id`
const REVOKE_KEY = `update api_keys set revoked_at = now()
  where (id::text = $1 or display_prefix = $1) and revoked_at is null returning ${KEY_COLUMNS}`
const ALL_ALLOWED_ORIGINS = `select distinct unnest(allowed_origins) as origin from api_keys where kind = 'publishable' and revoked_at is null`
const INSERT_PROJECT = `insert into projects (id, name) values ($1, $2) returning id, name, created_at`
const INSERT_HEAD = `insert into ledger_heads (project_id, last_seq, head) values ($1, 0, $2)`
const FIND_PROJECT = `select id, name, created_at from projects where id::text = $1 or name = $1`
const LIST_PROJECTS = `select id, name, created_at from projects order by created_at, id`
const COUNT_PROJECTS = `select count(*)::int as n from projects`

/** The key with this SHA-256, when it exists and is not revoked. */
export const findActiveKeyByHash = (db: Queryable, sha256: Buffer) =>
  db.query<ApiKeyRow>(FIND_ACTIVE_BY_HASH, [sha256]).then((r) => r.rows[0])

/** Every origin any active publishable key allows (answers CORS preflights). */
export const listAllowedOrigins = (db: Queryable) =>
  db.query<{ origin: string }>(ALL_ALLOWED_ORIGINS).then((r) => r.rows.map((row) => row.origin))

/** Options of a new key. */
export interface CreateKeyInput {
  projectId: string
  kind: KeyKind
  name: string
  allowedOrigins?: string[]
  rateLimitPerSecond?: number | null
}

/** Creates a key; the returned `key.value` is the only time the key exists in clear. */
export async function createApiKey(db: Queryable, input: CreateKeyInput): Promise<{ row: ApiKeyRow; key: NewApiKey }> {
  const key = generateApiKey(input.kind)
  const { rows } = await db.query<ApiKeyRow>(INSERT_KEY, [
    randomUUID(),
    input.projectId,
    input.kind,
    input.name,
    key.displayPrefix,
    key.sha256,
    input.allowedOrigins ?? [],
    input.rateLimitPerSecond ?? null,
  ])
  return { row: rows[0]!, key }
}

/** Lists the keys of one project, or of all projects. */
export const listApiKeys = (db: Queryable, projectId?: string) =>
  db.query<ApiKeyRow>(LIST_KEYS, [projectId ?? null]).then((r) => r.rows)

/** Revokes the key with this id or display prefix; undefined when none was active. */
export const revokeApiKey = (db: Queryable, idOrPrefix: string) =>
  db.query<ApiKeyRow>(REVOKE_KEY, [idOrPrefix]).then((r) => r.rows[0])

/** Creates a project and the genesis head of its ledger. */
export async function createProject(db: Queryable, name: string, genesisHead: Uint8Array): Promise<ProjectRow> {
  const { rows } = await db.query<ProjectRow>(INSERT_PROJECT, [randomUUID(), name])
  const project = rows[0]!
  await db.query(INSERT_HEAD, [project.id, genesisHead])
  return project
}

/** The project with this id or name. */
export const findProject = (db: Queryable, idOrName: string) =>
  db.query<ProjectRow>(FIND_PROJECT, [idOrName]).then((r) => r.rows[0])

/** Every project, oldest first. */
export const listProjects = (db: Queryable) => db.query<ProjectRow>(LIST_PROJECTS).then((r) => r.rows)

/** Number of projects (0 on a fresh data store). */
export const countProjects = (db: Queryable) => db.query<{ n: number }>(COUNT_PROJECTS).then((r) => r.rows[0]?.n ?? 0)
