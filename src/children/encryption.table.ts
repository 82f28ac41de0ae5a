import type { ColumnType } from 'kysely';

/**
 * The sealing columns migration 20261125200000_child_access.sql adds to the location tables. Sealing
 * and unsealing write them with statements of their own (encryption.repository.ts); to everything
 * else they are read-only.
 */
interface SealingColumns {
  sealed_fields: ColumnType<string | null, never, never>;
  sealed_key_id: ColumnType<string | null, never, never>;
  seal_pending: ColumnType<boolean, never, never>;
}

export interface SealedAddressColumns extends SealingColumns {
  postcode_hmac: ColumnType<string | null, never, never>;
  postcode_sector_hmac: ColumnType<string | null, never, never>;
  line1_hmac: ColumnType<string | null, never, never>;
  hmac_key_id: ColumnType<string | null, never, never>;
}

export interface SealedCarerColumns extends SealingColumns {
  address_postcode_hmac: ColumnType<string | null, never, never>;
  address_line1_hmac: ColumnType<string | null, never, never>;
  hmac_key_id: ColumnType<string | null, never, never>;
}

export type SealedSettingColumns = SealingColumns;
export type SealedPracticeColumns = SealingColumns;
