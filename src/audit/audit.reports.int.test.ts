import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { AuditError } from './audit.errors.ts';
import type { AuditEntry } from './audit.model.ts';
import { recordAudit } from './audit.record.ts';
import { streamAuditReport, whatDidUser, whoViewedChild, type ReportRequester } from './audit.reports.ts';
import { createAuditService } from './audit.service.ts';
import { CHILD_A, CHILD_B, searchBy, viewOf } from './audit.test-support.ts';
import { verifyAuditTrail } from './audit.verify.ts';

let database: TestDatabase;
let start: Date;
let middle: Date;

const auditor: ReportRequester = {
  actor: { type: 'user', id: 'auditor-1', role: 'auditor' },
  reason: 'subject-access-request',
  reasonText: 'SAR 2026/17',
  requestId: 'req-report',
};

function later(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function record(...entries: Parameters<typeof recordAudit>[1][]): Promise<void> {
  for (const entry of entries) await database.db.transaction().execute((trx) => recordAudit(trx, entry));
}

beforeAll(async () => {
  database = await openTestDatabase();
  start = new Date();
  await record(viewOf(CHILD_A, 'alice'), viewOf(CHILD_B, 'alice'), searchBy('alice'), viewOf(CHILD_A, 'bob'));
  await later(20);
  middle = new Date();
  await later(20);
  await record(viewOf(CHILD_A, 'carol'), {
    ...viewOf(CHILD_A, 'dave'),
    outcome: 'denied',
    reason: undefined,
  });
});
afterAll(async () => {
  await database.dispose();
});

const actors = (entries: AuditEntry[]) => entries.map((entry) => entry.actor);

async function reportsAbout(childId: string): Promise<AuditEntry[]> {
  const found = await database.db
    .selectFrom('audit_entry')
    .selectAll()
    .where('action', '=', 'audit.report')
    .where('child_id', '=', childId)
    .orderBy('at')
    .orderBy('chain_id')
    .orderBy('seq')
    .execute();
  return found.map((row) => ({ actor: row.actor, details: row.details, reason: row.reason }) as never);
}

describe('audit reports', () => {
  it('shows who accessed a child, oldest first, refusals included', async () => {
    const page = await whoViewedChild(database.db, auditor, CHILD_A.toUpperCase(), { from: start });
    expect(actors(page.entries)).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(page.entries.at(-1)?.outcome).toBe('denied');
    expect(page.next).toBeUndefined();
  });

  it('is itself recorded, with the reason, and shows in the next report', async () => {
    const before = (await reportsAbout(CHILD_A)).length;
    await whoViewedChild(database.db, auditor, CHILD_A, { from: middle });
    const reports = await reportsAbout(CHILD_A);
    expect(reports).toHaveLength(before + 1);
    expect(reports.at(-1)).toMatchObject({
      actor: 'auditor-1',
      reason: 'subject-access-request',
      details: { report: 'who-accessed-child', from: middle.toISOString(), returned: 3 },
    });
    const again = await whoViewedChild(database.db, auditor, CHILD_A, { from: middle });
    expect(actors(again.entries)).toEqual(['carol', 'dave', 'auditor-1', 'auditor-1']);
    expect((await verifyAuditTrail(database.db)).ok).toBe(true);
  });

  it('keeps to the range: from inclusive, to exclusive', async () => {
    const early = await whoViewedChild(database.db, auditor, CHILD_A, { from: start, to: middle });
    expect(actors(early.entries)).toEqual(['alice', 'bob']);
  });

  it('pages with an opaque cursor, to an end fixed by the first page', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await whoViewedChild(database.db, auditor, CHILD_A, {
        from: start,
        limit: 1,
        ...(after === undefined ? {} : { after }),
      });
      seen.push(...actors(page.entries));
      after = page.next;
      // Each page is recorded, yet the report ends: entries after its first page are outside it.
    } while (after !== undefined && seen.length < 100);
    const everything = await whoViewedChild(database.db, auditor, CHILD_A, { from: start, limit: 1000 });
    expect(seen).toEqual(actors(everything.entries).slice(0, seen.length));
    expect(seen.slice(0, 4)).toEqual(['alice', 'bob', 'carol', 'dave']);
    // Every page of the paged report was recorded once.
    expect(everything.entries.length).toBe(2 * seen.length);
  });

  it('shows what a user did', async () => {
    const page = await whatDidUser(database.db, auditor, 'alice', { from: start });
    expect(page.entries.map((entry) => entry.action)).toEqual(['child.view', 'child.view', 'child.search']);
    expect(page.entries[2]?.details).toMatchObject({ criteria: { surname: 'Smith' } });
  });

  it('streams a whole report, recorded once', async () => {
    const audit = createAuditService(database.db);
    const before = (await reportsAbout(CHILD_B)).length;
    const entries: AuditEntry[] = [];
    for await (const page of streamAuditReport(database.db, auditor, { childId: CHILD_B }, {}, 1))
      entries.push(...page);
    expect(actors(entries)).toEqual(['alice']);
    expect(await reportsAbout(CHILD_B)).toHaveLength(before + 1);
    const viaService: AuditEntry[] = [];
    for await (const page of audit.reports.stream(auditor, { userId: 'bob' })) viaService.push(...page);
    expect(actors(viaService)).toEqual(['bob']);
  });

  it('refuses a bad request, and then returns nothing', async () => {
    const refused = async (run: () => Promise<unknown>) => {
      const error = await run().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuditError);
      return (error as AuditError).message;
    };
    expect(await refused(() => whoViewedChild(database.db, auditor, 'not-a-uuid'))).toMatch(/uuid/);
    expect(
      await refused(() => whoViewedChild(database.db, auditor, CHILD_A, { from: middle, to: start })),
    ).toMatch(/start before/);
    expect(await refused(() => whoViewedChild(database.db, auditor, CHILD_A, { after: 'garbage' }))).toMatch(
      /cursor/,
    );
    expect(await refused(() => whoViewedChild(database.db, auditor, CHILD_A, { limit: 5000 }))).toMatch(
      /page size/,
    );
    // No reason, no report: the request cannot be recorded, so nothing is read out.
    expect(
      await refused(() => whoViewedChild(database.db, { ...auditor, reason: undefined as never }, CHILD_A)),
    ).toMatch(/needs a reason/);
  });
});
