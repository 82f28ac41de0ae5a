/**
 * Audited writes per second: each write is a transaction that appends one audit entry, as an audited
 * search does, from 1, 4 and 16 concurrent writers; then how fast the trail verifies.
 *
 *   npx tsx bench/audit.ts [--seconds 5] [--writers 1,4,16] [--engine pglite|postgres|both]
 *
 * PGlite runs on a data directory in a temporary folder; PostgreSQL when DATABASE_URL is set, in a
 * database of its own that is dropped afterwards. Results are recorded in bench/audit.md.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AuditEntryInput } from '../src/audit/audit.model.ts';
import { AUDIT_CHAIN_COUNT, recordAudit, recordAudits } from '../src/audit/audit.record.ts';
import { verifyAuditTrail } from '../src/audit/audit.verify.ts';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../src/db/open.ts';
import { adminQuery, databaseUrlFor } from '../test/helpers/postgres-admin.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    writers: { type: 'string', default: '1,4,16' },
    engine: { type: 'string', default: 'both' },
    'verify-entries': { type: 'string', default: '200000' },
  },
});
const seconds = Number(values.seconds);
const writerCounts = values.writers.split(',').map(Number);
const maxWriters = Math.max(...writerCounts);
const verifyEntries = Number(values['verify-entries']);

function search(i: number): AuditEntryInput {
  return {
    actor: {
      type: 'user',
      id: `0c9a6b9e-0000-4000-8000-${String(i % 400_000).padStart(12, '0')}`,
      role: 'practitioner',
      organisation: '202',
    },
    action: 'child.search',
    outcome: 'success',
    reason: 'contact-practitioner',
    requestId: randomBytes(8).toString('hex'),
    details: {
      criteria: { surname: 'SMITH', forename: 'JAMES', dateOfBirth: '2015-03-01', postcode: 'SW1A 1AA' },
      results: 1,
    },
  };
}

interface Row {
  engine: string;
  writers: number;
  writes: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

async function run(database: DatabaseHandle, writers: number, duration = seconds): Promise<Row> {
  const deadline = performance.now() + duration * 1000;
  const latencies: number[] = [];
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await database.db.transaction().execute((trx) => recordAudit(trx, search((n += 1))));
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    engine: database.engine,
    writers,
    writes: latencies.length,
    perSecond: Math.round(latencies.length / elapsed),
    p50ms: Number(at(0.5).toFixed(2)),
    p99ms: Number(at(0.99).toFixed(2)),
  };
}

/** Fills the trail to `total` entries quickly: a thousand entries a transaction (one chain each). */
async function fill(database: DatabaseHandle, total: number): Promise<void> {
  const { count } = await database.db
    .selectFrom('audit_entry')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  let missing = total - count;
  const batch = 1_000;
  const workers = database.engine === 'pglite' ? 1 : 2;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (missing > 0) {
        const n = Math.min(batch, missing);
        missing -= n;
        const entries = Array.from({ length: n }, (_, i) => search(i));
        await database.db.transaction().execute((trx) => recordAudits(trx, entries));
      }
    }),
  );
}

async function bench(database: DatabaseHandle): Promise<void> {
  await migrate(database.db);
  await database.useAppRole();
  // Warm up: plans cached, first pages allocated.
  await run(database, 1, 1);
  const rows: Row[] = [];
  for (const writers of writerCounts) rows.push(await run(database, writers));
  console.table(rows);
  if (verifyEntries > 0) {
    const started = performance.now();
    await fill(database, verifyEntries);
    console.log(
      `${database.engine}: filled to ${verifyEntries} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const result = await verifyAuditTrail(database.db);
  const elapsed = (performance.now() - started) / 1000;
  const grown = (process.memoryUsage().rss - before) / 1_048_576;
  console.log(
    `${database.engine}: verified ${result.entries} entries in ${result.chains} chains in ${elapsed.toFixed(1)} s ` +
      `(${Math.round(result.entries / elapsed)} entries/s, RSS +${grown.toFixed(0)} MiB), ok=${result.ok}`,
  );
  if (result.chains !== AUDIT_CHAIN_COUNT || !result.ok) process.exitCode = 1;
}

async function onPglite(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-bench-audit-'));
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  try {
    await bench(database);
  } finally {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function onPostgres(adminUrl: string): Promise<void> {
  const name = `cp_bench_audit_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = databaseUrlFor(adminUrl, name);
  const database = await openDatabase({ databaseUrl: url, dataDir: '', poolSize: maxWriters });
  try {
    await bench(database);
  } finally {
    await database.close();
    await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
  }
}

console.log(`${os.cpus().length} CPUs, Node ${process.version}, ${seconds} s per run`);
if (values.engine !== 'postgres') await onPglite();
const adminUrl = process.env.DATABASE_URL;
if (values.engine !== 'pglite') {
  if (adminUrl === undefined || adminUrl === '') console.log('postgres: skipped (set DATABASE_URL)');
  else await onPostgres(adminUrl);
}
