import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createTestStore } from '../support/collector.js'
import { runCliProcess, spawnCollector } from '@echotrail/test-harness'

const SEED = '{"path":"/api/users","method":"GET","status_code":200,"response_time":45,"identifier":"user-123","service_name":"my-api","environment":"production"}'

const post = (url: string, key: string) =>
  fetch(`${url}/v1/audit`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: SEED }).then((r) => r.status)

describe('echotrail CLI', () => {
  it('prints the first key and the seed curl on the first start only', async () => {
    const store = await createTestStore('pglite')
    const env = { ECHOTRAIL_DATA_DIR: store.config.dataDir! }
    try {
      const first = await spawnCollector(env)
      expect(first.output()).toContain('shown only this once')
      expect(first.output()).toContain(`curl -X POST ${first.url}/v1/audit -H "X-API-Key: ${first.secretKey}" -H "Content-Type: application/json" -d '${SEED}'`)
      expect(first.output()).toMatch(/not a power loss/)
      expect(await post(first.url, first.secretKey!)).toBe(202)
      expect(await first.stop()).toBe(0)
      const second = await spawnCollector(env)
      expect(second.secretKey).toBeUndefined()
      expect(await post(second.url, first.secretKey!)).toBe(202)
      expect(await second.stop()).toBe(0)
    } finally {
      await store.cleanup()
    }
  }, 60_000)

  it('refuses a second process on the same PGlite folder and says who holds it', async () => {
    const store = await createTestStore('pglite')
    const env = { ECHOTRAIL_DATA_DIR: store.config.dataDir! }
    const running = await spawnCollector(env)
    try {
      const result = await runCliProcess(['keys', 'list'], env)
      expect(result.code).toBe(1)
      expect(result.output).toContain(`ET_STORAGE_UNAVAILABLE: The data folder`)
      expect(result.output).toContain(`in use by process ${running.child.pid}`)
      expect(result.output).not.toMatch(/\n\s+at /)
    } finally {
      await running.stop()
      await store.cleanup()
    }
  }, 60_000)

  it('creates, lists and revokes keys that a running collector honours', async () => {
    const store = await createTestStore('postgres')
    const env = { DATABASE_URL: store.config.databaseUrl!, ECHOTRAIL_KEY_CACHE_TTL_MS: '0' }
    const running = await spawnCollector(env)
    try {
      const created = await runCliProcess(['keys', 'create', '--name', 'ci'], env)
      expect(created.code).toBe(0)
      const key = /^(et_sk_\S+)$/m.exec(created.output)?.[1]
      expect(key).toBeDefined()
      expect(await post(running.url, key!)).toBe(202)

      const listed = await runCliProcess(['keys', 'list'], env)
      expect(listed.output).toContain(key!.slice(0, 12))
      expect(listed.output).not.toContain(key!)

      const id = /Created secret key ([0-9a-f-]{36})/.exec(created.output)![1]!
      const revoked = await runCliProcess(['keys', 'revoke', id], env)
      expect(revoked.code).toBe(0)
      expect(await post(running.url, key!)).toBe(401)

      const publishable = await runCliProcess(['keys', 'create', '--kind', 'publishable'], env)
      expect(publishable.code).toBe(1)
      expect(publishable.output).toMatch(/^ET_CONFIG_INVALID: A publishable key needs at least one --origin/m)
    } finally {
      await running.stop()
      await store.cleanup()
    }
  }, 60_000)

  it('verify exits 0 on an intact chain and 1 naming the altered event', async () => {
    const store = await createTestStore('postgres')
    const env = { DATABASE_URL: store.config.databaseUrl! }
    const running = await spawnCollector(env)
    try {
      for (let i = 0; i < 3; i++) expect(await post(running.url, running.secretKey!)).toBe(202)
      const ok = await runCliProcess(['verify'], env)
      expect(ok.code).toBe(0)
      expect(ok.output).toContain('✓ default: 3 events')

      const client = new pg.Client({ connectionString: env.DATABASE_URL })
      await client.connect()
      const { rows } = await client.query<{ event_id: string }>(`update events set identifier = 'mallory' where seq = 2 returning event_id::text`)
      await client.end()
      const bad = await runCliProcess(['verify', '--project', 'default'], env)
      expect(bad.code).toBe(1)
      expect(bad.output).toContain(`[altered] event ${rows[0]!.event_id} (seq 2) was altered`)
    } finally {
      await running.stop()
      await store.cleanup()
    }
  }, 60_000)

  it('prints usage and exits 2 for an unknown command', async () => {
    const result = await runCliProcess(['frobnicate'], {})
    expect(result.code).toBe(2)
    expect(result.output).toContain('Usage: echotrail <command>')
  })
})
