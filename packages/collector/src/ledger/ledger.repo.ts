import type { Queryable } from '../db/db.js'

/** The head of a project's chain, as locked by a commit. */
export interface HeadRow {
  last_seq: number
  head: Uint8Array
}

/** One ledger row: a commit's seq range, Merkle root and chained head. */
export interface LedgerRow {
  project_id: string
  first_seq: number
  last_seq: number
  root: Uint8Array
  prev_head: Uint8Array
  head: Uint8Array
  signature: Uint8Array | null
  kind: 'commit' | 'retention'
  committed_at: Date
}

const LOCK_HEAD = `select last_seq, head from ledger_heads where project_id = $1 for update`
const UPDATE_HEAD = `update ledger_heads set last_seq = $2, head = $3, updated_at = now() where project_id = $1`
const INSERT_LEDGER = `insert into ledger (project_id, first_seq, last_seq, root, prev_head, head, signature)
  values ($1, $2, $3, $4, $5, $6, $7)`
const LIST_LEDGER = `select project_id, first_seq, last_seq, root, prev_head, head, signature, kind, committed_at
  from ledger where project_id = $1 and last_seq > $2 order by last_seq limit $3`
const READ_HEAD = `select last_seq, head from ledger_heads where project_id = $1`

/** Locks the project's head row for the rest of the transaction and reads it. */
export const lockHead = (tx: Queryable, projectId: string) =>
  tx.query<HeadRow>(LOCK_HEAD, [projectId]).then((r) => r.rows[0])

/** Reads the project's head without locking it. */
export const readHead = (db: Queryable, projectId: string) =>
  db.query<HeadRow>(READ_HEAD, [projectId]).then((r) => r.rows[0])

/** Appends one ledger row and moves the head, inside the commit's transaction. */
export async function appendLedger(
  tx: Queryable,
  row: { projectId: string; firstSeq: number; lastSeq: number; root: Uint8Array; prevHead: Uint8Array; head: Uint8Array; signature: Uint8Array | null },
): Promise<void> {
  await tx.query(INSERT_LEDGER, [row.projectId, row.firstSeq, row.lastSeq, row.root, row.prevHead, row.head, row.signature])
  await tx.query(UPDATE_HEAD, [row.projectId, row.lastSeq, row.head])
}

/** Ledger rows of a project after `afterLastSeq`, in chain order. */
export const listLedger = (db: Queryable, projectId: string, afterLastSeq: number, limit: number) =>
  db.query<LedgerRow>(LIST_LEDGER, [projectId, afterLastSeq, limit]).then((r) => r.rows)
