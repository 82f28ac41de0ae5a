import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

/** Tables and columns of migration 20261125200000_child_access.sql that the policy module writes. */

/** Whose involvement it is: set once, when a user records it; null for a feed's. */
export interface InvolvementOwnerColumn {
  practitioner_user_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface ChildInaccuracyReportTable {
  id: GeneratedAlways<number>;
  child_id: string;
  reported_by: string;
  reported_at: Date;
  resolved_at: Generated<Date | null>;
  field: string;
  description: string;
}
