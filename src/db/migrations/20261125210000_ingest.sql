-- Feed ingestion (src/ingest): every row of a submitted file lands in exactly one of two places.
-- feed_row holds the rows that passed validation, normalised, waiting to be matched to a child;
-- quarantine holds the rows that did not, exactly as received, with the rule they broke. Nothing
-- is dropped silently. (batch_id, row_number) is unique in each, so an import that was killed and
-- run again continues where it stopped without doubling or losing a row.

create table quarantine (
  id bigint generated always as identity primary key,
  batch_id bigint not null,
  row_number integer not null constraint quarantine_row_number_positive check (row_number >= 1),
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  source_name text not null,
  -- The row as the file had it, column name to value.
  raw jsonb not null,
  -- The row as corrected by the last retry, when there was one.
  corrected jsonb,
  -- The first rule the row broke ('nhs.check-digit', 'required.dateOfBirth', ...) and every problem found.
  rule text not null constraint quarantine_rule_present check (btrim(rule) <> ''),
  reason text not null,
  status text not null default 'open'
    constraint quarantine_status_known check (status in ('open', 'reprocessed', 'dismissed')),
  resolved_by text,
  constraint quarantine_batch_fk foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint quarantine_row_once unique (batch_id, row_number),
  constraint quarantine_resolution check ((status = 'open') = (resolved_at is null))
);

create index quarantine_open on quarantine (batch_id) where status = 'open';

create table feed_row (
  id bigint generated always as identity primary key,
  batch_id bigint not null,
  row_number integer not null constraint feed_row_row_number_positive check (row_number >= 1),
  -- Set when the row was accepted on a retry from quarantine.
  quarantine_id bigint references quarantine (id),
  created_at timestamptz not null default now(),
  source_name text not null,
  -- The source's own id for the row: an opaque key, never used for matching.
  source_record_id text not null,
  -- Normalised fields (forename, surname, dateOfBirth as YYYY-MM-DD, nhsNumber, upn, postcode, ...).
  fields jsonb not null,
  -- Matching to the index will move rows on from 'accepted'.
  status text not null default 'accepted' constraint feed_row_status_known check (status in ('accepted')),
  constraint feed_row_batch_fk foreign key (batch_id, source_name) references source_batch (id, source_name),
  constraint feed_row_once unique (batch_id, row_number)
);
