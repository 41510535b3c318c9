import { bytesEqual, chainHead, GENESIS_HEAD, hashEvent, merkleRoot, toHex, type Sha256 } from '@echotrail/core'
import type { KeyObject } from 'node:crypto'
import type { Queryable } from '../db/db.js'
import { verifyCheckpoint } from './checkpoint.js'
import { listLedger, readHead, type LedgerRow } from './ledger.repo.js'

/** One thing verification found wrong. */
export interface VerifyFinding {
  kind: 'altered' | 'missing' | 'reordered' | 'unledgered' | 'chain' | 'signature'
  /** The event's seq, when the finding is about one event. */
  seq?: number
  eventId?: string
  message: string
}

/** The result of re-deriving a project's chain. */
export interface VerifyReport {
  projectId: string
  ok: boolean
  events: number
  commits: number
  lastSeq: number
  /** Ordered by seq; the first one is the first altered, missing or reordered event. */
  findings: VerifyFinding[]
}

/** Options of verifyProject. */
export interface VerifyOptions {
  sha256: Sha256
  /** Checks every checkpoint signature with this Ed25519 public key when given. */
  publicKey?: KeyObject
  /** Ledger rows read per round trip. @default 100 */
  pageSize?: number
}

interface StoredRow {
  seq: number
  event_id: string
  event: Record<string, unknown>
  hash: Uint8Array
  index_seq: number | null
  columns_match: boolean
}

// Each event of a ledger range, its idempotency row's seq, and whether the promoted
// columns still say what the hashed document says.
const EVENTS_IN_RANGE = `select e.seq, e.event_id::text as event_id, e.event, e.hash, i.seq as index_seq,
    (e.event->>'event_id' = e.event_id::text
      and (e.event->>'occurred_at')::timestamptz = e.occurred_at
      and (e.event->>'received_at')::timestamptz = e.received_at
      and e.event->>'action' is not distinct from e.action
      and e.event->>'category' is not distinct from e.category
      and e.event->>'severity' is not distinct from e.severity
      and e.event->>'outcome' is not distinct from e.outcome
      and e.event->>'source' is not distinct from e.source
      and e.event->>'path' is not distinct from e.path
      and e.event->>'method' is not distinct from e.method
      and (e.event->>'status_code')::smallint is not distinct from e.status_code
      and e.event->>'identifier' is not distinct from e.identifier
      and e.event->>'service_name' is not distinct from e.service_name
      and e.event->>'actor' is not distinct from e.actor) as columns_match
  from events e left join event_ids i on i.project_id = e.project_id and i.event_id = e.event_id
  where e.project_id = $1 and e.seq between $2 and $3
  order by e.seq, e.event_id`
const EVENTS_AFTER = `select seq, event_id::text as event_id from events where project_id = $1 and seq > $2 order by seq limit 100`

/**
 * Re-derives a project's chain from what is stored: every event's hash from its
 * document, every commit's Merkle root from those hashes in seq order, every head from
 * the previous one, and (with a public key) every signature. Names each event that
 * was altered, deleted or moved, and each break in the chain.
 */
export async function verifyProject(db: Queryable, projectId: string, options: VerifyOptions): Promise<VerifyReport> {
  const findings: VerifyFinding[] = []
  let prevHead: Uint8Array = GENESIS_HEAD
  let expectedFirst = 1
  let events = 0
  let commits = 0
  let after = 0
  const pageSize = options.pageSize ?? 100
  for (;;) {
    const page = await listLedger(db, projectId, after, pageSize)
    if (page.length === 0) break
    for (const row of page) {
      commits++
      await checkChainLink(row, prevHead, expectedFirst, projectId, options, findings)
      events += await checkRange(db, row, projectId, options, findings)
      prevHead = new Uint8Array(row.head)
      expectedFirst = row.last_seq + 1
      after = row.last_seq
    }
  }
  const head = await readHead(db, projectId)
  if (head && (head.last_seq !== after || !bytesEqual(new Uint8Array(head.head), prevHead))) {
    findings.push({ kind: 'chain', message: `the project's head (seq ${head.last_seq}) is not the last ledger row (seq ${after})` })
  }
  const stray = await db.query<{ seq: number; event_id: string }>(EVENTS_AFTER, [projectId, after])
  for (const r of stray.rows) {
    findings.push({ kind: 'unledgered', seq: r.seq, eventId: r.event_id, message: `event ${r.event_id} has seq ${r.seq}, beyond the ledger` })
  }
  findings.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER))
  return { projectId, ok: findings.length === 0, events, commits, lastSeq: after, findings }
}

async function checkChainLink(
  row: LedgerRow,
  prevHead: Uint8Array,
  expectedFirst: number,
  projectId: string,
  options: VerifyOptions,
  findings: VerifyFinding[],
): Promise<void> {
  const range = `ledger row ${row.first_seq}..${row.last_seq}`
  if (row.first_seq !== expectedFirst) {
    findings.push({ kind: 'chain', seq: expectedFirst, message: `${range} should start at seq ${expectedFirst}` })
  }
  if (!bytesEqual(new Uint8Array(row.prev_head), prevHead)) {
    findings.push({ kind: 'chain', seq: row.first_seq, message: `${range} does not link to the previous head` })
  }
  const head = await chainHead(new Uint8Array(row.prev_head), new Uint8Array(row.root), row.last_seq, options.sha256)
  if (!bytesEqual(head, new Uint8Array(row.head))) {
    findings.push({ kind: 'chain', seq: row.first_seq, message: `${range} head is not SHA-256(prev_head ‖ root ‖ last_seq)` })
  }
  if (options.publicKey) {
    const ok = row.signature !== null && verifyCheckpoint(options.publicKey, projectId, row.last_seq, new Uint8Array(row.head), new Uint8Array(row.signature))
    if (!ok) findings.push({ kind: 'signature', seq: row.first_seq, message: `${range} signature does not verify` })
  }
}

async function checkRange(db: Queryable, row: LedgerRow, projectId: string, options: VerifyOptions, findings: VerifyFinding[]): Promise<number> {
  const { rows } = await db.query<StoredRow>(EVENTS_IN_RANGE, [projectId, row.first_seq, row.last_seq])
  const leaves: Uint8Array[] = []
  let rangeFindings = 0
  const note = (f: VerifyFinding) => {
    findings.push(f)
    rangeFindings++
  }
  let expected = row.first_seq
  for (const r of rows) {
    while (expected < r.seq) {
      note({ kind: 'missing', seq: expected, message: `event with seq ${expected} is missing` })
      expected++
    }
    if (r.seq < expected) {
      note({ kind: 'reordered', seq: r.seq, eventId: r.event_id, message: `seq ${r.seq} is held by more than one event (${r.event_id})` })
      continue
    }
    expected++
    const recomputed = await hashEvent(r.event, options.sha256)
    leaves.push(recomputed)
    if (!bytesEqual(recomputed, new Uint8Array(r.hash))) {
      note({ kind: 'altered', seq: r.seq, eventId: r.event_id, message: `event ${r.event_id} (seq ${r.seq}) was altered: its content no longer matches its hash` })
    } else if (!r.columns_match) {
      note({ kind: 'altered', seq: r.seq, eventId: r.event_id, message: `event ${r.event_id} (seq ${r.seq}) was altered: its columns no longer match its hashed content` })
    }
    if (r.index_seq !== null && r.index_seq !== r.seq) {
      note({ kind: 'reordered', seq: r.seq, eventId: r.event_id, message: `event ${r.event_id} now has seq ${r.seq} but was committed as seq ${r.index_seq}` })
    }
  }
  while (expected <= row.last_seq) {
    note({ kind: 'missing', seq: expected, message: `event with seq ${expected} is missing` })
    expected++
  }
  if (rangeFindings === 0) {
    const root = await merkleRoot(leaves, options.sha256)
    if (!bytesEqual(root, new Uint8Array(row.root))) {
      note({
        kind: 'reordered',
        seq: row.first_seq,
        message: `events ${row.first_seq}..${row.last_seq} do not hash to the committed root ${toHex(new Uint8Array(row.root)).slice(0, 16)}…: content or order changed`,
      })
    }
  }
  return rows.length
}
