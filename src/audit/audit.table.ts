import type { ColumnType } from 'kysely';
import type { JsonObject } from './audit.model.ts';

/**
 * Kysely's view of the audit tables (migration 20261125190000_audit_trail.sql). Entries have an
 * update type of `never`: the compiler refuses code that would edit one, as the database does.
 * bytea reads as a Buffer from PostgreSQL and a Uint8Array from the embedded engine.
 */

type Fixed<T> = ColumnType<T, T, never>;
type FixedOptional<T> = ColumnType<T | null, T | null | undefined, never>;

export interface AuditChainTable {
  chain_id: ColumnType<number, never, never>;
  last_seq: ColumnType<number, never, number>;
  last_hash: ColumnType<Uint8Array, never, Uint8Array>;
}

export interface AuditEntryTable {
  chain_id: Fixed<number>;
  seq: Fixed<number>;
  at: Fixed<Date>;
  child_id: FixedOptional<string>;
  prev_hash: Fixed<Uint8Array>;
  hash: Fixed<Uint8Array>;
  action: Fixed<string>;
  outcome: Fixed<string>;
  actor_type: Fixed<string>;
  actor: Fixed<string>;
  role: FixedOptional<string>;
  organisation: FixedOptional<string>;
  target: FixedOptional<string>;
  reason: FixedOptional<string>;
  reason_text: FixedOptional<string>;
  request_id: FixedOptional<string>;
  details: Fixed<JsonObject>;
}

export interface AuditTables {
  audit_chain: AuditChainTable;
  audit_entry: AuditEntryTable;
}
