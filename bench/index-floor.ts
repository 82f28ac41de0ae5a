/**
 * The floor of import and resolution together, on PostgreSQL: every row they left in the feed and
 * the index (feed_row with its resolutions, child and its names, addresses, identifiers, events and
 * settings, and review pairs) copied out, the tables emptied, and the same rows bulk loaded back by
 * COPY FROM STDIN with every index, key and trigger the schema has. No matching and no reading: only
 * the writes any design must make to leave the same index, at the fastest PostgreSQL takes them.
 *
 * Run on the benchmark's own database at the end of a run (it empties and refills its tables).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

// Parents before children: child first (the others refer to it), feed_row before match_review.
const TABLES = [
  'child',
  'child_name',
  'child_address',
  'child_identifier',
  'child_event',
  'educational_setting',
  'feed_row',
  'match_review',
] as const;

export interface IndexFloor {
  readonly seconds: number;
  readonly tables: readonly { table: string; rows: number; seconds: number }[];
  /** The same load with foreign keys and triggers off (indexes only): what the checks cost. */
  readonly secondsWithoutChecks: number;
}

async function writableColumns(client: pg.Client, table: string): Promise<string> {
  const result = await client.query<{ column_name: string }>(
    `select column_name from information_schema.columns
      where table_schema = current_schema() and table_name = $1 and is_generated = 'NEVER'
      order by ordinal_position`,
    [table],
  );
  return result.rows.map((row) => `"${row.column_name}"`).join(', ');
}

export async function indexFloorPostgres(url: string, tmpdir: string): Promise<IndexFloor> {
  const folder = fs.mkdtempSync(path.join(tmpdir, 'contactpoint-bench-index-floor-'));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = new Map<string, string>();
    for (const table of TABLES) {
      const list = await writableColumns(client, table);
      columns.set(table, list);
      await pipeline(
        client.query(copyTo(`copy ${table} (${list}) to stdout`)),
        fs.createWriteStream(path.join(folder, `${table}.copy`)),
      );
    }
    const load = async (): Promise<{ seconds: number; tables: IndexFloor['tables'] }> => {
      // Cascade: tables resolution leaves empty (carers, involvements, merges) refer to child too.
      await client.query(`truncate ${TABLES.join(', ')} cascade`);
      const tables: { table: string; rows: number; seconds: number }[] = [];
      const started = performance.now();
      for (const table of TABLES) {
        const tableStarted = performance.now();
        const copy = client.query(copyFrom(`copy ${table} (${columns.get(table) ?? ''}) from stdin`));
        await pipeline(fs.createReadStream(path.join(folder, `${table}.copy`)), copy);
        tables.push({ table, rows: copy.rowCount, seconds: (performance.now() - tableStarted) / 1000 });
      }
      return { seconds: (performance.now() - started) / 1000, tables };
    };
    const withChecks = await load();
    // Replica mode skips every trigger, the ones enforcing foreign keys included.
    await client.query('set session_replication_role = replica');
    const withoutChecks = await load();
    return { ...withChecks, secondsWithoutChecks: withoutChecks.seconds };
  } finally {
    await client.end();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
