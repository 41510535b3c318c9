import type { Queryable } from '../db/db.js'

/** The head of a project's chain. */
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

const LIST_LEDGER = `select project_id, first_seq, last_seq, root, prev_head, head, signature, kind, committed_at
  from ledger where project_id = $1 and last_seq > $2 order by last_seq limit $3`
const READ_HEAD = `select last_seq, head from ledger_heads where project_id = $1`

/** Reads the project's head without locking it. */
export const readHead = (db: Queryable, projectId: string) =>
  db.query<HeadRow>(READ_HEAD, [projectId]).then((r) => r.rows[0])

/** Ledger rows of a project after `afterLastSeq`, in chain order. */
export const listLedger = (db: Queryable, projectId: string, afterLastSeq: number, limit: number) =>
  db.query<LedgerRow>(LIST_LEDGER, [projectId, afterLastSeq, limit]).then((r) => r.rows)
