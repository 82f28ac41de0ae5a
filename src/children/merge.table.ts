import type { ColumnType, GeneratedAlways } from 'kysely';

/** Kysely's view of migration 20261125222000_merge.sql. */

/** The tables whose rows a merge moves, closes or inserts. */
export type LineageTableName =
  | 'child_name'
  | 'child_address'
  | 'child_identifier'
  | 'carer'
  | 'educational_setting'
  | 'gp_practice'
  | 'involvement'
  | 'caf_indicator'
  | 'feed_row';

export type LineageAction = 'moved' | 'closed' | 'inserted';

export interface ChildMergeTable {
  id: GeneratedAlways<number>;
  survivor_id: ColumnType<string, string, never>;
  merged_id: ColumnType<string, string, never>;
  merged_at: ColumnType<Date, Date | undefined, never>;
  unmerged_at: Date | null;
  review_id: ColumnType<number | null, number | null | undefined, never>;
  applied_shield_reason: ColumnType<string | null, string | null | undefined, never>;
  applied_shield_review_date: ColumnType<string | null, string | null | undefined, never>;
  merged_by: ColumnType<string, string, never>;
  reason: ColumnType<string, string, never>;
  unmerged_by: string | null;
  unmerge_reason: string | null;
}

/** Written once by the merge; read by the unmerge. */
export interface MergeLineageTable {
  id: GeneratedAlways<number>;
  merge_id: ColumnType<number, number, never>;
  row_id: ColumnType<number, number, never>;
  valid_to_before: ColumnType<Date | null, Date | null | undefined, never>;
  table_name: ColumnType<LineageTableName, LineageTableName, never>;
  action: ColumnType<LineageAction, LineageAction, never>;
  from_child: ColumnType<string | null, string | null | undefined, never>;
  field: ColumnType<string | null, string | null | undefined, never>;
}

export interface MergeTables {
  child_merge: ChildMergeTable;
  merge_lineage: MergeLineageTable;
}
