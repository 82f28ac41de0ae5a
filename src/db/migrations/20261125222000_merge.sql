-- Merging two child records and undoing it (src/children/merge.*). A merge moves the merged child's
-- attribute rows and feed-row lineage onto the survivor and applies survivorship to the fields a
-- child has one of; merge_lineage records every row it moved, closed or inserted, so an unmerge
-- can put both records back as they were. The merged child's own row stays, pointing at the
-- survivor through child.merged_into.

create table child_merge (
  id bigint generated always as identity primary key,
  survivor_id uuid not null references child (id),
  merged_id uuid not null references child (id),
  merged_at timestamptz not null default now(),
  unmerged_at timestamptz,
  -- The clerical review that decided the pair, when the merge came from one.
  review_id bigint references match_review (id),
  -- The shield the merge put on an unshielded survivor because the merged child was shielded: the
  -- unmerge lifts it only if it is still the same shield.
  applied_shield_reason text
    constraint child_merge_applied_shield_reason_known
    check (applied_shield_reason in ('risk_to_child', 'risk_to_adult', 'crime_prevention', 'adoption')),
  applied_shield_review_date date,
  merged_by text not null constraint child_merge_merged_by_present check (btrim(merged_by) <> ''),
  reason text not null constraint child_merge_reason_present check (btrim(reason) <> '' and length(reason) <= 500),
  unmerged_by text,
  unmerge_reason text constraint child_merge_unmerge_reason_length check (length(unmerge_reason) <= 500),
  constraint child_merge_two_children check (survivor_id <> merged_id),
  constraint child_merge_applied_shield_whole check (
    (applied_shield_reason is null) = (applied_shield_review_date is null)
  ),
  constraint child_merge_unmerge_whole check (
    (unmerged_at is null) = (unmerged_by is null) and (unmerged_at is null) = (unmerge_reason is null)
  ),
  constraint child_merge_unmerged_after check (unmerged_at >= merged_at)
);

-- A child is merged away at most once at a time.
create unique index child_merge_one_active on child_merge (merged_id) where unmerged_at is null;
create index child_merge_survivor on child_merge (survivor_id) where unmerged_at is null;
create index child_merge_merged on child_merge (merged_id);

create table merge_lineage (
  id bigint generated always as identity primary key,
  merge_id bigint not null references child_merge (id),
  row_id bigint not null,
  -- 'moved': the row was the merged child's (from_child) and now is the survivor's; valid_to_before
  -- is its end before the merge (null: it was current). 'closed': survivorship ended a current row.
  -- 'inserted': the merge wrote the row (a losing current name kept as an alias, a second lead
  -- professional kept as an ordinary involvement); the unmerge deletes it.
  valid_to_before timestamptz,
  table_name text not null constraint merge_lineage_table_known check (table_name in (
    'child_name', 'child_address', 'child_identifier', 'carer', 'educational_setting', 'gp_practice',
    'involvement', 'caf_indicator', 'feed_row'
  )),
  action text not null constraint merge_lineage_action_known check (action in ('moved', 'closed', 'inserted')),
  from_child uuid references child (id),
  -- The survivorship field that closed or inserted the row ('name', 'address', ...).
  field text,
  constraint merge_lineage_moved_from check ((action = 'moved') = (from_child is not null)),
  constraint merge_lineage_once unique (merge_id, table_name, row_id, action)
);

create index merge_lineage_row on merge_lineage (table_name, row_id);
