import type { Queryable } from '../db/db.js'

// migrations/0003_append_function.sql: one statement per commit and project.
const APPEND = `select echotrail_append($1, $2, $3, $4::jsonb, $5, $6, $7, $8) as answer`

/** What the database answered to one append. */
export type AppendAnswer =
  | { last_seq: number; head: string }
  | { stale: true; last_seq: number; head: string }
  | { duplicates: string[] }

/** One commit of one project. */
export interface AppendInput {
  projectId: string
  /** With a signature: the head it was computed from, checked under the lock. */
  expectedLastSeq: number | null
  expectedHead: Uint8Array | null
  /** JSON array of the stored documents, in seq order. */
  docsJson: string
  /** The events' hashes, 32 bytes each, in seq order. */
  hashes: Uint8Array
  root: Uint8Array
  /** With a signature: the head it signs. */
  head: Uint8Array | null
  signature: Uint8Array | null
}

/** Appends events, their ids and the ledger row in one statement (atomic, one lock of the head). */
export async function appendCommit(db: Queryable, input: AppendInput): Promise<AppendAnswer> {
  const { rows } = await db.query<{ answer: AppendAnswer }>(APPEND, [
    input.projectId,
    input.expectedLastSeq,
    input.expectedHead,
    input.docsJson,
    input.hashes,
    input.root,
    input.head,
    input.signature,
  ])
  return rows[0]!.answer
}
