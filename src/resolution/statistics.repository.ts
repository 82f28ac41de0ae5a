import { sql } from 'kysely';
import type { Executor } from '../children/executor.ts';

/**
 * Gathers planner statistics on the tables blocking and applying read (see the migration
 * 20261126120000_matching_statistics.sql for why the planner needs them). Run outside a chunk's
 * transaction: it takes a fraction of a second whatever the size of the index (ANALYZE samples).
 */
export async function refreshMatchingStatistics(db: Executor): Promise<void> {
  await sql`select refresh_matching_statistics()`.execute(db);
}

/** Below this many new feed rows or new children, the statistics already held are good enough. */
export const STATISTICS_MIN_GROWTH = 1_000;

/**
 * Whether the statistics gathered when the index held `analysedAt` children are stale now that it
 * holds `indexed`: the index has at least doubled, by at least STATISTICS_MIN_GROWTH children.
 */
export function statisticsStale(analysedAt: number, indexed: number): boolean {
  return indexed - analysedAt >= STATISTICS_MIN_GROWTH && indexed >= 2 * analysedAt;
}
