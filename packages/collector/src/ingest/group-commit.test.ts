import { createHash } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import type { Db, QueryResult } from '../db/db.js'
import { createGroupCommitter } from './group-commit.js'
import type { PreparedEvent } from './prepare-event.js'

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest()

function event(n: number): PreparedEvent {
  const json = `{"event_id":"00000000-0000-7000-8000-${String(n).padStart(12, '0')}"}`
  return { eventId: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`, occurredAtMs: 0, receivedAtMs: 0, json, hash: sha256(Buffer.from(json)).toString('latin1') }
}

/** A database whose appends stay pending until the test answers them, in order. */
function pendingDb(log: string[]) {
  const waiting: ((result: QueryResult<unknown>) => void)[] = []
  let lastSeq = 0
  const db: Db = {
    kind: 'postgres',
    query: <R>(_sql: string, params?: readonly unknown[]) => {
      const docs = JSON.parse(params![3] as string) as unknown[]
      log.push(`append ${docs.length}`)
      return new Promise<QueryResult<R>>((resolve) => {
        waiting.push((r) => resolve(r as QueryResult<R>))
      })
    },
    exec: () => Promise.resolve(),
    transaction: () => Promise.reject(new Error('not used')),
    close: () => Promise.resolve(),
  }
  const answerNext = (count: number) => {
    lastSeq += count
    waiting.shift()!({ rows: [{ answer: { last_seq: lastSeq, head: '00'.repeat(32) } }], rowCount: 1 })
  }
  return { db, answerNext, pending: () => waiting.length }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('group commit', () => {
  it('carries requests that arrive while a commit runs in the next commit, together', async () => {
    const log: string[] = []
    const { db, answerNext } = pendingDb(log)
    const committer = createGroupCommitter({ db, sha256, maxConcurrentCommits: 1 })
    const first = committer.submit('p', [event(1)])
    await tick()
    const later = [committer.submit('p', [event(2)]), committer.submit('p', [event(3), event(4)])]
    await tick()
    expect(log).toEqual(['append 1'])
    answerNext(1)
    await expect(first).resolves.toEqual({ accepted: 1, duplicates: 0 })
    await tick()
    expect(log).toEqual(['append 1', 'append 3'])
    answerNext(3)
    await expect(Promise.all(later)).resolves.toEqual([
      { accepted: 1, duplicates: 0 },
      { accepted: 2, duplicates: 0 },
    ])
    await committer.drain()
  })

  it('sends the next commit before it answers the requests of the one that finished', async () => {
    const log: string[] = []
    const { db, answerNext } = pendingDb(log)
    const committer = createGroupCommitter({ db, sha256, maxConcurrentCommits: 1 })
    void committer.submit('p', [event(1)]).then(() => log.push('answered 1'))
    await tick()
    void committer.submit('p', [event(2), event(3)]).then(() => log.push('answered 2'))
    await tick()
    answerNext(1)
    await vi.waitFor(() => expect(log).toContain('answered 1'))
    // The database already has the second commit when the first request is answered.
    expect(log).toEqual(['append 1', 'append 2', 'answered 1'])
    answerNext(2)
    await committer.drain()
    await tick()
    expect(log.at(-1)).toBe('answered 2')
  })

  it('counts the same event_id twice in one commit as a duplicate and stores it once', async () => {
    const log: string[] = []
    const { db, answerNext } = pendingDb(log)
    const committer = createGroupCommitter({ db, sha256 })
    const a = committer.submit('p', [event(7)])
    const b = committer.submit('p', [event(7), event(8)])
    await tick()
    expect(log).toEqual(['append 2'])
    answerNext(2)
    await expect(a).resolves.toEqual({ accepted: 1, duplicates: 0 })
    await expect(b).resolves.toEqual({ accepted: 1, duplicates: 1 })
  })

  it('sends only the events not stored yet after the database names stored ones, with their own hashes', async () => {
    const appends: { docs: string; hashes: Buffer }[] = []
    const db: Db = {
      kind: 'postgres',
      query: <R>(_sql: string, params?: readonly unknown[]) => {
        appends.push({ docs: params![3] as string, hashes: params![4] as Buffer })
        const answer = appends.length === 1 ? { duplicates: [event(2).eventId, event(4).eventId] } : { last_seq: 3, head: '00'.repeat(32) }
        return Promise.resolve({ rows: [{ answer }], rowCount: 1 } as QueryResult<R>)
      },
      exec: () => Promise.resolve(),
      transaction: () => Promise.reject(new Error('not used')),
      close: () => Promise.resolve(),
    }
    const committer = createGroupCommitter({ db, sha256 })
    const a = committer.submit('p', [event(1), event(2)])
    const b = committer.submit('p', [event(3), event(4), event(5)])
    await expect(Promise.all([a, b])).resolves.toEqual([
      { accepted: 1, duplicates: 1 },
      { accepted: 2, duplicates: 1 },
    ])
    expect(appends).toHaveLength(2)
    expect(JSON.parse(appends[0]!.docs)).toEqual([1, 2, 3, 4, 5].map((n) => JSON.parse(event(n).json)))
    expect(appends[1]!.docs).toBe(`[${[1, 3, 5].map((n) => event(n).json).join(',')}]`)
    expect(appends[1]!.hashes.toString('latin1')).toBe([1, 3, 5].map((n) => event(n).hash).join(''))
  })
})
