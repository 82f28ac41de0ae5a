-- Resolution (src/resolution): every accepted feed row is resolved to one child. A row moves from
-- 'accepted' to 'linked' (applied to an existing child), 'created' (became a new child) or 'review'
-- (waiting for a data manager or, when a shielded child is among its candidates, a shielder).
-- Uncertain pairs wait in match_review with their explanation; a decision is remembered in
-- match_decision so the same pair is never asked again.

alter table feed_row drop constraint feed_row_status_known;
alter table feed_row add constraint feed_row_status_known
  check (status in ('accepted', 'linked', 'created', 'review'));
alter table feed_row add column child_id uuid references child (id);
alter table feed_row add column resolved_at timestamptz;
-- How the row was resolved: the rule ('nhs-number+dob', 'probabilistic', 'new', 'review:...'),
-- the best weight and probability, the candidates considered. No personal values.
alter table feed_row add column resolution jsonb;
alter table feed_row add constraint feed_row_resolved check (
  (status = 'accepted' and child_id is null and resolved_at is null)
  or (status = 'review' and child_id is null and resolved_at is not null)
  or (status in ('linked', 'created') and child_id is not null and resolved_at is not null)
);

-- Resolution takes the waiting rows of a batch in row order.
create index feed_row_waiting on feed_row (batch_id, row_number) where status = 'accepted';
-- Lineage: which rows built a child (merge and unmerge follow them).
create index feed_row_child on feed_row (child_id) where child_id is not null;
-- A source re-sending one of its records: remembered decisions are keyed on it.
create index feed_row_source_record on feed_row (source_name, source_record_id);

-- The trained matching model (m and u per comparison level, term frequencies): the index's
-- matcher uses the newest. Parameters only: no personal values besides name frequencies.
create table match_model (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now(),
  -- What it was trained on ('batch 12: 10000 rows', 'index sample: 100000 children').
  trained_on text not null,
  record_count integer not null constraint match_model_record_count check (record_count >= 0),
  model jsonb not null
);

create table match_review (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now(),
  -- 'row': a feed row against a candidate child. 'children': two children already in the index
  -- (found by dedupe) that may be one.
  kind text not null constraint match_review_kind_known check (kind in ('row', 'children')),
  feed_row_id bigint references feed_row (id),
  child_id uuid not null references child (id),
  other_child_id uuid references child (id),
  weight double precision not null,
  probability double precision not null constraint match_review_probability check (probability between 0 and 1),
  -- Per-field comparison levels and weight contributions (the waterfall), without the compared
  -- values: those are read through the access policy when a reviewer looks, so a shielded child's
  -- whereabouts are never copied here.
  explanation jsonb not null,
  -- Why it needs a person: 'review-band', 'shielded-candidate', or a safety rule that blocked an
  -- automatic link ('veto:twins', 'veto:strong-identifier-conflict', ...).
  reason text not null constraint match_review_reason_present check (btrim(reason) <> ''),
  -- A shielded child is in the pair: only a shielder or the management team of its LA decides.
  shielded boolean not null,
  -- The LA whose shielders and management team may decide a shielded pair.
  responsible_la text references local_authority (code),
  status text not null default 'open'
    constraint match_review_status_known check (status in ('open', 'linked', 'not_a_match', 'superseded')),
  decided_at timestamptz,
  decided_by text,
  constraint match_review_shape check (
    (kind = 'row' and feed_row_id is not null and other_child_id is null)
    or (kind = 'children' and feed_row_id is null and other_child_id is not null and other_child_id <> child_id)
  ),
  constraint match_review_decision check ((status = 'open') = (decided_at is null and decided_by is null))
);

create unique index match_review_row_pair on match_review (feed_row_id, child_id) where kind = 'row';
create unique index match_review_children_pair on match_review (child_id, other_child_id)
  where kind = 'children' and status = 'open';
create index match_review_open on match_review (created_at) where status = 'open';

-- A person's decision on a pair, remembered so resolution and dedupe never ask it again. A row's
-- side is the source's own record (source name and record id), so the same record sent again in a
-- later batch is recognised; two children are stored in a fixed order.
create table match_decision (
  pair_key text primary key,
  decision text not null constraint match_decision_known check (decision in ('link', 'not_a_match')),
  decided_at timestamptz not null default now(),
  decided_by text not null,
  review_id bigint references match_review (id)
);
