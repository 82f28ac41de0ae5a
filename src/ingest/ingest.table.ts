import type { ColumnType, GeneratedAlways } from 'kysely';

/** jsonb: written as JSON text, read back parsed. */
export type JsonColumn<T> = ColumnType<T, string, string>;

export type RowValues = Record<string, string>;

/** Kysely's view of migration 20261125210000_ingest.sql. */
export interface QuarantineTable {
  id: GeneratedAlways<number>;
  batch_id: number;
  row_number: number;
  created_at: ColumnType<Date, never, never>;
  resolved_at: Date | null;
  source_name: string;
  raw: ColumnType<RowValues, string, never>;
  corrected: JsonColumn<RowValues | null> | null;
  rule: string;
  reason: string;
  status: ColumnType<string, string | undefined, string>;
  resolved_by: string | null;
}

export interface FeedRowTable {
  id: GeneratedAlways<number>;
  batch_id: number;
  row_number: number;
  quarantine_id: number | null;
  created_at: ColumnType<Date, never, never>;
  source_name: string;
  source_record_id: string;
  fields: JsonColumn<Record<string, unknown>>;
  status: ColumnType<FeedRowStatus, FeedRowStatus | undefined, FeedRowStatus>;
  /** The child the row was applied to or created ('linked', 'created'). */
  child_id: string | null;
  resolved_at: Date | null;
  resolution: JsonColumn<Record<string, unknown> | null> | null;
}

export type FeedRowStatus = 'accepted' | 'linked' | 'created' | 'review';

export interface IngestTables {
  quarantine: QuarantineTable;
  feed_row: FeedRowTable;
}
