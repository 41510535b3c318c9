import { chainHead, fromHex, merkleRoot, type Sha256 } from '@echotrail/core'
import type { Db } from '../db/db.js'
import { appendLedger, lockHead } from '../ledger/ledger.repo.js'
import { findExistingIds, insertEvents } from './events.repo.js'
import type { PreparedEvent } from './prepare-event.js'

/** What one request learns from the commit that carried its events. */
export interface CommitOutcome {
  accepted: number
  duplicates: number
}

/** Signs a checkpoint of the chain; see ledger/checkpoint.ts. */
export type CheckpointSigner = (projectId: string, lastSeq: number, head: Uint8Array) => Uint8Array

/** Options of the group committer. */
export interface GroupCommitOptions {
  db: Db
  sha256: Sha256
  /** Role the commit transaction runs as (no UPDATE/DELETE on events). */
  writerRole?: string
  /** Most events in one commit; more wait for the next. @default 10000 */
  maxCommitEvents?: number
  /** Commits allowed in flight at once. @default 1 */
  maxConcurrentCommits?: number
  signer?: CheckpointSigner
  /** Called after every commit (metrics). */
  onCommit?: (stats: { events: number; requests: number; durationMs: number }) => void
}

/** Turns concurrent submissions into shared transactions. */
export interface GroupCommitter {
  /** Resolves after the events are committed (202 means committed), rejects when the commit failed. */
  submit(projectId: string, events: readonly PreparedEvent[]): Promise<CommitOutcome>
  /** Events waiting for a commit. */
  pending(): number
  /** Resolves when nothing is waiting or in flight. */
  drain(): Promise<void>
}

/**
 * The database refused the rows of one submission themselves (SQLSTATE class 22 data
 * exception, 23 integrity, 54 program limit): retrying cannot succeed.
 */
export class CommitRefusedError extends Error {
  override name = 'CommitRefusedError'
  constructor(cause: unknown) {
    super('the database refused the events of this request', { cause })
  }
}

const REFUSED_CLASSES = new Set(['22', '23', '54'])

function isRowRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.length === 5 && REFUSED_CLASSES.has(code.slice(0, 2))
}

interface Submission {
  projectId: string
  events: readonly PreparedEvent[]
  resolve: (outcome: CommitOutcome) => void
  reject: (err: unknown) => void
}

/**
 * Creates a group committer: submissions that arrive while a commit is running wait
 * and go together in the next one, so under load one transaction (one lock of each
 * head row, one multi-row insert per table, one ledger row per project) carries the
 * events of many requests, and every request is answered only after that commit.
 */
export function createGroupCommitter(options: GroupCommitOptions): GroupCommitter {
  const maxCommitEvents = options.maxCommitEvents ?? 10_000
  const maxConcurrent = options.maxConcurrentCommits ?? 1
  const queue: Submission[] = []
  let queuedEvents = 0
  let inFlight = 0
  let scheduled = false
  const idleWaiters: (() => void)[] = []

  const takeGroup = (): Submission[] => {
    const group: Submission[] = []
    let events = 0
    while (queue.length > 0) {
      const next = queue[0]!
      if (group.length > 0 && events + next.events.length > maxCommitEvents) break
      queue.shift()
      events += next.events.length
      queuedEvents -= next.events.length
      group.push(next)
    }
    return group
  }

  const pump = (): void => {
    scheduled = false
    while (inFlight < maxConcurrent && queue.length > 0) {
      const group = takeGroup()
      inFlight++
      void commitGroup(options, group).finally(() => {
        inFlight--
        if (queue.length > 0) schedule()
        else if (inFlight === 0) idleWaiters.splice(0).forEach((resolve) => resolve())
      })
    }
  }

  const schedule = (): void => {
    if (scheduled) return
    scheduled = true
    // setImmediate lets every request already parsed in this turn join the commit.
    setImmediate(pump)
  }

  return {
    submit(projectId, events) {
      if (events.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0 })
      return new Promise<CommitOutcome>((resolve, reject) => {
        queue.push({ projectId, events, resolve, reject })
        queuedEvents += events.length
        schedule()
      })
    },
    pending: () => queuedEvents,
    drain() {
      if (queue.length === 0 && inFlight === 0) return Promise.resolve()
      return new Promise<void>((resolve) => idleWaiters.push(resolve))
    },
  }
}

async function commitGroup(options: GroupCommitOptions, group: Submission[]): Promise<void> {
  const started = performance.now()
  const outcomes = group.map((): CommitOutcome => ({ accepted: 0, duplicates: 0 }))
  // Projects in a fixed order, so two collectors committing the same projects
  // lock their head rows in the same order and never deadlock.
  const byProject = new Map<string, number[]>()
  group.forEach((s, i) => {
    const list = byProject.get(s.projectId)
    if (list) list.push(i)
    else byProject.set(s.projectId, [i])
  })
  const projects = [...byProject.keys()].sort()
  try {
    const txOptions = options.writerRole ? { role: options.writerRole } : {}
    await options.db.transaction(async (tx) => {
      for (const projectId of projects) {
        const members = byProject.get(projectId)!
        await commitProject(tx, options, projectId, members.map((i) => group[i]!), members.map((i) => outcomes[i]!))
      }
    }, txOptions)
  } catch (err) {
    if (!isRowRefusal(err)) {
      for (const s of group) s.reject(err)
      return
    }
    // One request's rows poisoned the shared transaction: commit each request on its
    // own so only the one the database refuses fails, and the others are not held back.
    if (group.length === 1) {
      group[0]!.reject(new CommitRefusedError(err))
      return
    }
    for (const s of group) await commitGroup(options, [s])
    return
  }
  let events = 0
  group.forEach((s, i) => {
    events += s.events.length
    s.resolve(outcomes[i]!)
  })
  options.onCommit?.({ events, requests: group.length, durationMs: performance.now() - started })
}

async function commitProject(
  tx: Parameters<Parameters<Db['transaction']>[0]>[0],
  options: GroupCommitOptions,
  projectId: string,
  submissions: Submission[],
  outcomes: CommitOutcome[],
): Promise<void> {
  const head = await lockHead(tx, projectId)
  if (!head) throw new Error(`project ${projectId} has no ledger head`)
  const candidateIds: string[] = []
  for (const s of submissions) for (const e of s.events) candidateIds.push(e.eventId)
  const existing = await findExistingIds(tx, projectId, candidateIds)

  const seen = new Set<string>()
  const seqs: number[] = []
  const eventIds: string[] = []
  const occurredAt: Date[] = []
  const receivedAt: Date[] = []
  const docs: string[] = []
  const hashesHex: string[] = []
  let seq = head.last_seq
  submissions.forEach((s, i) => {
    const outcome = outcomes[i]!
    for (const e of s.events) {
      if (existing.has(e.eventId) || seen.has(e.eventId)) {
        outcome.duplicates++
        continue
      }
      seen.add(e.eventId)
      seq += 1
      seqs.push(seq)
      eventIds.push(e.eventId)
      occurredAt.push(new Date(e.occurredAtMs))
      receivedAt.push(new Date(e.receivedAtMs))
      docs.push(e.json)
      hashesHex.push(e.hashHex)
      outcome.accepted++
    }
  })
  if (seqs.length === 0) return

  await insertEvents(tx, projectId, { seqs, eventIds, occurredAt, receivedAt, docs, hashesHex })
  const root = await merkleRoot(hashesHex.map(fromHex), options.sha256)
  const prevHead = new Uint8Array(head.head)
  const nextHead = await chainHead(prevHead, root, seq, options.sha256)
  await appendLedger(tx, {
    projectId,
    firstSeq: seqs[0]!,
    lastSeq: seq,
    root,
    prevHead,
    head: nextHead,
    signature: options.signer ? options.signer(projectId, seq, nextHead) : null,
  })
}
