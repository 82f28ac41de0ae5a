import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import {
  countSealed,
  rehashBatch,
  resealBatch,
  SEALED_TABLES,
  sealLateColumnsBatch,
  sealPendingLocations,
  type SealedCounts,
  type SealedTable,
} from './encryption.repository.ts';
import type { FieldCipher } from './encryption.ts';

export const DEFAULT_ROTATION_BATCH = 500;

export interface RotationProgress {
  readonly table: SealedTable;
  /** Rows sealed again under the active key (including rows taking a late column into their seal). */
  readonly resealed: number;
  /** Rows whose matching keys were recomputed under the active HMAC key. */
  readonly rehashed: number;
}

type Batch = typeof resealBatch;

/**
 * Key management for sealed fields. Rotation needs no downtime: with the new key active and the old
 * one still configured, readers open either, new seals use the new one, and `rotate` re-seals the
 * rest in short transactions (rows another transaction holds are skipped and picked up by a later
 * pass), after which the old key can be removed from FIELD_ENCRYPTION_KEYS. HMAC keys rotate the same
 * way: lookups hash under every key in FIELD_HMAC_KEYS, new rows are hashed under the active one,
 * and `rotate` recomputes the rest, after which the old HMAC key can go.
 */
export function createKeyService(deps: { readonly db: Kysely<Database>; readonly cipher: FieldCipher }) {
  const { db, cipher } = deps;

  /** Runs one kind of batch over a table until it finds nothing left, each batch its own transaction. */
  async function drain(
    batch: Batch,
    table: SealedTable,
    batchSize: number,
    onBatch?: (rows: number) => void,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await db.transaction().execute((trx) => batch(trx, cipher, table, batchSize));
      if (rows === 0) return total;
      total += rows;
      onBatch?.(rows);
    }
  }

  return {
    activeKeyId: cipher.activeKeyId,
    activeHmacKeyId: cipher.activeHmacKeyId,

    status(): Promise<SealedCounts[]> {
      return countSealed(db);
    },

    /** Seals rows left pending by writers that did not seal before committing (bulk loads). */
    sealPending(): Promise<number> {
      return db.transaction().execute((trx) => sealPendingLocations(trx, cipher));
    },

    /** Takes into their rows' seals the columns that joined the sealed set after those rows were sealed. */
    async sealLateColumns(batchSize = DEFAULT_ROTATION_BATCH): Promise<number> {
      checkBatchSize(batchSize);
      let sealed = 0;
      for (const table of SEALED_TABLES) sealed += await drain(sealLateColumnsBatch, table, batchSize);
      return sealed;
    },

    /**
     * Re-seals everything under the active key and recomputes every matching key under the active
     * HMAC key; returns how many rows each table needed.
     */
    async rotate(
      options: { readonly batchSize?: number; readonly onBatch?: (progress: RotationProgress) => void } = {},
    ): Promise<RotationProgress[]> {
      const batchSize = options.batchSize ?? DEFAULT_ROTATION_BATCH;
      checkBatchSize(batchSize);
      const totals: RotationProgress[] = [];
      for (const table of SEALED_TABLES) {
        let resealed = 0;
        let rehashed = 0;
        const report = () => options.onBatch?.({ table, resealed, rehashed });
        for (const batch of [sealLateColumnsBatch, resealBatch]) {
          await drain(batch, table, batchSize, (rows) => {
            resealed += rows;
            report();
          });
        }
        await drain(rehashBatch, table, batchSize, (rows) => {
          rehashed += rows;
          report();
        });
        totals.push({ table, resealed, rehashed });
      }
      return totals;
    },
  };
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new RangeError('batch size must be a whole number from 1 to 100000');
  }
}

export type KeyService = ReturnType<typeof createKeyService>;
