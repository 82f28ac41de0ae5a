import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

type Db = Kysely<Database>;

export interface BatchCounts {
  readonly id: number;
  readonly source: string;
  readonly status: string;
  readonly receivedAt: Date;
  readonly completedAt: Date | null;
  readonly rows: number;
  readonly accepted: number;
  readonly quarantined: number;
  /** Accepted rows by where resolution has taken them; 'accepted' ones are still waiting. */
  readonly resolution: { waiting: number; linked: number; created: number; review: number };
}

export function batchTarget(batchId: number): string {
  return `batch:${batchId}`;
}

/**
 * The batch with its counts if it is of one of `sources` and the trail shows `accountId` submitting
 * it. source_batch does not record a submitter; the trail does, for every submission (a repeat of a
 * stored file included).
 */
export async function findSubmittedBatch(
  db: Db,
  batchId: number,
  seenBy: { accountId: string; sources: readonly string[] },
): Promise<BatchCounts | undefined> {
  const { accountId, sources } = seenBy;
  if (sources.length === 0) return undefined;
  const batch = await db
    .selectFrom('source_batch')
    .select([
      'id',
      'source_name',
      'status',
      'received_at',
      'completed_at',
      'row_count',
      'accepted_count',
      'quarantined_count',
    ])
    .where('id', '=', batchId)
    .where('source_name', 'in', sources)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('audit_entry')
          .select('seq')
          .where('actor', '=', accountId)
          .where('action', '=', 'feed.import')
          .where('outcome', '=', 'success')
          .where('target', '=', batchTarget(batchId)),
      ),
    )
    .executeTakeFirst();
  if (batch === undefined) return undefined;
  const statuses = await db
    .selectFrom('feed_row')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('batch_id', '=', batchId)
    .groupBy('status')
    .execute();
  const count = (status: string): number => statuses.find((s) => s.status === status)?.n ?? 0;
  return {
    id: batch.id,
    source: batch.source_name,
    status: batch.status,
    receivedAt: batch.received_at,
    completedAt: batch.completed_at,
    rows: batch.row_count,
    accepted: batch.accepted_count,
    quarantined: batch.quarantined_count,
    resolution: {
      waiting: count('accepted'),
      linked: count('linked'),
      created: count('created'),
      review: count('review'),
    },
  };
}
