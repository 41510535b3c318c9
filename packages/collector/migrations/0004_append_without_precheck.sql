-- echotrail_append without the look-up of every event_id before the insert: the insert
-- into event_ids finds a stored id anyway, through its primary key. When it does, the
-- block's subtransaction undoes the ids inserted so far, and only then are the stored
-- ids looked up and named, as before. Nothing else changes (see 0003).
create or replace function echotrail_append(
  p_project uuid,
  p_expected_last bigint,
  p_expected_head bytea,
  p_docs jsonb,
  p_hashes bytea,
  p_root bytea,
  p_head bytea,
  p_signature bytea
) returns jsonb
language plpgsql
security definer
set search_path = public, pg_temp
as $$
declare
  v_last bigint;
  v_head bytea;
  v_count bigint;
  v_next_head bytea;
  v_duplicates jsonb;
  v_constraint text;
begin
  select h.last_seq, h.head into v_last, v_head
    from ledger_heads h where h.project_id = p_project for update;
  if not found then
    raise exception 'project % has no ledger head', p_project using errcode = 'P0002';
  end if;
  if p_signature is not null and (v_last <> p_expected_last or v_head <> p_expected_head) then
    return jsonb_build_object('stale', true, 'last_seq', v_last, 'head', encode(v_head, 'hex'));
  end if;

  v_count := jsonb_array_length(p_docs);
  -- head = SHA-256(prev_head || root || last_seq as 8-byte big-endian), as in @echotrail/core.
  v_next_head := sha256(v_head || p_root || int8send(v_last + v_count));
  if length(p_hashes) <> v_count * 32 or (p_head is not null and p_head <> v_next_head) then
    raise exception 'commit of project % does not match its head', p_project using errcode = 'P0001';
  end if;

  begin
    insert into event_ids (project_id, event_id, seq, occurred_at)
      select p_project, (d->>'event_id')::uuid, v_last + o, (d->>'occurred_at')::timestamptz
      from jsonb_array_elements(p_docs) with ordinality as t(d, o);
  exception when unique_violation then
    get stacked diagnostics v_constraint = constraint_name;
    if v_constraint <> 'event_ids_pkey' then
      raise;
    end if;
    select jsonb_agg(i.event_id::text) into v_duplicates
      from event_ids i
      where i.project_id = p_project
        and i.event_id in (select (d->>'event_id')::uuid from jsonb_array_elements(p_docs) as d);
    return jsonb_build_object('duplicates', v_duplicates);
  end;

  -- Promoted columns are read from the document, so they cannot disagree with what was hashed.
  insert into events (project_id, seq, event_id, occurred_at, received_at,
      service_name, environment, method, path, route, status_code, response_time_ms, identifier, session_id,
      request_id, tenant_id, action, category, severity, outcome, actor, actor_type, resource_type, resource_id,
      source, orphan, event, hash)
    select p_project, v_last + o, (d->>'event_id')::uuid, (d->>'occurred_at')::timestamptz, (d->>'received_at')::timestamptz,
      d->>'service_name', d->>'environment', d->>'method', d->>'path', d->>'route',
      (d->>'status_code')::smallint, (d->>'response_time')::float8, d->>'identifier', d->>'session_id',
      d->>'request_id', d->>'tenant_id', d->>'action', d->>'category', d->>'severity', d->>'outcome',
      d->>'actor', d->>'actor_type', d->>'resource_type', d->>'resource_id',
      d->>'source', coalesce((d->>'orphan')::boolean, false), d,
      substring(p_hashes from ((o - 1) * 32 + 1)::int for 32)
    from jsonb_array_elements(p_docs) with ordinality as t(d, o);

  insert into ledger (project_id, first_seq, last_seq, root, prev_head, head, signature)
    values (p_project, v_last + 1, v_last + v_count, p_root, v_head, v_next_head, p_signature);
  update ledger_heads set last_seq = v_last + v_count, head = v_next_head, updated_at = now()
    where project_id = p_project;
  return jsonb_build_object('last_seq', v_last + v_count, 'head', encode(v_next_head, 'hex'));
end
$$;
