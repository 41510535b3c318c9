import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, createTestDatabase, launchChromium } from '../src/index.js'

// These prove the real dependencies every later suite relies on are present.
// A missing database or browser fails here with instructions; nothing is skipped.

describe('PostgreSQL on the test server', () => {
  it('answers a query', async () => {
    const client = await connect()
    try {
      const { rows } = await client.query<{ answer: number; version: string }>(
        'select 6 * 7 as answer, current_setting($1) as version',
        ['server_version_num'],
      )
      expect(rows[0]?.answer).toBe(42)
      expect(Number(rows[0]?.version)).toBeGreaterThanOrEqual(140000)
    } finally {
      await client.end()
    }
  })

  it('creates an isolated database per suite and drops it again', async () => {
    const db = await createTestDatabase('et_smoke')
    const client = await connect(db.url)
    try {
      await client.query('create table probe (v int)')
      await client.query('insert into probe values (1), (2)')
      const { rows } = await client.query<{ n: string }>('select count(*) as n from probe')
      expect(rows[0]?.n).toBe('2')
    } finally {
      await client.end()
      await db.drop()
    }
    const admin = await connect()
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [db.name])
      expect(rowCount).toBe(0)
    } finally {
      await admin.end()
    }
  })
})

describe('headless Chromium', () => {
  let server: Server
  let origin: string

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8')
      res.end('<!doctype html><title>harness</title><button id="b" onclick="this.textContent=\'clicked\'">click</button>')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('opens a loopback page and runs its script', async () => {
    const chromium = await launchChromium()
    try {
      const page = await (await chromium.newContext()).newPage()
      await page.goto(origin)
      expect(await page.title()).toBe('harness')
      await page.click('#b')
      expect(await page.textContent('#b')).toBe('clicked')
      expect(await page.evaluate(() => typeof crypto.subtle.digest)).toBe('function')
    } finally {
      await chromium.close()
    }
  })
})
