/**
 * PGlite cold start: how long a new process takes to open the embedded database and answer a query,
 * on an empty data folder and on one holding N children (names, addresses, NHS numbers).
 *
 *   npx tsx bench/cold-start.ts [children=100000] [runs=5]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open.ts';

const self = fileURLToPath(import.meta.url);

/** Child process: open, query, report milliseconds. */
async function measureOnce(dataDir: string): Promise<void> {
  const started = performance.now();
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  const opened = performance.now();
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from child`.execute(database.db);
  const answered = performance.now();
  await database.close();
  process.stdout.write(
    JSON.stringify({ openMs: opened - started, firstQueryMs: answered - opened, children: rows[0]?.n ?? 0 }),
  );
}

/** Bulk rows straight in SQL: this measures start-up on a data folder of realistic size, not import speed. */
async function fill(dataDir: string, children: number): Promise<void> {
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  await migrate(database.db);
  const db = database.db;
  await sql`insert into local_authority (code, name, management_team_name, management_team_phone, management_team_email)
    values ('999', 'Bench Borough', 'ContactPoint team', '01632 960000', 'cp@bench.invalid')
    on conflict do nothing`.execute(db);
  await sql`insert into source (name, kind) values ('bench', 'national') on conflict do nothing`.execute(db);
  const chunk = 20_000;
  for (let start = 0; start < children; start += chunk) {
    const end = Math.min(children, start + chunk) - 1;
    await db.transaction().execute(async (trx) => {
      await sql`create temp table new_child on commit drop as
        select gen_random_uuid() as id, g as n from generate_series(${start}::int, ${end}::int) g`.execute(
        trx,
      );
      await sql`insert into child (id, received_at, date_of_birth, contactpoint_id, gender, responsible_la, source_name)
        select id, now(), date '2008-09-01' + (n % 6500), 'CP' || lpad(n::text, 10, '0'),
               case when n % 2 = 0 then 'female' else 'male' end, '999', 'bench' from new_child`.execute(trx);
      await sql`insert into child_name (child_id, received_at, kind, forename, surname, forename_key, surname_key, source_name)
        select id, now(), 'current', 'Forename' || (n % 997), 'Surname' || (n % 20011),
               'forename' || (n % 997), 'surname' || (n % 20011), 'bench' from new_child`.execute(trx);
      await sql`insert into child_address (child_id, received_at, line1, town, postcode, source_name)
        select id, now(), (n % 200) || ' Bench Street', 'Benchton',
               'BE' || (n % 90 + 1) || ' ' || (n % 10) || 'AB', 'bench' from new_child`.execute(trx);
      await sql`insert into child_identifier (child_id, received_at, scheme, value, source_name)
        select id, now(), 'nhs_number', '999' || lpad(n::text, 7, '0'), 'bench' from new_child`.execute(trx);
    });
  }
  await database.close();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function measure(dataDir: string, runs: number): { openMs: number; firstQueryMs: number; processMs: number } {
  const samples = Array.from({ length: runs }, () => {
    const started = performance.now();
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--measure', dataDir], {
      encoding: 'utf8',
    });
    const processMs = performance.now() - started;
    return { ...(JSON.parse(out) as { openMs: number; firstQueryMs: number }), processMs };
  });
  return {
    openMs: Math.round(median(samples.map((s) => s.openMs))),
    firstQueryMs: Math.round(median(samples.map((s) => s.firstQueryMs))),
    processMs: Math.round(median(samples.map((s) => s.processMs))),
  };
}

function sizeOf(dir: string): number {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + fs.statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--measure') {
    await measureOnce(process.argv[3] ?? '');
    return;
  }
  const children = Number(process.argv[2] ?? 100_000);
  const runs = Number(process.argv[3] ?? 5);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-cold-start-'));
  try {
    for (const size of [0, children]) {
      const dataDir = path.join(root, String(size));
      const filling = performance.now();
      await fill(dataDir, size);
      const fillSeconds = (performance.now() - filling) / 1000;
      const result = measure(dataDir, runs);
      const megabytes = Math.round(sizeOf(dataDir) / 1_048_576);
      console.log(
        JSON.stringify({
          children: size,
          dataDirMiB: megabytes,
          fillSeconds: Number(fillSeconds.toFixed(1)),
          ...result,
        }),
      );
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
