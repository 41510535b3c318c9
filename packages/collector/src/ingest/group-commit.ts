import { chainHead, fromHex, merkleRoot, type Sha256 } from '@echotrail/core'
import type { Db } from '../db/db.js'
import { readHead } from '../ledger/ledger.repo.js'
import { docOf, hashOf, packEvents, type EventBatch } from './event-batch.js'
import { appendCommit } from './events.repo.js'
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
  /** Most events in one commit; more wait for the next. @default 3000 */
  maxCommitEvents?: number
  /** Commits allowed in flight at once. @default 1 */
  maxConcurrentCommits?: number
  signer?: CheckpointSigner
  /** Called after every commit (metrics). */
  onCommit?: (stats: { events: number; requests: number; durationMs: number }) => void
}

/** Turns concurrent submissions into shared commits. */
export interface GroupCommitter {
  /**
   * Resolves after the events are committed (202 means committed), rejects when the
   * commit failed. The events are packed at once (see event-batch.ts): the caller's
   * objects are not kept.
   */
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
  batch: EventBatch
  resolve: (outcome: CommitOutcome) => void
  reject: (err: unknown) => void
}

/** The head this collector last saw for a project; checked by the database under its lock. */
interface KnownHead {
  lastSeq: number
  head: Uint8Array
}

// Ids stored meanwhile, or (when signing) a head moved by another collector, cost one
// more round trip each; this many in a row means something is wrong, not busy.
const MAX_APPEND_ATTEMPTS = 16

/**
 * Creates a group committer: submissions that arrive while a commit is running wait
 * and go together in the next one, so under load one statement (one lock of the
 * project's head row, one ledger row) carries the events of many requests, and every
 * request is answered only after that commit.
 */
export function createGroupCommitter(options: GroupCommitOptions): GroupCommitter {
  const maxCommitEvents = options.maxCommitEvents ?? 3_000
  const maxConcurrent = options.maxConcurrentCommits ?? 1
  const heads = new Map<string, KnownHead>()
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
      const count = next.batch.eventIds.length
      if (group.length > 0 && events + count > maxCommitEvents) break
      queue.shift()
      events += count
      queuedEvents -= count
      group.push(next)
    }
    return group
  }

  const pump = (): void => {
    scheduled = false
    while (inFlight < maxConcurrent && queue.length > 0) {
      const group = takeGroup()
      inFlight++
      let released = false
      // Called once the database has answered, before this group's requests are: the
      // next commit goes out first, so the database works on it while they are answered
      // (under one-event requests, answering a commit's senders takes longer than the
      // database takes to commit; see `settle` in commitGroup).
      const release = (): void => {
        if (released) return
        released = true
        inFlight--
        if (queue.length > 0) pump()
        else if (inFlight === 0) idleWaiters.splice(0).forEach((resolve) => resolve())
      }
      void commitGroup(options, heads, group, release).finally(release)
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
      const batch = packEvents(events)
      return new Promise<CommitOutcome>((resolve, reject) => {
        queue.push({ projectId, batch, resolve, reject })
        queuedEvents += batch.eventIds.length
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

async function commitGroup(
  options: GroupCommitOptions,
  heads: Map<string, KnownHead>,
  group: Submission[],
  beforeAnswering: () => void = () => undefined,
): Promise<void> {
  const started = performance.now()
  const byProject = new Map<string, Submission[]>()
  for (const s of group) {
    const list = byProject.get(s.projectId)
    if (list) list.push(s)
    else byProject.set(s.projectId, [s])
  }
  // The last project's requests are answered a turn later, after `beforeAnswering` has
  // started the next commit: answering runs the requests' own continuations, which
  // would otherwise all go before the next commit's statement is even written.
  const settle = (last: boolean, answer: () => void): void => {
    if (!last) return answer()
    beforeAnswering()
    setImmediate(answer)
  }
  let events = 0
  let remaining = byProject.size
  for (const [projectId, submissions] of byProject) {
    const last = --remaining === 0
    const outcomes = submissions.map((): CommitOutcome => ({ accepted: 0, duplicates: 0 }))
    try {
      await commitProject(options, heads, projectId, submissions, outcomes)
    } catch (err) {
      heads.delete(projectId)
      if (isRowRefusal(err) && submissions.length > 1) {
        // One request's rows poisoned the shared commit: commit each request on its own
        // so only the one the database refuses fails, and the others are not held back.
        for (const s of submissions) await commitGroup(options, heads, [s])
      } else {
        const reason = isRowRefusal(err) ? new CommitRefusedError(err) : err
        settle(last, () => submissions.forEach((s) => s.reject(reason)))
      }
      continue
    }
    for (const s of submissions) events += s.batch.eventIds.length
    settle(last, () => submissions.forEach((s, i) => s.resolve(outcomes[i]!)))
  }
  if (events > 0) options.onCommit?.({ events, requests: group.length, durationMs: performance.now() - started })
}

/** Event `index` of submission `owner`'s batch. */
interface Candidate {
  batch: EventBatch
  index: number
  owner: number
}

async function commitProject(
  options: GroupCommitOptions,
  heads: Map<string, KnownHead>,
  projectId: string,
  submissions: Submission[],
  outcomes: CommitOutcome[],
): Promise<void> {
  // The same event_id twice in one commit (a retry racing its original) is stored once.
  const seen = new Set<string>()
  let candidates: Candidate[] = []
  let submitted = 0
  submissions.forEach(({ batch }, owner) => {
    batch.eventIds.forEach((eventId, index) => {
      if (seen.has(eventId)) outcomes[owner]!.duplicates++
      else {
        seen.add(eventId)
        candidates.push({ batch, index, owner })
      }
    })
    submitted += batch.eventIds.length
  })

  // Only a signed commit needs the next head before the database has it.
  let known = options.signer ? heads.get(projectId) : undefined
  for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS && candidates.length > 0; attempt++) {
    // While every submitted event is a candidate, the commit's documents and hashes are
    // the batches' own strings joined, with nothing cut out of them.
    const whole = candidates.length === submitted
    // One Buffer for the commit's hashes (prepared as latin1 strings, a byte per char);
    // the Merkle leaves are views into it.
    const hashText = whole ? submissions.map((s) => s.batch.hashes).join('') : candidates.map((c) => hashOf(c.batch, c.index)).join('')
    const hashes = Buffer.from(hashText, 'latin1')
    const leaves = candidates.map((_, i) => hashes.subarray(i * 32, i * 32 + 32))
    const root = await merkleRoot(leaves, options.sha256)
    let signed: { lastSeq: number; head: Uint8Array; signature: Uint8Array } | undefined
    if (options.signer) {
      if (!known) {
        const row = await readHead(options.db, projectId)
        if (!row) throw new Error(`project ${projectId} has no ledger head`)
        known = { lastSeq: row.last_seq, head: new Uint8Array(row.head) }
      }
      const lastSeq = known.lastSeq + candidates.length
      const head = await chainHead(known.head, root, lastSeq, options.sha256)
      signed = { lastSeq, head, signature: options.signer(projectId, lastSeq, head) }
    }
    const answer = await appendCommit(options.db, {
      projectId,
      expectedLastSeq: signed ? known!.lastSeq : null,
      expectedHead: signed ? known!.head : null,
      docsJson: `[${whole ? submissions.map((s) => s.batch.docs).join(',') : candidates.map((c) => docOf(c.batch, c.index)).join(',')}]`,
      hashes,
      root,
      head: signed?.head ?? null,
      signature: signed?.signature ?? null,
    })
    if ('stale' in answer) {
      // Another collector moved the chain: sign on top of its head instead.
      known = { lastSeq: answer.last_seq, head: fromHex(answer.head) }
      continue
    }
    if ('duplicates' in answer) {
      const stored = new Set(answer.duplicates)
      candidates = candidates.filter((c) => {
        if (!stored.has(c.batch.eventIds[c.index]!)) return true
        outcomes[c.owner]!.duplicates++
        return false
      })
      continue
    }
    for (const c of candidates) outcomes[c.owner]!.accepted++
    heads.set(projectId, { lastSeq: answer.last_seq, head: fromHex(answer.head) })
    return
  }
  if (candidates.length > 0) throw new Error(`project ${projectId}: no commit after ${MAX_APPEND_ATTEMPTS} attempts`)
}
