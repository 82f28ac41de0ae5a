-- The audit trail: every search, view, change, export, sign-in attempt and administrative action,
-- append-only and tamper-evident, kept six years. Written by src/audit (see audit.table.ts).
--
-- Tamper evidence: entries form hash chains. Each entry stores the hash of the one before it in its
-- chain and its own hash, SHA-256(prev_hash || canonical serialisation of the entry, chain and seq
-- included), computed by the application. Altering, deleting or reordering an entry breaks a link
-- that `contactpoint audit verify` finds; audit_chain holds each chain's head, so cutting off the
-- newest entries is found too.
--
-- Several chains, not one: a writer locks its chain's audit_chain row from the append until its
-- transaction commits, so one chain would serialise every audited request in the country. With 16,
-- concurrent writers rarely meet; each transaction keeps to one chain, so no two writers can wait on
-- each other's chains (no deadlock). A rolled-back transaction rolls back its head update too: no gap.
--
-- Append-only, enforced twice: the application works as contactpoint_app, which may insert and read
-- entries but not update, delete or truncate them; and triggers refuse those to everyone, the owner
-- included (grants alone do not bind the owner, a superuser, or the embedded engine's single user).
-- Someone able to disable the triggers can rewrite rows, and verify then finds the broken link.
-- Recomputing every hash after a rewrite is not detectable from inside the database: publishing the
-- chain heads somewhere the database's administrators cannot write is the answer to that.
--
-- Retention (not built yet): entries are kept 6 years after `at`, then purged. The purge will run as
-- the owner and delete a prefix of each chain: per chain, the entries up to the highest seq below
-- which every entry is past retention. Before deleting, it records that last purged entry's
-- (chain_id, seq, hash) in an anchor table, and verify starts that chain from the anchor instead of
-- seq 1 with the all-zero hash. The refusal trigger will let through only deletes of entries older
-- than 6 years inside a transaction that set a purge flag, so the purge never needs the trigger
-- disabled and nothing younger can go that way. At ~1,000 entries/s the table grows by ~30 billion
-- rows in six years, so before that matters audit_entry becomes range-partitioned by `at` (a year a
-- partition), and the purge drops whole partitions after anchoring their last entries.

-- The application's role. Roles are cluster-wide on PostgreSQL and several databases may be migrated
-- at once (test databases, a template), so creation tolerates the role existing or appearing meanwhile.
do $$
begin
  if not exists (select from pg_roles where rolname = 'contactpoint_app') then
    create role contactpoint_app nologin;
  end if;
exception
  when duplicate_object or unique_violation then null;
end
$$;

-- The server switches to the role with SET ROLE (src/db/app-role.ts), which needs membership; a
-- superuser has it already, a non-superuser owner with CREATEROLE is granted it here.
do $$
begin
  if not pg_has_role(current_user, 'contactpoint_app', 'member') then
    execute format('grant contactpoint_app to %I', current_user);
  end if;
end
$$;

-- Ordinary rights on every table, now and later: tables created by later migrations (as the same
-- owner) get them through the default privileges, so those migrations need not grant. A table that
-- must be append-only revokes, as audit_entry does below. No TRUNCATE, no DDL.
grant usage on schema public to contactpoint_app;
grant select, insert, update, delete on all tables in schema public to contactpoint_app;
grant usage, select on all sequences in schema public to contactpoint_app;
alter default privileges in schema public grant select, insert, update, delete on tables to contactpoint_app;
alter default privileges in schema public grant usage, select on sequences to contactpoint_app;
-- Migrations are the owner's business.
revoke insert, update, delete on schema_migrations from contactpoint_app;

create table audit_chain (
  chain_id smallint primary key constraint audit_chain_id_range check (chain_id between 0 and 255),
  last_seq bigint not null constraint audit_chain_seq_non_negative check (last_seq >= 0),
  last_hash bytea not null constraint audit_chain_hash_length check (length(last_hash) = 32)
);

-- 16 chains (AUDIT_CHAIN_COUNT in src/audit/audit.chain.ts), each starting from the all-zero hash.
insert into audit_chain (chain_id, last_seq, last_hash)
select chain_id, 0, decode(repeat('00', 32), 'hex') from generate_series(0, 15) as chain_id;

create table audit_entry (
  chain_id smallint not null,
  seq bigint not null constraint audit_entry_seq_positive check (seq >= 1),
  at timestamptz not null,
  -- No foreign key: the entry outlives the child's record (purged after its own retention), and the
  -- check would cost every audited request a lookup.
  child_id uuid,
  prev_hash bytea not null constraint audit_entry_prev_hash_length check (length(prev_hash) = 32),
  hash bytea not null constraint audit_entry_hash_length check (length(hash) = 32),
  -- The vocabulary is closed in src/audit/audit.vocabulary.ts; here only its shape is checked, so a
  -- new action needs no constraint rewritten over years of rows.
  action text not null constraint audit_entry_action_format check (action ~ '^[a-z]+(-[a-z]+)*(\.[a-z]+(-[a-z]+)*)+$'),
  outcome text not null constraint audit_entry_outcome_known check (outcome in ('success', 'failure', 'denied', 'error')),
  actor_type text not null constraint audit_entry_actor_type_known check (actor_type in ('user', 'operator', 'system', 'anonymous')),
  -- A user id, an operator's name, a system account, or what an unknown signer-in typed.
  actor text not null constraint audit_entry_actor_present check (btrim(actor) <> '' and length(actor) <= 200),
  role text constraint audit_entry_role_length check (length(role) <= 100),
  organisation text constraint audit_entry_organisation_length check (length(organisation) <= 200),
  -- What the action was about when it is not a child: 'user:<id>', 'batch:<id>', ...
  target text constraint audit_entry_target_length check (length(target) <= 200),
  reason text constraint audit_entry_reason_known check (reason in (
    'safeguarding-concern', 'new-involvement', 'contact-practitioner', 'case-review', 'data-quality',
    'investigation', 'subject-access-request', 'system'
  )),
  reason_text text constraint audit_entry_reason_text_length check (length(reason_text) <= 1000),
  request_id text constraint audit_entry_request_id_length check (length(request_id) <= 200),
  -- Search criteria, result counts, export formats, error codes.
  details jsonb not null default '{}'::jsonb constraint audit_entry_details_object check (jsonb_typeof(details) = 'object'),
  constraint audit_entry_reason_text_has_reason check (reason_text is null or reason is not null),
  primary key (chain_id, seq)
);

-- The two reports: who accessed a child, what a user did; both over a time range.
create index audit_entry_child on audit_entry (child_id, at) where child_id is not null;
create index audit_entry_actor on audit_entry (actor, at);

revoke update, delete, truncate on audit_entry from contactpoint_app;
revoke insert, delete, truncate on audit_chain from contactpoint_app;

create function audit_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the audit trail is append-only: % on % refused', tg_op, tg_table_name
    using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_entry_append_only before update or delete on audit_entry
  for each row execute function audit_refuse_change();
create trigger audit_entry_no_truncate before truncate on audit_entry
  for each statement execute function audit_refuse_change();

-- A head only moves forward: moving it back would hide the newest entries of its chain.
create function audit_chain_forward_only() returns trigger language plpgsql as $$
begin
  if new.chain_id <> old.chain_id or new.last_seq <= old.last_seq then
    raise exception 'audit chain % may only move forward', old.chain_id
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;

create trigger audit_chain_forward_only before update on audit_chain
  for each row execute function audit_chain_forward_only();
create trigger audit_chain_no_delete before delete on audit_chain
  for each row execute function audit_refuse_change();
create trigger audit_chain_no_truncate before truncate on audit_chain
  for each statement execute function audit_refuse_change();
