-- The child record: identifying and contact details only, never case notes.
--
-- Every attribute of a child lives in a history-kept table whose rows are never edited: a change
-- closes the current row (valid_to) and inserts a new one, and each row says where it came from
-- (source_name, batch_id, received_at). valid_from/valid_to are when ContactPoint held the row as
-- part of the record; valid_to is null on current rows, which is what matching and search read, so
-- their indexes are partial on it.
--
-- Sized for ~12 million children with several attribute rows each: attribute rows use bigint
-- identity keys, fixed-width columns come first so rows carry no alignment padding, and only the
-- access paths that loading a record, matching, search and the partial uniqueness rules need are
-- indexed.

create table local_authority (
  code text primary key constraint local_authority_code_format check (code ~ '^[0-9]{3}$'),
  name text not null constraint local_authority_name_present check (btrim(name) <> ''),
  -- Shown on shielded records instead of anything that could locate the child, so it is required.
  management_team_name text not null constraint local_authority_team_name_present check (btrim(management_team_name) <> ''),
  management_team_phone text not null constraint local_authority_team_phone_present check (btrim(management_team_phone) <> ''),
  management_team_email text not null constraint local_authority_team_email_present check (management_team_email like '%_@_%'),
  created_at timestamptz not null default now()
);

create table source (
  name text primary key constraint source_name_format check (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  -- 'manual' covers what users enter through ContactPoint itself (involvements, CAF, shields).
  kind text not null constraint source_kind_known check (kind in ('national', 'local', 'manual')),
  description text not null default '',
  created_at timestamptz not null default now()
);

insert into source (name, kind, description)
values ('contactpoint', 'manual', 'Entered by ContactPoint users through the service');

create table source_batch (
  id bigint generated always as identity primary key,
  received_at timestamptz not null default now(),
  completed_at timestamptz,
  row_count integer not null default 0,
  accepted_count integer not null default 0,
  quarantined_count integer not null default 0,
  source_name text not null references source (name),
  -- SHA-256 of the submitted file, hex.
  checksum text not null constraint source_batch_checksum_format check (checksum ~ '^[0-9a-f]{64}$'),
  status text not null default 'received'
    constraint source_batch_status_known check (status in ('received', 'processing', 'completed', 'failed')),
  constraint source_batch_counts check (
    row_count >= 0 and accepted_count >= 0 and quarantined_count >= 0
    and accepted_count + quarantined_count <= row_count
  ),
  -- The same file submitted twice is recognised, so re-running a batch cannot apply it twice.
  constraint source_batch_once unique (source_name, checksum),
  -- Target of the (batch_id, source_name) foreign keys: a row cannot name one source and another's batch.
  constraint source_batch_id_source unique (id, source_name)
);

create table child (
  id uuid primary key default gen_random_uuid(),
  merged_into uuid references child (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Provenance of the child-level details (gender, dates of birth and death); changes to them are
  -- kept in child_event.
  received_at timestamptz not null,
  shielded_at timestamptz,
  batch_id bigint,
  date_of_birth date,
  date_of_death date,
  shield_review_date date,
  extension_consent_date date,
  archived_at date,
  purged_at date,
  -- Bumped once per committed change, for optimistic locking by callers that read then write.
  version integer not null default 1 constraint child_version_positive check (version >= 1),
  shielded boolean not null default false,
  post_adoption boolean not null default false,
  contactpoint_id text not null
    constraint child_contactpoint_id_unique unique
    constraint child_contactpoint_id_format check (contactpoint_id ~ '^CP[0-9]{10}$'),
  status text not null default 'active'
    constraint child_status_known check (status in ('active', 'deceased', 'archived', 'purged')),
  gender text constraint child_gender_known check (gender in ('female', 'male', 'unknown', 'other')),
  responsible_la text references local_authority (code),
  source_name text not null references source (name),
  shield_reason text
    constraint child_shield_reason_known
    check (shield_reason in ('risk_to_child', 'risk_to_adult', 'crime_prevention', 'adoption')),
  extension_to_25 text
    constraint child_extension_known check (extension_to_25 in ('care_leaver', 'learning_difficulties')),
  foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint child_shield_complete check (
    (shielded and shield_reason is not null and shield_review_date is not null and shielded_at is not null)
    or (not shielded and shield_reason is null and shield_review_date is null and shielded_at is null)
  ),
  -- A shielded record shows the LA management team's contact, so the LA must be known.
  constraint child_shield_has_la check (not shielded or responsible_la is not null),
  constraint child_post_adoption_shielded check (not post_adoption or shielded),
  -- The extension to 25 needs the young person's consent.
  constraint child_extension_consented check ((extension_to_25 is null) = (extension_consent_date is null)),
  constraint child_death_after_birth check (date_of_death >= date_of_birth),
  constraint child_deceased_has_date check (status <> 'deceased' or date_of_death is not null),
  constraint child_archived_has_date check ((status in ('archived', 'purged')) = (archived_at is not null)),
  constraint child_purged_has_date check ((status = 'purged') = (purged_at is not null)),
  constraint child_not_merged_into_itself check (merged_into <> id),
  -- A living record needs the details that identify and age it; a purged one must hold none.
  -- The purge deletes the attribute rows; this guards the child's own columns.
  constraint child_purged_holds_no_personal_data check (
    case
      when status = 'purged' then
        gender is null and date_of_birth is null and date_of_death is null and responsible_la is null
        and not shielded and not post_adoption and extension_to_25 is null and merged_into is null
      else gender is not null and date_of_birth is not null
    end
  )
);

-- Blocking for matching (date of birth is the most selective field a feed row always has) and the
-- retention job (18th birthdays).
create index child_date_of_birth on child (date_of_birth);
create index child_responsible_la on child (responsible_la);
create index child_shield_review on child (shield_review_date) where shielded;
create index child_merged_into on child (merged_into) where merged_into is not null;

create table child_name (
  id bigint generated always as identity primary key,
  child_id uuid not null references child (id),
  valid_from timestamptz not null default now(),
  valid_to timestamptz,
  received_at timestamptz not null,
  batch_id bigint,
  kind text not null constraint child_name_kind_known check (kind in ('current', 'former', 'alias', 'preferred')),
  forename text not null constraint child_name_forename_present check (btrim(forename) <> ''),
  middle_names text,
  surname text not null constraint child_name_surname_present check (btrim(surname) <> ''),
  -- Lower-case, unaccented, punctuation-folded forms written by the application (see search-keys.ts):
  -- the embedded engine has no unaccent extension, and one function must produce both the stored
  -- keys and the keys searched for.
  forename_key text not null,
  surname_key text not null,
  source_name text not null references source (name),
  foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint child_name_validity check (valid_to >= valid_from)
);

create index child_name_child on child_name (child_id);
create unique index child_name_one_current on child_name (child_id) where kind = 'current' and valid_to is null;
create index child_name_surname_trgm on child_name using gin (surname_key gin_trgm_ops) where valid_to is null;
create index child_name_surname_forename on child_name (surname_key, forename_key) where valid_to is null;

create table child_address (
  id bigint generated always as identity primary key,
  child_id uuid not null references child (id),
  valid_from timestamptz not null default now(),
  valid_to timestamptz,
  received_at timestamptz not null,
  batch_id bigint,
  uprn bigint constraint child_address_uprn_range check (uprn between 1 and 999999999999),
  line1 text not null constraint child_address_line1_present check (btrim(line1) <> ''),
  line2 text,
  line3 text,
  line4 text,
  town text,
  -- Normalised ('SW1A 1AA'); null for an address without one.
  postcode text constraint child_address_postcode_normalised check (postcode ~ '^[A-Z0-9]{2,4} [0-9][A-Z]{2}$'),
  -- The postcode sector ('SW1A 1'): a blocking key that survives a mistyped final two letters.
  postcode_key text generated always as (left(postcode, -2)) stored,
  source_name text not null references source (name),
  foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint child_address_validity check (valid_to >= valid_from)
);

create index child_address_child on child_address (child_id);
create index child_address_postcode on child_address (postcode_key, postcode) where valid_to is null;

create table child_identifier (
  id bigint generated always as identity primary key,
  child_id uuid not null references child (id),
  valid_from timestamptz not null default now(),
  valid_to timestamptz,
  received_at timestamptz not null,
  batch_id bigint,
  scheme text not null constraint child_identifier_scheme_known check (scheme in ('nhs_number', 'upn', 'source_record')),
  value text not null constraint child_identifier_value_present check (btrim(value) <> '' and length(value) <= 64),
  -- For 'source_record' this is also the system the record id belongs to.
  source_name text not null references source (name),
  foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint child_identifier_nhs_number_format check (scheme <> 'nhs_number' or value ~ '^[0-9]{10}$'),
  constraint child_identifier_upn_format check (scheme <> 'upn' or value ~ '^[A-Z][0-9]{11}[0-9A-Z]$'),
  constraint child_identifier_validity check (valid_to >= valid_from)
);

create index child_identifier_child on child_identifier (child_id);
-- Two current children must never share an NHS number or UPN: that is a duplicate (or a false match)
-- that would show one child's contacts on another's record.
create unique index child_identifier_national_unique on child_identifier (scheme, value)
  where valid_to is null and scheme in ('nhs_number', 'upn');
create unique index child_identifier_national_one_per_child on child_identifier (child_id, scheme)
  where valid_to is null and scheme in ('nhs_number', 'upn');
-- A source system's own record id identifies one child.
create unique index child_identifier_source_record_unique on child_identifier (source_name, value)
  where valid_to is null and scheme = 'source_record';

create table carer (
  id bigint generated always as identity primary key,
  child_id uuid not null references child (id),
  valid_from timestamptz not null default now(),
  valid_to timestamptz,
  received_at timestamptz not null,
  batch_id bigint,
  parental_responsibility boolean not null,
  name text not null constraint carer_name_present check (btrim(name) <> ''),
  relationship text not null constraint carer_relationship_known check (relationship in (
    'mother', 'father', 'parent', 'step_parent', 'grandparent', 'other_relative', 'foster_carer',
    'special_guardian', 'guardian', 'other'
  )),
  phone text,
  email text,
  address_line1 text,
  address_line2 text,
  address_line3 text,
  address_line4 text,
  address_town text,
  address_postcode text constraint carer_address_postcode_normalised check (address_postcode ~ '^[A-Z0-9]{2,4} [0-9][A-Z]{2}$'),
  source_name text not null references source (name),
  foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint carer_address_whole check (address_line1 is not null or (
    address_line2 is null and address_line3 is null and address_line4 is null
    and address_town is null and address_postcode is null
  )),
  constraint carer_validity check (valid_to >= valid_from)
);

create index carer_child on carer (child_id);

create table educational_setting (
  id bigint generated always as identity primary key,
  child_id uuid not null references child (id),
  valid_from timestamptz not null default now(),
  valid_to timestamptz,
  received_at timestamptz not null,
  batch_id bigint,
  -- When the source says the child started there; valid_from is only when ContactPoint learned it.
  started_on date,
  urn text not null constraint educational_setting_urn_format check (urn ~ '^[0-9]{6,7}$'),
  name text not null constraint educational_setting_name_present check (btrim(name) <> ''),
  phone text,
  source_name text not null references source (name),
  foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint educational_setting_validity check (valid_to >= valid_from)
);

create index educational_setting_child on educational_setting (child_id);
create unique index educational_setting_one_current on educational_setting (child_id) where valid_to is null;

create table gp_practice (
  id bigint generated always as identity primary key,
  child_id uuid not null references child (id),
  valid_from timestamptz not null default now(),
  valid_to timestamptz,
  received_at timestamptz not null,
  batch_id bigint,
  started_on date,
  ods_code text not null constraint gp_practice_ods_code_format check (ods_code ~ '^[A-Z][0-9]{5}$'),
  name text not null constraint gp_practice_name_present check (btrim(name) <> ''),
  phone text,
  source_name text not null references source (name),
  foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint gp_practice_validity check (valid_to >= valid_from)
);

create index gp_practice_child on gp_practice (child_id);
create unique index gp_practice_one_current on gp_practice (child_id) where valid_to is null;

create table organisation (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  name text not null constraint organisation_name_present check (btrim(name) <> ''),
  -- The LA whose management team manages it; null for national organisations.
  local_authority text references local_authority (code),
  phone text,
  email text,
  constraint organisation_name_unique unique nulls not distinct (local_authority, name)
);

create table service (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisation (id),
  created_at timestamptz not null default now(),
  sensitive boolean not null,
  name text not null constraint service_name_present check (btrim(name) <> ''),
  service_type text not null constraint service_type_known check (service_type in (
    'education', 'early_years', 'health', 'social_care', 'youth_justice', 'youth_support', 'police',
    'housing', 'voluntary', 'sexual_health', 'mental_health', 'substance_misuse', 'other'
  )),
  phone text,
  email text,
  constraint service_name_unique unique (organisation_id, name),
  constraint service_sensitive_types check (
    sensitive or service_type not in ('sexual_health', 'mental_health', 'substance_misuse')
  )
);

create table involvement (
  id bigint generated always as identity primary key,
  child_id uuid not null references child (id),
  service_id uuid not null references service (id),
  valid_from timestamptz not null default now(),
  valid_to timestamptz,
  received_at timestamptz not null,
  consent_recorded_at timestamptz,
  batch_id bigint,
  started_on date not null,
  ended_on date,
  lead_professional boolean not null default false,
  -- At least the service's own flag (the repository ors them when recording), so an involvement with
  -- a sensitive service cannot be recorded without consent.
  sensitive boolean not null default false,
  practitioner_name text not null constraint involvement_practitioner_name_present check (btrim(practitioner_name) <> ''),
  practitioner_phone text,
  practitioner_email text,
  consent_recorded_by text,
  source_name text not null references source (name),
  foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint involvement_sensitive_needs_consent check (
    not sensitive or (consent_recorded_at is not null and consent_recorded_by is not null)
  ),
  constraint involvement_consent_whole check ((consent_recorded_at is null) = (consent_recorded_by is null)),
  -- The point of the index is "how do I contact them".
  constraint involvement_contactable check (practitioner_phone is not null or practitioner_email is not null),
  constraint involvement_dates check (ended_on >= started_on),
  constraint involvement_validity check (valid_to >= valid_from)
);

create index involvement_child on involvement (child_id);
create index involvement_service on involvement (service_id) where valid_to is null;
create unique index involvement_one_lead_professional on involvement (child_id)
  where lead_professional and ended_on is null and valid_to is null;

create table caf_indicator (
  id bigint generated always as identity primary key,
  child_id uuid not null references child (id),
  valid_from timestamptz not null default now(),
  valid_to timestamptz,
  received_at timestamptz not null,
  batch_id bigint,
  completed_on date,
  assessment_exists boolean not null,
  holder_name text,
  holder_phone text,
  holder_email text,
  source_name text not null references source (name),
  foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint caf_indicator_holder_known check (
    case
      when assessment_exists then holder_name is not null and (holder_phone is not null or holder_email is not null)
      else completed_on is null and holder_name is null and holder_phone is null and holder_email is null
    end
  ),
  constraint caf_indicator_validity check (valid_to >= valid_from)
);

create index caf_indicator_child on caf_indicator (child_id);
create unique index caf_indicator_one_current on caf_indicator (child_id) where valid_to is null;

-- History of the child's own columns (status, shield, dates, merges), which are updated in place.
-- Not the tamper-evident audit trail, which records every access and lives elsewhere; the purge
-- deletes these rows, which may reveal a shield or a death.
create table child_event (
  id bigint generated always as identity primary key,
  child_id uuid not null references child (id),
  at timestamptz not null default now(),
  kind text not null constraint child_event_kind_known check (kind in (
    'created', 'details_changed', 'shielded', 'shield_changed', 'unshielded', 'deceased',
    'archived', 'purged', 'merged', 'unmerged'
  )),
  detail jsonb not null default '{}'::jsonb constraint child_event_detail_object check (jsonb_typeof(detail) = 'object'),
  actor text not null constraint child_event_actor_present check (btrim(actor) <> '')
);

create index child_event_child on child_event (child_id, at);
