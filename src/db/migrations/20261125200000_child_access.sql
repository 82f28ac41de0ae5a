-- Access to children's records (src/access/policy, src/children/search*, shield*, encryption*):
-- encryption at rest of shielded children's whereabouts, practitioners' own involvements, the search
-- rate limit and inaccuracy reports.

-- Sealed location fields. While a child is shielded, the fields that could locate them (addresses,
-- carers' contact details, school, GP practice) are held only as AES-256-GCM ciphertext under a key
-- from configuration, so a dump of the database does not say where the child is. `sealed_fields` is
-- the ciphertext of the row's location columns as JSON, `sealed_key_id` the key it is sealed under
-- (also inside the ciphertext's envelope; a column so rotation can find rows by key), and the
-- plaintext columns are null. Sealing rewrites the representation of a history row, not its value,
-- so it is the one change to those rows besides closing them.
--
-- Matching must still find a shielded child, so the blocking and comparison keys of the sealed
-- fields are kept as HMAC-SHA-256 under a separate key: equal normalised values give equal hashes,
-- and nothing can be read back from them without the key.
--
-- A row inserted for a child who is already shielded (a feed's new address) is marked seal_pending by
-- the trigger below; the application seals pending rows before its transaction commits, and any
-- left behind by a writer that does not (a bulk load) are sealed by `contactpoint keys seal`.

alter table child_address
  add column sealed_fields text,
  add column sealed_key_id text,
  add column seal_pending boolean not null default false,
  add column postcode_hmac text,
  add column postcode_sector_hmac text,
  add column line1_hmac text,
  alter column line1 drop not null,
  add constraint child_address_line1_or_sealed check ((sealed_fields is null) = (line1 is not null)),
  add constraint child_address_sealed_holds_no_plaintext check (
    sealed_fields is null
    or (line2 is null and line3 is null and line4 is null and town is null and postcode is null and uprn is null)
  ),
  add constraint child_address_sealed_key check ((sealed_fields is null) = (sealed_key_id is null)),
  add constraint child_address_hmacs_only_when_sealed check (
    sealed_fields is not null or (postcode_hmac is null and postcode_sector_hmac is null and line1_hmac is null)
  );

alter table carer
  add column sealed_fields text,
  add column sealed_key_id text,
  add column seal_pending boolean not null default false,
  add column address_postcode_hmac text,
  add column address_line1_hmac text,
  add constraint carer_sealed_holds_no_plaintext check (
    sealed_fields is null
    or (phone is null and email is null and address_line1 is null and address_line2 is null
        and address_line3 is null and address_line4 is null and address_town is null and address_postcode is null)
  ),
  add constraint carer_sealed_key check ((sealed_fields is null) = (sealed_key_id is null)),
  add constraint carer_hmacs_only_when_sealed check (
    sealed_fields is not null or (address_postcode_hmac is null and address_line1_hmac is null)
  );

alter table educational_setting
  add column sealed_fields text,
  add column sealed_key_id text,
  add column seal_pending boolean not null default false,
  alter column urn drop not null,
  alter column name drop not null,
  add constraint educational_setting_urn_or_sealed check (
    (sealed_fields is null) = (urn is not null) and (sealed_fields is null) = (name is not null)
  ),
  add constraint educational_setting_sealed_holds_no_plaintext check (sealed_fields is null or phone is null),
  add constraint educational_setting_sealed_key check ((sealed_fields is null) = (sealed_key_id is null));

alter table gp_practice
  add column sealed_fields text,
  add column sealed_key_id text,
  add column seal_pending boolean not null default false,
  alter column ods_code drop not null,
  alter column name drop not null,
  add constraint gp_practice_code_or_sealed check (
    (sealed_fields is null) = (ods_code is not null) and (sealed_fields is null) = (name is not null)
  ),
  add constraint gp_practice_sealed_holds_no_plaintext check (sealed_fields is null or phone is null),
  add constraint gp_practice_sealed_key check ((sealed_fields is null) = (sealed_key_id is null));

-- Pending rows are few and short-lived; rotation walks the rows of one key at a time.
create index child_address_seal_pending on child_address (id) where seal_pending;
create index carer_seal_pending on carer (id) where seal_pending;
create index educational_setting_seal_pending on educational_setting (id) where seal_pending;
create index gp_practice_seal_pending on gp_practice (id) where seal_pending;
create index child_address_sealed_key on child_address (sealed_key_id, id) where sealed_key_id is not null;
create index carer_sealed_key on carer (sealed_key_id, id) where sealed_key_id is not null;
create index educational_setting_sealed_key on educational_setting (sealed_key_id, id) where sealed_key_id is not null;
create index gp_practice_sealed_key on gp_practice (sealed_key_id, id) where sealed_key_id is not null;
-- Blocking and search for shielded children by postcode.
create index child_address_postcode_hmac on child_address (postcode_hmac) where valid_to is null and postcode_hmac is not null;
create index child_address_postcode_sector_hmac on child_address (postcode_sector_hmac)
  where valid_to is null and postcode_sector_hmac is not null;

create function mark_location_for_sealing() returns trigger language plpgsql as $$
begin
  if new.sealed_fields is null and exists (select from child where id = new.child_id and shielded) then
    new.seal_pending := true;
  end if;
  return new;
end
$$;

create trigger child_address_mark_for_sealing before insert on child_address
  for each row execute function mark_location_for_sealing();
create trigger carer_mark_for_sealing before insert on carer
  for each row execute function mark_location_for_sealing();
create trigger educational_setting_mark_for_sealing before insert on educational_setting
  for each row execute function mark_location_for_sealing();
create trigger gp_practice_mark_for_sealing before insert on gp_practice
  for each row execute function mark_location_for_sealing();

-- Practitioners change only their own involvements, so an involvement a user records through
-- ContactPoint says whose it is. Null for involvements a feed supplied: nobody owns those.
alter table involvement add column practitioner_user_id uuid references user_account (id);
create index involvement_practitioner_user on involvement (practitioner_user_id)
  where practitioner_user_id is not null and valid_to is null;

-- Searches a user has made in the current one-minute window; in the database so that every process
-- serving the API counts against the same limit.
create table child_search_rate (
  user_id uuid primary key references user_account (id) on delete cascade,
  window_started_at timestamptz not null,
  searches integer not null constraint child_search_rate_searches_positive check (searches >= 1)
);

-- A user's report that something on a child's record is wrong, for the data-quality queue. The
-- description is the user's own words: it stays here, not in the audit trail.
create table child_inaccuracy_report (
  id bigint generated always as identity primary key,
  child_id uuid not null references child (id),
  reported_by uuid not null references user_account (id),
  reported_at timestamptz not null,
  resolved_at timestamptz,
  field text not null constraint child_inaccuracy_report_field_known check (field in (
    'name', 'date_of_birth', 'gender', 'address', 'identifier', 'carer', 'educational_setting',
    'gp_practice', 'involvement', 'caf', 'other'
  )),
  description text not null
    constraint child_inaccuracy_report_description_length check (btrim(description) <> '' and length(description) <= 2000)
);

create index child_inaccuracy_report_open on child_inaccuracy_report (reported_at) where resolved_at is null;
create index child_inaccuracy_report_child on child_inaccuracy_report (child_id);
