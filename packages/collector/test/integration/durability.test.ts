import { uuidv7 } from '@echotrail/core'
import { describe, expect, it } from 'vitest'
import { BACKENDS, createTestStore } from '../support/collector.js'
import { runCliProcess, spawnCollector, type CollectorProcess } from '@echotrail/test-harness'

const storeEnv = (config: { databaseUrl?: string; dataDir?: string }): Record<string, string> =>
  config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : { ECHOTRAIL_DATA_DIR: config.dataDir! }

const makeBatch = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    event_id: uuidv7(),
    timestamp: new Date().toISOString(),
    path: `/api/orders/${i}`,
    method: 'POST',
    status_code: 201,
    response_time: 12,
    identifier: 'durability',
    service_name: 'shop',
    environment: 'test',
  }))

async function send(url: string, key: string, events: unknown[]): Promise<number | 'network-error'> {
  try {
    const res = await fetch(`${url}/v1/audit/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ events }),
    })
    await res.arrayBuffer()
    return res.status
  } catch {
    return 'network-error'
  }
}

describe.each(BACKENDS)('durability on %s', (backend) => {
  it('keeps every event answered 202 when the process is killed -9 under load, none twice, and verify passes', async () => {
    const store = await createTestStore(backend)
    const env = storeEnv(store.config as { databaseUrl?: string; dataDir?: string })
    let collector: CollectorProcess | undefined
    try {
      collector = await spawnCollector(env)
      const key = collector.secretKey!
      expect(key).toMatch(/^et_sk_/)
      const acked = new Set<string>()
      const unacked: { event_id: string }[][] = []
      let stop = false
      const senders = Array.from({ length: 8 }, async () => {
        while (!stop) {
          const batch = makeBatch(25)
          const status = await send(collector!.url, key, batch)
          if (status === 202) for (const e of batch) acked.add(e.event_id)
          else unacked.push(batch)
        }
      })
      // Kill mid-flight, once a good number of commits are done.
      while (acked.size < 2_000) await new Promise((r) => setTimeout(r, 20))
      await collector.kill()
      stop = true
      await Promise.all(senders)
      expect(unacked.length).toBeGreaterThan(0)

      collector = await spawnCollector(env)
      expect(collector.secretKey).toBeUndefined()
      // An SDK retries what was never answered 202; the retries may be duplicates.
      for (const batch of unacked) expect(await send(collector.url, key, batch)).toBe(202)
      await collector.stop()
      collector = undefined

      const { Client } = (await import('pg')).default
      const counts = new Map<string, number>()
      if (backend === 'postgres') {
        const client = new Client({ connectionString: env.DATABASE_URL })
        await client.connect()
        const { rows } = await client.query<{ event_id: string; n: number }>(`select event_id::text, count(*)::int as n from events group by event_id`)
        await client.end()
        for (const r of rows) counts.set(r.event_id, r.n)
      } else {
        const { PGlite } = await import('@electric-sql/pglite')
        const pglite = await PGlite.create({ dataDir: env.ECHOTRAIL_DATA_DIR! })
        const { rows } = await pglite.query<{ event_id: string; n: number }>(`select event_id::text, count(*)::int as n from events group by event_id`)
        await pglite.close()
        for (const r of rows) counts.set(r.event_id, r.n)
      }
      const missing = [...acked].filter((id) => !counts.has(id))
      expect(missing).toEqual([])
      expect([...counts.values()].every((n) => n === 1)).toBe(true)
      const sentIds = new Set([...acked, ...unacked.flat().map((e) => e.event_id)])
      expect(counts.size).toBe(sentIds.size)

      const verify = await runCliProcess(['verify'], env)
      expect(verify.output).toMatch(/✓ default: \d+ events/)
      expect(verify.code).toBe(0)
    } finally {
      await collector?.kill()
      await store.cleanup()
    }
  }, 180_000)
})

describe('graceful shutdown', () => {
  it('answers or refuses every in-flight request on SIGTERM, stores every 202, and exits 0', async () => {
    const store = await createTestStore('postgres')
    const env = storeEnv(store.config as { databaseUrl?: string })
    const collector = await spawnCollector(env)
    try {
      const key = collector.secretKey!
      const acked = new Set<string>()
      let stop = false
      const senders = Array.from({ length: 8 }, async () => {
        while (!stop) {
          const batch = makeBatch(25)
          const status = await send(collector.url, key, batch)
          if (status === 202) for (const e of batch) acked.add(e.event_id)
          else if (status === 'network-error') stop = true
          else expect(status).toBe(503)
        }
      })
      while (acked.size < 1_000) await new Promise((r) => setTimeout(r, 20))
      expect(await collector.stop()).toBe(0)
      stop = true
      await Promise.all(senders)
      const { Client } = (await import('pg')).default
      const client = new Client({ connectionString: env.DATABASE_URL })
      await client.connect()
      const { rows } = await client.query<{ event_id: string }>(`select event_id::text as event_id from events`)
      await client.end()
      const stored = new Set(rows.map((r) => r.event_id))
      expect([...acked].filter((id) => !stored.has(id))).toEqual([])
      expect(collector.output()).toContain('Stopped.')
    } finally {
      await collector.kill()
      await store.cleanup()
    }
  }, 60_000)
})
