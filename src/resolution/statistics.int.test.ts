import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import {
  refreshMatchingStatistics,
  statisticsStale,
  STATISTICS_MIN_GROWTH,
} from './statistics.repository.ts';

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.dispose();
  database = undefined;
});

describe('planner statistics for resolution', () => {
  it('are gathered by the application role, which may not analyse tables itself', async () => {
    database = await openTestDatabase();
    await database.useAppRole();
    const db = database.db;
    // The role may not ANALYZE on its own: PostgreSQL skips the table with a warning instead.
    const analysed = async () =>
      (
        await sql<{ n: number | string }>`
          select count(*) as n from pg_stat_user_tables
          where relname in ('child', 'child_name', 'child_address', 'child_identifier', 'feed_row')
            and last_analyze is not null`.execute(db)
      ).rows[0]?.n;
    expect(Number(await analysed())).toBe(0);
    await sql`analyze child_name`.execute(db);
    expect(Number(await analysed())).toBe(0);
    await refreshMatchingStatistics(db);
    expect(Number(await analysed())).toBe(5);
  });

  it('are stale once the index has doubled by enough children', () => {
    expect(statisticsStale(0, STATISTICS_MIN_GROWTH - 1)).toBe(false);
    expect(statisticsStale(0, STATISTICS_MIN_GROWTH)).toBe(true);
    expect(statisticsStale(10_000, 19_999)).toBe(false);
    expect(statisticsStale(10_000, 20_000)).toBe(true);
  });
});
