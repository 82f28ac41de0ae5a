/**
 * Feed import speed against its floor. Writes the synthetic feeds with `contactpoint synth`, then on
 * the engine DATABASE_URL chooses (PGlite on a data directory in a temporary folder otherwise):
 *
 *   import   each feed through importFeed, as `contactpoint import` runs it (streamed, validated
 *            row by row, 1,000 rows a transaction, audited), then resolveBatch on the batch, as
 *            the HTTP feed does: rows/s of each, counts, and the process's peak RSS.
 *   index floor (PostgreSQL) every row import and resolution left in the feed and the index, bulk
 *            loaded again by COPY into the same tables (bench/index-floor.ts): the writes alone.
 *   floor    the same rows, shaped as feed_row rows (source record id, the row as JSON), bulk
 *            loaded into a table shaped like feed_row by COPY (PGlite FROM '/dev/blob', PostgreSQL
 *            FROM STDIN). Only the loading is timed.
 *   accuracy the index the import left, scored against truth.csv (bench/accuracy.ts): rows accepted,
 *            quarantined, on a child or waiting for review; pairwise precision, recall and F1;
 *            false merges per 100,000 children; split children. --examples N prints up to N false
 *            merges and --split-examples N up to N split children, with their rows' key fields and
 *            resolutions (synthetic data, to the terminal only).
 *
 *   npx tsx bench/import.ts [--children 20000] [--seed 1] [--skip-floor]
 *                           [--examples 20] [--split-examples 10]
 *   DATABASE_URL=postgres://… npx tsx bench/import.ts --children 20000 --seed 1
 *
 * The import runs before the floor, so the peak RSS is the import's. PostgreSQL: a database of its
 * own, created from DATABASE_URL and dropped afterwards. Results are recorded in bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { withFieldEncryption } from '../src/children/encryption.database.ts';
import { createFieldCipher, householdKey } from '../src/children/encryption.ts';
import { loadConfig } from '../src/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../src/db/open.ts';
import { importFeed } from '../src/ingest/import.ts';
import { loadSourceDeclaration } from '../src/ingest/source-declaration.ts';
import { resolveBatch } from '../src/resolution/resolve.ts';
import { readCsv, reportAccuracy } from './accuracy.ts';
import { indexFloorPostgres } from './index-floor.ts';
import { adminQuery, databaseUrlFor } from '../test/helpers/postgres-admin.ts';
import { synthesiseFeeds } from './synthesise.ts';

const { values } = parseArgs({
  options: {
    children: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    'skip-floor': { type: 'boolean', default: false },
    examples: { type: 'string', default: '0' },
    'split-examples': { type: 'string', default: '0' },
  },
});
function count(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${option} takes a whole number`);
  return n;
}
const children = count('children', values.children);
if (children === 0) throw new Error('--children takes a positive whole number');
const falseMergeExamples = count('examples', values.examples);
const splitExamples = count('split-examples', values['split-examples']);
const adminUrl = process.env.DATABASE_URL === '' ? undefined : process.env.DATABASE_URL;
const engine = adminUrl === undefined ? 'pglite' : 'postgres';
const OPERATOR = 'import benchmark';
// Strong identifiers first: later feeds then find the children the national ones created.
const SOURCES = ['nhs_demographics', 'school_census', 'dwp_benefits', 'local_children_services'];
// Rows per piece of the floor's CSV: one string of a million-child load is beyond V8's longest.
const FLOOR_PIECE_ROWS = 5_000;

const FLOOR_TABLE = `
  create table floor_feed_row (
    id bigint generated always as identity primary key,
    batch_id bigint not null,
    row_number integer not null,
    created_at timestamptz not null default now(),
    source_name text not null,
    source_record_id text not null,
    fields jsonb not null,
    status text not null default 'accepted',
    unique (batch_id, row_number)
  )`;

interface FloorRow {
  readonly batchId: number;
  readonly rowNumber: number;
  readonly source: string;
  readonly recordId: string;
  readonly fields: string;
}

const seconds = (from: number): number => (performance.now() - from) / 1000;
const perSecond = (n: number, s: number): string => Math.round(n / s).toLocaleString('en-GB');
const fmt = (n: number): string => n.toLocaleString('en-GB');

async function readFloorRows(dir: string): Promise<FloorRow[]> {
  const rows: FloorRow[] = [];
  for (const [index, source] of SOURCES.entries()) {
    const { idColumn } = loadSourceDeclaration(source);
    let rowNumber = 0;
    for await (const fields of readCsv(path.join(dir, `${source}.csv`))) {
      rowNumber += 1;
      rows.push({
        batchId: index + 1,
        rowNumber,
        source,
        recordId: fields[idColumn] ?? '',
        fields: JSON.stringify(fields),
      });
    }
  }
  return rows;
}

const csvCell = (value: string | number): string => `"${String(value).replaceAll('"', '""')}"`;

/** The floor's rows as the CSV both engines' COPY reads, in pieces. Built before the clock starts. */
function floorCsv(rows: readonly FloorRow[]): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < rows.length; at += FLOOR_PIECE_ROWS) {
    const lines = rows
      .slice(at, at + FLOOR_PIECE_ROWS)
      .map((r) => [r.batchId, r.rowNumber, r.source, r.recordId, r.fields].map(csvCell).join(','));
    pieces.push(`${lines.join('\n')}\n`);
  }
  return pieces;
}

const FLOOR_COPY = `copy floor_feed_row (batch_id, row_number, source_name, source_record_id, fields)`;

async function floorPglite(rows: readonly FloorRow[]): Promise<number> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-bench-floor-'));
  const db = new PGlite(dataDir);
  try {
    await db.exec(FLOOR_TABLE);
    const blob = new Blob(floorCsv(rows));
    const started = performance.now();
    await db.query(`${FLOOR_COPY} from '/dev/blob' with (format csv)`, [], { blob });
    return seconds(started);
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function floorPostgres(url: string, rows: readonly FloorRow[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(FLOOR_TABLE);
    const pieces = floorCsv(rows);
    const started = performance.now();
    // Streamed in pieces, as a client would send a file, rather than one string of the whole load.
    await pipeline(
      Readable.from(pieces),
      client.query(copyFrom(`${FLOOR_COPY} from stdin with (format csv)`)),
    );
    return seconds(started);
  } finally {
    await client.end();
  }
}

/** Rows imported and the seconds import and resolution took together. */
interface Throughput {
  readonly rows: number;
  readonly seconds: number;
}

async function importAll(database: DatabaseHandle, dir: string, dataDir: string): Promise<Throughput> {
  await migrate(database.db);
  await database.useAppRole();
  const config = loadConfig({ NODE_ENV: 'development' }, { databaseUrl: undefined, dataDir });
  const cipher = createFieldCipher(config.fieldEncryption);
  const deps = { db: database.db, childDb: withFieldEncryption(database.db, cipher), cipher };
  const totals = { rows: 0, importS: 0, resolveS: 0, linked: 0, created: 0, review: 0 };
  console.log(
    '| source | rows | accepted | quarantined | import s | import rows/s | resolve s | resolve rows/s | linked | created | review |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const name of SOURCES) {
    const source = loadSourceDeclaration(name);
    let started = performance.now();
    const imported = await importFeed(database.db, {
      source,
      file: path.join(dir, `${name}.csv`),
      operator: OPERATOR,
      householdKey: householdKey(cipher),
    });
    const importS = seconds(started);
    started = performance.now();
    const resolved = await resolveBatch(deps, imported.batchId, {
      actor: { type: 'operator', id: OPERATOR },
    });
    const resolveS = seconds(started);
    totals.rows += imported.rows;
    totals.importS += importS;
    totals.resolveS += resolveS;
    totals.linked += resolved.linked;
    totals.created += resolved.created;
    totals.review += resolved.review;
    console.log(
      `| ${name} | ${fmt(imported.rows)} | ${fmt(imported.accepted)} | ${fmt(imported.quarantined)} | ${importS.toFixed(1)} | ${perSecond(imported.rows, importS)} | ${resolveS.toFixed(1)} | ${perSecond(resolved.resolved, resolveS)} | ${fmt(resolved.linked)} | ${fmt(resolved.created)} | ${fmt(resolved.review)} |`,
    );
  }
  console.log(
    `| all | ${fmt(totals.rows)} | | | ${totals.importS.toFixed(1)} | ${perSecond(totals.rows, totals.importS)} | ${totals.resolveS.toFixed(1)} | | ${fmt(totals.linked)} | ${fmt(totals.created)} | ${fmt(totals.review)} |`,
  );
  const indexed = await database.db
    .selectFrom('child')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  console.log(
    `import + resolve: ${perSecond(totals.rows, totals.importS + totals.resolveS)} rows/s; children in the index: ${fmt(indexed?.n ?? 0)}; peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
  );
  await reportAccuracy(database.db, dir, {
    population: children,
    sources: SOURCES,
    falseMergeExamples,
    splitExamples,
  });
  return { rows: totals.rows, seconds: totals.importS + totals.resolveS };
}

function reportFloor(how: string, rows: number, s: number, matched: Throughput): void {
  const floorRate = rows / s;
  const matchedRate = matched.rows / matched.seconds;
  console.log(
    `\nfloor (${how}): ${fmt(rows)} rows in ${s.toFixed(2)} s, ${perSecond(rows, s)} rows/s; import + resolve is ${(matchedRate / floorRate).toFixed(3)} of it (1 in ${(floorRate / matchedRate).toFixed(1)})`,
  );
}

const { folder: feeds, seconds: synthesised } = synthesiseFeeds(children, values.seed);
try {
  console.log(
    `engine ${engine}; ${fmt(children)} children (seed ${values.seed}) synthesised in ${synthesised.toFixed(1)} s\n`,
  );

  let matched: Throughput = { rows: 0, seconds: 0 };
  if (adminUrl === undefined) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-bench-import-'));
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      matched = await importAll(database, feeds, dataDir);
    } finally {
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  } else {
    const name = `cp_bench_import_${randomBytes(4).toString('hex')}`;
    await adminQuery(adminUrl, `create database ${name}`);
    const url = databaseUrlFor(adminUrl, name);
    const database = await openDatabase({ databaseUrl: url, dataDir: '' });
    try {
      matched = await importAll(database, feeds, os.tmpdir());
    } finally {
      await database.close();
    }
    try {
      if (!values['skip-floor']) {
        const floor = await indexFloorPostgres(url, os.tmpdir());
        const byTable = floor.tables
          .map((t) => `${t.table} ${fmt(t.rows)} in ${t.seconds.toFixed(1)} s`)
          .join('; ');
        reportFloor('the index: every row left, COPY FROM STDIN', matched.rows, floor.seconds, matched);
        console.log(
          `  (${byTable}); with foreign keys and triggers off, indexes only: ${floor.secondsWithoutChecks.toFixed(1)} s, ${perSecond(matched.rows, floor.secondsWithoutChecks)} rows/s`,
        );
        const rows = await readFloorRows(feeds);
        reportFloor('COPY FROM STDIN', rows.length, await floorPostgres(url, rows), matched);
      }
    } finally {
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    }
  }
  if (adminUrl === undefined && !values['skip-floor']) {
    const rows = await readFloorRows(feeds);
    reportFloor("COPY FROM '/dev/blob'", rows.length, await floorPglite(rows), matched);
  }
} finally {
  fs.rmSync(feeds, { recursive: true, force: true });
}
