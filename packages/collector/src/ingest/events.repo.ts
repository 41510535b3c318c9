import type { Queryable } from '../db/db.js'

const EXISTING_IDS = `select event_id::text as event_id from event_ids where project_id = $1 and event_id = any($2::uuid[])`
const INSERT_IDS = `insert into event_ids (project_id, event_id, seq, occurred_at)
  select $1, e.event_id, e.seq, e.occurred_at from unnest($2::uuid[], $3::bigint[], $4::timestamptz[]) as e(event_id, seq, occurred_at)`
// Promoted columns are read from the document in SQL, so each event crosses the wire
// once (as jsonb text) and the columns can never disagree with what was hashed.
const INSERT_EVENTS = `insert into events (project_id, seq, event_id, occurred_at, received_at,
    service_name, environment, method, path, route, status_code, response_time_ms, identifier, session_id,
    request_id, tenant_id, action, category, severity, outcome, actor, actor_type, resource_type, resource_id,
    source, orphan, event, hash)
  select $1, e.seq, e.event_id, e.occurred_at, e.received_at,
    d->>'service_name', d->>'environment', d->>'method', d->>'path', d->>'route',
    (d->>'status_code')::smallint, (d->>'response_time')::float8, d->>'identifier', d->>'session_id',
    d->>'request_id', d->>'tenant_id', d->>'action', d->>'category', d->>'severity', d->>'outcome',
    d->>'actor', d->>'actor_type', d->>'resource_type', d->>'resource_id',
    d->>'source', coalesce((d->>'orphan')::boolean, false), d, decode(e.hash, 'hex')
  from unnest($2::bigint[], $3::uuid[], $4::timestamptz[], $5::timestamptz[], $6::jsonb[], $7::text[])
    as e(seq, event_id, occurred_at, received_at, d, hash)`

/** Event ids of `ids` already stored for the project. */
export const findExistingIds = (tx: Queryable, projectId: string, ids: readonly string[]) =>
  tx.query<{ event_id: string }>(EXISTING_IDS, [projectId, ids]).then((r) => new Set(r.rows.map((row) => row.event_id)))

/** Columns of the rows one commit inserts for one project, as parallel arrays. */
export interface EventColumns {
  seqs: number[]
  eventIds: string[]
  occurredAt: Date[]
  receivedAt: Date[]
  docs: string[]
  hashesHex: string[]
}

/** Inserts the events and their idempotency rows: two statements whatever the count. */
export async function insertEvents(tx: Queryable, projectId: string, c: EventColumns): Promise<void> {
  await tx.query(INSERT_IDS, [projectId, c.eventIds, c.seqs, c.occurredAt])
  await tx.query(INSERT_EVENTS, [projectId, c.seqs, c.eventIds, c.occurredAt, c.receivedAt, c.docs, c.hashesHex])
}
