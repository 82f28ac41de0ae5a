import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
  countSealed,
  resealBatch,
  SEALED_TABLES,
  sealPendingLocations,
  type SealedCounts,
  type SealedTable,
} from './encryption.repository.ts';
import type { FieldCipher } from './encryption.ts';

export const DEFAULT_ROTATION_BATCH = 500;

export interface RotationProgress {
  readonly table: SealedTable;
  readonly resealed: number;
}

/**
 * Key management for sealed fields. Rotation needs no downtime: with the new key active and the old
 * one still configured, readers open either, new seals use the new one, and `rotate` re-seals the
 * rest in short transactions (rows another transaction holds are skipped and picked up by a later
 * pass), after which the old key can be removed from FIELD_ENCRYPTION_KEYS.
 */
export function createKeyService(deps: { readonly db: Kysely<Database>; readonly cipher: FieldCipher }) {
  const { db, cipher } = deps;
  return {
    activeKeyId: cipher.activeKeyId,

    status(): Promise<SealedCounts[]> {
      return countSealed(db);
    },

    /** Seals rows left pending by writers that did not seal before committing (bulk loads). */
    sealPending(): Promise<number> {
      return db.transaction().execute((trx) => sealPendingLocations(trx, cipher));
    },

    /** Re-seals everything under the active key; returns how many rows each table needed. */
    async rotate(
      options: { readonly batchSize?: number; readonly onBatch?: (progress: RotationProgress) => void } = {},
    ): Promise<RotationProgress[]> {
      const batchSize = options.batchSize ?? DEFAULT_ROTATION_BATCH;
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
        throw new RangeError('batch size must be a whole number from 1 to 100000');
      }
      const totals: RotationProgress[] = [];
      for (const table of SEALED_TABLES) {
        let resealed = 0;
        for (;;) {
          const count = await db.transaction().execute((trx) => resealBatch(trx, cipher, table, batchSize));
          if (count === 0) break;
          resealed += count;
          options.onBatch?.({ table, resealed });
        }
        totals.push({ table, resealed });
      }
      return totals;
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
