import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { openTestDatabase, testEngine } from '../../test/helpers/database.ts';
import { databaseUrlFor } from '../../test/helpers/postgres-admin.ts';
import { openDatabase } from '../db/open.ts';
import type { Database } from '../db/schema.ts';
import { recordAudit } from './audit.record.ts';
import { CHILD_A, viewOf } from './audit.test-support.ts';

/** A migrated database the `contactpoint` process can open, and a way for the test to reach it too. */
interface CliDatabase {
  readonly env: NodeJS.ProcessEnv;
  use<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

async function cliDatabase(): Promise<CliDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (testEngine === 'postgres' && adminUrl !== undefined) {
    const database = await openTestDatabase();
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(database.db);
    return {
      env: { DATABASE_URL: databaseUrlFor(adminUrl, rows[0]?.name ?? '') },
      use: (work) => work(database.db),
      dispose: () => database.dispose(),
    };
  }
  // The embedded engine allows one opener of a data directory, so the test opens it only between runs.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-audit-cli-'));
  fs.cpSync(inject('pgliteTemplateDir'), dataDir, { recursive: true });
  fs.rmSync(path.join(dataDir, '.contactpoint.lock'), { force: true });
  return {
    env: { CONTACTPOINT_DATA_DIR: dataDir },
    async use(work) {
      const handle = await openDatabase({ databaseUrl: undefined, dataDir });
      try {
        return await work(handle.db);
      } finally {
        await handle.close();
      }
    },
    dispose: () => fs.promises.rm(dataDir, { recursive: true, force: true }),
  };
}

let database: CliDatabase;
const report = [
  'audit',
  'report',
  '--child',
  CHILD_A,
  '--operator',
  'Ann Auditor',
  '--reason',
  'investigation',
];

beforeAll(async () => {
  database = await cliDatabase();
  await database.use(async (db) => {
    for (const entry of [
      viewOf(CHILD_A, 'alice'),
      viewOf(CHILD_A, 'bob', {
        reasonText: '=HYPERLINK("http://evil")',
        details: { note: 'a, "quoted" value' },
      }),
    ]) {
      await db.transaction().execute((trx) => recordAudit(trx, entry));
    }
  });
});
afterAll(async () => {
  await database.dispose();
});

describe('contactpoint audit', () => {
  it('lists verify and report under --help', async () => {
    const result = await runCliInProcess(['audit', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('verify');
    expect(result.stdout).toContain('report');
  });

  it('verifies an intact trail, and records that it did', async () => {
    const first = await runCliInProcess(['audit', 'verify', '--operator', 'Olga Operator'], database.env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('2 entries in 16 chains verified\n');
    const second = await runCliInProcess(['audit', 'verify', '--operator', 'Olga Operator'], database.env);
    expect(second.stdout).toBe('3 entries in 16 chains verified\n');
    const recorded = await database.use((db) =>
      db
        .selectFrom('audit_entry')
        .select(['actor_type', 'actor', 'details'])
        .where('action', '=', 'audit.verify')
        .execute(),
    );
    expect(recorded[0]).toMatchObject({
      actor_type: 'operator',
      actor: 'Olga Operator',
      details: { entries: 2 },
    });
  });

  it('reports who accessed a child as JSON, recording the report under the operator', async () => {
    const result = await runCliInProcess([...report, '--format', 'json'], database.env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('2 entries\n');
    const entries = JSON.parse(result.stdout) as { actor: string; child_id: string; hash: string }[];
    expect(entries.map((entry) => entry.actor)).toEqual(['alice', 'bob']);
    expect(entries[0]?.child_id).toBe(CHILD_A);
    expect(entries[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    const recorded = await database.use((db) =>
      db
        .selectFrom('audit_entry')
        .select(['actor', 'reason', 'child_id'])
        .where('action', '=', 'audit.report')
        .execute(),
    );
    expect(recorded).toEqual([{ actor: 'Ann Auditor', reason: 'investigation', child_id: CHILD_A }]);
  });

  it('reports as CSV, defusing cells a spreadsheet would run', async () => {
    const result = await runCliInProcess(
      [...report, '--from', '2020-01-01', '--to', '2999-12-31'],
      database.env,
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'at,chain,seq,action,outcome,actor_type,actor,role,organisation,child_id,target,reason,reason_text,request_id,details,hash',
    );
    // The earlier JSON report is about the child too.
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain(`'=HYPERLINK(""http://evil"")`);
    expect(lines[2]).toContain('"{""note"":""a, \\""quoted\\"" value""}"');
  });

  it('reports what a user did, and nothing outside the range', async () => {
    const all = await runCliInProcess(
      [
        'audit',
        'report',
        '--user',
        'alice',
        '--operator',
        'Ann',
        '--reason',
        'investigation',
        '--format',
        'json',
      ],
      database.env,
    );
    expect((JSON.parse(all.stdout) as unknown[]).length).toBe(1);
    const none = await runCliInProcess(
      [
        'audit',
        'report',
        '--user',
        'alice',
        '--to',
        '2020-01-01',
        '--operator',
        'Ann',
        '--reason',
        'investigation',
        '--format',
        'json',
      ],
      database.env,
    );
    expect(none.stdout).toBe('[]\n');
  });

  it('refuses a report without an operator, a reason or a subject', async () => {
    const noOperator = await runCliInProcess(
      ['audit', 'report', '--child', CHILD_A, '--reason', 'investigation'],
      database.env,
    );
    expect(noOperator.code).not.toBe(0);
    expect(noOperator.stderr).toContain("required option '--operator <name>' not specified");
    const noReason = await runCliInProcess(
      ['audit', 'report', '--child', CHILD_A, '--operator', 'Ann'],
      database.env,
    );
    expect(noReason.stderr).toContain("required option '--reason <reason>' not specified");
    const noSubject = await runCliInProcess(
      ['audit', 'report', '--operator', 'Ann', '--reason', 'investigation'],
      database.env,
    );
    expect(noSubject.code).toBe(2);
    expect(noSubject.stderr).toBe('contactpoint: give --child ID or --user ID\n');
    const badChild = await runCliInProcess(
      [...report.slice(0, 2), '--child', 'nope', ...report.slice(4)],
      database.env,
    );
    expect(badChild.stderr).toContain('expected a ContactPoint record id');
    const badDate = await runCliInProcess([...report, '--from', '2026-02-30'], database.env);
    expect(badDate.code).not.toBe(0);
    expect(badDate.stderr).toContain('expected YYYY-MM-DD');
  });

  it('fails with the first broken link when the trail was tampered with', async () => {
    await database.use((db) =>
      db.transaction().execute(async (trx) => {
        await sql`alter table audit_entry disable trigger audit_entry_append_only`.execute(trx);
        await sql`update audit_entry set actor = 'mallory' where actor = 'bob'`.execute(trx);
        await sql`alter table audit_entry enable trigger audit_entry_append_only`.execute(trx);
      }),
    );
    const result = await runCliInProcess(['audit', 'verify'], database.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^contactpoint: audit trail broken at chain \d+, entry \d+: hash-mismatch: its content does not match its hash \(altered\) \(\d+ entries verified before it\)\n$/,
    );
  });
});
