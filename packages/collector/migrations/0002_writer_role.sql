-- The role the collector writes events with: it can add rows but never change or
-- remove them (DESIGN §4, write-once). Only the retention job, running as the owner,
-- drops whole partitions, and it records that in the ledger.
-- Without the right to create roles (a managed database, say) this step does nothing
-- and the collector warns at start that it writes as the connecting user.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'echotrail_writer') then
    create role echotrail_writer nologin;
  end if;
  if not pg_has_role(current_user, 'echotrail_writer', 'member') then
    execute format('grant echotrail_writer to %I', current_user);
  end if;
  grant usage on schema public to echotrail_writer;
  grant select, insert on events, event_ids, ledger, client_reports to echotrail_writer;
  grant select, update on ledger_heads to echotrail_writer;
  grant select on projects, api_keys to echotrail_writer;
exception when insufficient_privilege then
  raise notice 'echotrail_writer not set up: %', sqlerrm;
end
$$;
