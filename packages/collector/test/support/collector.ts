import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { createTestDatabase, type TestDatabase } from '@echotrail/test-harness'
import pino from 'pino'
import { createApiKey } from '../../src/auth/keys.repo.js'
import type { CollectorConfigInput } from '../../src/config.js'
import { startCollector, type RunningCollector } from '../../src/server.js'

/** The two storage backends every integration suite runs against. */
export const BACKENDS = ['pglite', 'postgres'] as const
/** One of BACKENDS. */
export type Backend = (typeof BACKENDS)[number]

/** Storage settings for a fresh, private store of `backend`, and how to remove it. */
export interface TestStore {
  config: CollectorConfigInput
  cleanup(): Promise<void>
}

/** Makes an empty store: a new PostgreSQL database, or a new PGlite folder. */
export async function createTestStore(backend: Backend): Promise<TestStore> {
  if (backend === 'postgres') {
    const db: TestDatabase = await createTestDatabase('et_collector')
    return { config: { databaseUrl: db.url }, cleanup: () => db.drop() }
  }
  const dir = mkdtempSync(join(tmpdir(), 'et-pglite-'))
  return { config: { dataDir: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) }
}

/** A collector on a free port with its first secret key. */
export interface TestCollector {
  collector: RunningCollector
  store: TestStore
  secretKey: string
  projectId: string
  url: string
  /** POSTs a JSON body (or raw bytes) to a path of the ingest API. */
  post(path: string, body: unknown, init?: { headers?: Record<string, string>; raw?: Buffer | string; gzip?: boolean }): Promise<Response>
  /** Creates another key of the project. */
  createKey(kind: 'secret' | 'publishable', extra?: { allowedOrigins?: string[]; rateLimitPerSecond?: number }): Promise<string>
  stop(): Promise<void>
}

/** Starts a real collector on `backend` with a fresh store. */
export async function startTestCollector(backend: Backend, config: CollectorConfigInput = {}, store?: TestStore): Promise<TestCollector> {
  const s = store ?? (await createTestStore(backend))
  const collector = await startCollector(
    { ...s.config, ingestPort: 0, keyCacheTtlMs: 0, ...config },
    { logger: pino({ level: process.env.ECHOTRAIL_TEST_LOG ?? 'silent' }) },
  )
  const first = collector.firstStart
  if (!first) throw new Error('expected an empty store')
  const url = collector.ingestUrl
  return {
    collector,
    store: s,
    secretKey: first.secretKey,
    projectId: first.projectId,
    url,
    post(path, body, init = {}) {
      let payload: Buffer | string = init.raw ?? JSON.stringify(body)
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': first.secretKey, ...init.headers }
      if (init.gzip) {
        payload = gzipSync(payload)
        headers['content-encoding'] = 'gzip'
      }
      return fetch(`${url}${path}`, { method: 'POST', headers, body: payload })
    },
    async createKey(kind, extra = {}) {
      const { key } = await createApiKey(collector.db, { projectId: first.projectId, kind, name: 'test', ...extra })
      return key.value
    },
    async stop() {
      await collector.close()
      if (!store) await s.cleanup()
    },
  }
}
