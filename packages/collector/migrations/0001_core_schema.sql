-- Projects, API keys, the event store, idempotency index, ledger and client reports.
-- Every key and index is led by project_id so the schema can shard by project (DESIGN §8).

create table projects (
  id uuid primary key,
  name text not null unique,
  created_at timestamptz not null default now()
);

create table api_keys (
  id uuid primary key,
  project_id uuid not null references projects (id),
  kind text not null check (kind in ('secret', 'publishable')),
  name text not null,
  -- The first characters of the key, shown in listings so a key can be recognised;
  -- the key itself is never stored, only its SHA-256.
  display_prefix text not null,
  secret_sha256 bytea not null unique,
  allowed_origins text[] not null default '{}',
  rate_limit_per_second integer check (rate_limit_per_second > 0),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index api_keys_project on api_keys (project_id, created_at);

-- The event store: one row per accepted event, written once, range-partitioned by
-- day on occurred_at. The `event` document is exactly what `hash` covers:
-- hash = SHA-256(0x00 || JCS(event)). The promoted columns serve the filters.
create table events (
  project_id uuid not null,
  seq bigint not null,
  event_id uuid not null,
  occurred_at timestamptz not null,
  received_at timestamptz not null,
  service_name text,
  environment text,
  method text,
  path text,
  route text,
  status_code smallint,
  response_time_ms double precision,
  identifier text,
  session_id text,
  request_id text,
  tenant_id text,
  action text not null,
  category text not null,
  severity text not null,
  outcome text not null,
  actor text,
  actor_type text,
  resource_type text,
  resource_id text,
  source text not null,
  orphan boolean not null default false,
  event jsonb not null,
  hash bytea not null
) partition by range (occurred_at);

create index events_time on events (project_id, occurred_at desc, event_id desc);
create index events_seq on events (project_id, seq);
create index events_identifier on events (project_id, identifier, occurred_at desc);
create index events_service on events (project_id, service_name, occurred_at desc);
create index events_action on events (project_id, action, occurred_at desc);
create index events_status on events (project_id, status_code, occurred_at desc);

-- Idempotency and the seq → partition map. A unique key on the partitioned table
-- would have to include occurred_at, which differs between retries of an event whose
-- timestamp was replaced by received_at, so uniqueness of event_id lives here.
create table event_ids (
  project_id uuid not null,
  event_id uuid not null,
  seq bigint not null,
  occurred_at timestamptz not null,
  primary key (project_id, event_id)
);
create unique index event_ids_seq on event_ids (project_id, seq);

-- The chain head per project, locked (FOR UPDATE) by every commit, so any number of
-- collectors append to one gapless sequence.
create table ledger_heads (
  project_id uuid primary key references projects (id),
  last_seq bigint not null default 0,
  head bytea not null,
  updated_at timestamptz not null default now()
);

-- One row per commit and project: the RFC 6962 root over the commit's event hashes
-- in seq order, and head = SHA-256(prev_head || root || last_seq as uint64 BE).
create table ledger (
  project_id uuid not null,
  first_seq bigint not null,
  last_seq bigint not null,
  root bytea not null,
  prev_head bytea not null,
  head bytea not null,
  signature bytea,
  kind text not null default 'commit' check (kind in ('commit', 'retention')),
  committed_at timestamptz not null default now(),
  primary key (project_id, last_seq)
);

-- What SDKs report they dropped, so a gap in the trail is visible.
create table client_reports (
  project_id uuid not null,
  received_at timestamptz not null default now(),
  api_key_id uuid not null,
  sdk_name text,
  sdk_version text,
  dropped jsonb not null
);
create index client_reports_time on client_reports (project_id, received_at desc);
