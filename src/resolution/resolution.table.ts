import type { ColumnType, Generated, GeneratedAlways } from 'kysely';
import type { JsonColumn } from '../ingest/ingest.table.ts';

/** Kysely's view of migration 20261125220000_resolution.sql (feed_row's new columns are in ingest.table.ts). */
export interface MatchModelTable {
  id: GeneratedAlways<number>;
  created_at: Generated<Date>;
  trained_on: string;
  record_count: number;
  model: JsonColumn<unknown>;
}

export type ReviewKind = 'row' | 'children';
export type ReviewStatus = 'open' | 'linked' | 'not_a_match' | 'superseded';

export interface MatchReviewTable {
  id: GeneratedAlways<number>;
  created_at: Generated<Date>;
  kind: ReviewKind;
  feed_row_id: number | null;
  child_id: string;
  other_child_id: string | null;
  weight: number;
  probability: number;
  explanation: JsonColumn<unknown>;
  reason: string;
  shielded: boolean;
  responsible_la: string | null;
  status: ColumnType<ReviewStatus, ReviewStatus | undefined, ReviewStatus>;
  decided_at: Date | null;
  decided_by: string | null;
}

export type PairDecision = 'link' | 'not_a_match';

export interface MatchDecisionTable {
  pair_key: string;
  decision: PairDecision;
  decided_at: Generated<Date>;
  decided_by: string;
  review_id: number | null;
}

export interface ResolutionTables {
  match_model: MatchModelTable;
  match_review: MatchReviewTable;
  match_decision: MatchDecisionTable;
}
