import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../access/access.model.ts';
import {
  auditEntries,
  createChildAccessTestContext,
  person,
  type ChildAccessTestContext,
} from '../access/policy/policy.test-support.ts';
import { OPERATOR } from '../access/test-support.ts';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { createServices } from '../services.ts';
import { fullChild, RECEIVED_AT, seedReferenceData, testNhsNumber, testUpn } from './child.test-support.ts';
import type { ChildRecord } from './child.model.ts';
import type { NewChildRecord } from './child.service.ts';
import { insertSource } from './reference.repository.ts';

let ctx: ChildAccessTestContext;
// Test identifiers take serials below 1000; the context's own children use the low ones.
let serial = 300;
let feedRowNumber = 0;
let feedBatchId: number;

const REASON = 'Same child: duplicate from two feeds';
// The test clock's today is 2026-11-25.
const SHIELD = { reason: 'risk_to_child', reviewDate: '2027-02-01' } as const;
const LATER = new Date('2026-11-22T10:00:00.000Z');

beforeAll(async () => {
  ctx = await createChildAccessTestContext();
  // A local source that ranks GP practices above everyone and names below everyone, and schools as
  // the national feed does (so recency decides them).
  await insertSource(ctx.database.db, { name: 'test-local', kind: 'local', description: 'Test local feed' });
  await sql`update source set precedence = ${JSON.stringify({ gpPractice: 90, name: 5, educationalSetting: 20 })}::jsonb
    where name = 'test-local'`.execute(ctx.database.db);
  const batch = await ctx.database.db
    .insertInto('source_batch')
    .values({ source_name: 'test-local', checksum: 'b'.repeat(64), row_count: 100 })
    .returning('id')
    .executeTakeFirstOrThrow();
  feedBatchId = batch.id;
}, 60_000);
afterAll(async () => {
  await ctx.close();
});

/** A child with an NHS number only (no UPN), so a duplicate without one can be merged into it. */
function survivorInput(): NewChildRecord {
  serial += 1;
  const base = fullChild(ctx.ref, serial);
  return { ...base, identifiers: [{ scheme: 'nhs_number', value: testNhsNumber(serial) }] };
}

/** The same child as another source holds them: different name, address, school, GP, carer. */
function duplicateInput(overrides: Partial<NewChildRecord> = {}): NewChildRecord {
  serial += 1;
  const base = fullChild(ctx.ref, serial);
  return {
    ...base,
    provenance: { source: 'test-local', batchId: null, receivedAt: LATER },
    name: { forename: 'Amy', surname: `Obrien-Dup${serial}` },
    otherNames: [],
    address: { line1: '9 Other Road', town: 'Othertown', postcode: 'N1 9GU' },
    identifiers: [
      { scheme: 'upn', value: testUpn(serial) },
      { scheme: 'source_record', value: `LOCAL-${serial}` },
    ],
    carers: [
      {
        name: 'Sam Dup',
        relationship: 'father',
        parentalResponsibility: true,
        phone: '07700 900777',
        address: { line1: '9 Other Road', postcode: 'N1 9GU' },
      },
    ],
    educationalSetting: { urn: '200002', name: 'Other Academy', phone: '01632 961300' },
    gpPractice: { odsCode: 'B82002', name: 'Other Surgery', phone: '01632 961400' },
    ...overrides,
  };
}

async function newChild(input: NewChildRecord): Promise<ChildRecord> {
  return ctx.services.children.createChildRecord(input, { actor: 'test' });
}

async function record(id: string): Promise<ChildRecord> {
  return ctx.services.children.getChildRecord(id);
}

/** What an unmerge must give back exactly: everything but the version, the events and the update time. */
const NOT_RESTORED = new Set(['version', 'events', 'updatedAt']);

function restorable(child: ChildRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(child).filter(([key]) => !NOT_RESTORED.has(key)));
}

async function addFeedRows(childId: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    feedRowNumber += 1;
    const row = await ctx.database.db
      .insertInto('feed_row')
      .values({
        batch_id: feedBatchId,
        row_number: feedRowNumber,
        source_name: 'test-local',
        source_record_id: `LOCAL-ROW-${feedRowNumber}`,
        fields: JSON.stringify({ forename: 'Amy' }),
        status: 'linked',
        child_id: childId,
        resolved_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}

async function feedRowChildren(ids: readonly number[]): Promise<(string | null)[]> {
  const rows = await ctx.database.db
    .selectFrom('feed_row')
    .select(['id', 'child_id'])
    .where('id', 'in', ids)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.child_id);
}

function merge(survivorId: string, mergedId: string, extra: { actor?: Actor; allowShielded?: boolean } = {}) {
  return ctx.services.merges.mergeChildren({
    survivorId,
    mergedId,
    actor: extra.actor ?? OPERATOR,
    reason: REASON,
    ...(extra.allowShielded === undefined ? {} : { allowShielded: extra.allowShielded }),
  });
}

function unmerge(mergeId: number, allowShielded?: boolean) {
  return ctx.services.merges.unmergeChildren({
    mergeId,
    actor: OPERATOR,
    reason: 'Not the same child after all',
    ...(allowShielded === undefined ? {} : { allowShielded }),
  });
}

interface RawLocationRow {
  child_id: string;
  sealed_fields: string | null;
  line1: string | null;
}

/** Location rows as stored, read past field encryption. */
async function storedAddresses(childId: string): Promise<RawLocationRow[]> {
  const { rows } = await sql<RawLocationRow>`
    select child_id, sealed_fields, line1 from child_address where child_id = ${childId} order by id`.execute(
    ctx.database.db,
  );
  return rows;
}

async function storedSealedState(childId: string): Promise<boolean[]> {
  const { rows } = await sql<{ sealed: boolean }>`
    select sealed_fields is not null as sealed from child_address where child_id = ${childId}
    union all select sealed_fields is not null from carer where child_id = ${childId}
    union all select sealed_fields is not null from educational_setting where child_id = ${childId}
    union all select sealed_fields is not null from gp_practice where child_id = ${childId}`.execute(
    ctx.database.db,
  );
  return rows.map((row) => row.sealed);
}

describe('merging two records of one child', () => {
  it('moves every row and the feed-row lineage onto the survivor, and unmerge restores both exactly', async () => {
    const survivor = await newChild(survivorInput());
    const merged = await newChild(duplicateInput());
    const survivorFeed = await addFeedRows(survivor.id, 1);
    const mergedFeed = await addFeedRows(merged.id, 2);
    const survivorBefore = await record(survivor.id);
    const mergedBefore = await record(merged.id);

    const result = await merge(survivor.id, merged.id);
    expect(result).toMatchObject({
      survivorContactPointId: survivor.contactPointId,
      mergedContactPointId: merged.contactPointId,
      shieldApplied: false,
    });

    const combined = await record(survivor.id);
    const mergedAway = await record(merged.id);
    expect(mergedAway.mergedInto).toBe(survivor.id);
    for (const part of ['names', 'addresses', 'identifiers', 'carers', 'gpPractices', 'caf'] as const) {
      expect(mergedAway[part].current).toEqual([]);
      expect(mergedAway[part].previous).toEqual([]);
    }
    // Both records' identifiers are the survivor's now: its NHS number, and the UPN and local record id.
    expect(combined.identifiers.current.map((i) => i.scheme).sort()).toEqual([
      'nhs_number',
      'source_record',
      'upn',
    ]);
    expect(combined.carers.current.map((c) => c.name).sort()).toEqual(['Jane Test', 'Sam Dup']);
    expect(await feedRowChildren([...survivorFeed, ...mergedFeed])).toEqual([
      survivor.id,
      survivor.id,
      survivor.id,
    ]);
    expect(await ctx.services.merges.whereMerged(merged.contactPointId)).toEqual({
      contactPointId: merged.contactPointId,
      survivorContactPointId: survivor.contactPointId,
    });
    const lineage = await ctx.database.db
      .selectFrom('merge_lineage')
      .select(['table_name', 'action', 'from_child'])
      .where('merge_id', '=', result.mergeId)
      .where('action', '=', 'moved')
      .execute();
    expect(lineage.filter((l) => l.table_name === 'feed_row')).toHaveLength(2);
    expect(new Set(lineage.map((l) => l.from_child))).toEqual(new Set([merged.id]));
    expect(result.moved).toBe(lineage.length);

    const undone = await unmerge(result.mergeId);
    expect(undone).toMatchObject({ mergeId: result.mergeId, leftClosed: 0, shieldLifted: false });
    const survivorAfter = await record(survivor.id);
    const mergedAfter = await record(merged.id);
    expect(restorable(survivorAfter)).toEqual(restorable(survivorBefore));
    expect(restorable(mergedAfter)).toEqual(restorable(mergedBefore));
    expect(await feedRowChildren([...survivorFeed, ...mergedFeed])).toEqual([
      survivor.id,
      merged.id,
      merged.id,
    ]);
    // The history of both records says what happened.
    expect(survivorAfter.events.slice(survivorBefore.events.length).map((e) => e.kind)).toEqual([
      'merged',
      'unmerged',
    ]);
    expect(mergedAfter.events.slice(mergedBefore.events.length).map((e) => e.kind)).toEqual([
      'merged',
      'unmerged',
    ]);
    expect(await ctx.services.merges.whereMerged(merged.contactPointId)).toMatchObject({
      survivorContactPointId: null,
    });
  });

  it('applies survivorship: higher precedence, then newer, wins; the loser stays in history', async () => {
    const survivor = await newChild(survivorInput());
    const merged = await newChild(duplicateInput());
    const result = await merge(survivor.id, merged.id);
    const combined = await record(survivor.id);

    // GP: the local source ranks it 90 against the national 20.
    expect(combined.gpPractices.current.map((g) => g.name)).toEqual(['Other Surgery']);
    expect(combined.gpPractices.previous.map((g) => g.name)).toEqual(['Test Surgery']);
    // School: equal rank, the more recently received wins.
    expect(combined.educationalSettings.current.map((s) => s.name)).toEqual(['Other Academy']);
    expect(combined.educationalSettings.previous.map((s) => s.name)).toEqual(['Test Primary School']);
    // Address: unranked, so by kind (national 20 over local 10).
    expect(combined.addresses.current.map((a) => a.line1)).toEqual(['1 Test Street']);
    expect(combined.addresses.previous.map((a) => a.line1)).toEqual(['9 Other Road']);
    // Name: the local source ranks names 5: the survivor's stays current, the other is kept as an alias.
    const current = combined.names.current;
    expect(current.filter((n) => n.kind === 'current').map((n) => n.surname)).toEqual([
      survivor.names.current.find((n) => n.kind === 'current')?.surname,
    ]);
    const alias = current.find((n) => n.kind === 'alias');
    const mergedName = merged.names.current.find((n) => n.kind === 'current');
    expect(alias).toMatchObject({ forename: 'Amy', surname: mergedName?.surname });
    expect(alias?.provenance.source).toBe('test-local');
    expect(combined.names.previous.map((n) => n.forename)).toEqual(['Amy']);
    // Lead professional: one stays lead, the other practitioner is still shown as involved.
    expect(combined.involvements.current.filter((i) => i.leadProfessional)).toHaveLength(1);
    expect(combined.involvements.current).toHaveLength(2);
    // GP, school, address, name, lead professional and CAF indicator each had one current per record.
    expect(result).toMatchObject({ closed: 6, inserted: 2 });

    // Everything closed comes back on unmerge.
    await unmerge(result.mergeId);
    const back = await record(merged.id);
    expect(back.gpPractices.current.map((g) => g.name)).toEqual(['Other Surgery']);
    expect((await record(survivor.id)).gpPractices.current.map((g) => g.name)).toEqual(['Test Surgery']);
  });

  it('refuses pairs that are not safely one child, changing nothing', async () => {
    const a = await newChild(survivorInput());
    const differentNhs = await newChild({
      ...duplicateInput(),
      identifiers: [{ scheme: 'nhs_number', value: testNhsNumber(999) }],
    });
    const adopted = await newChild(
      duplicateInput({ shield: { reason: 'adoption', reviewDate: '2027-01-10' }, postAdoption: true }),
    );
    const shielded = await newChild(duplicateInput({ shield: SHIELD }));
    const aBefore = restorable(await record(a.id));

    await expect(merge(a.id, differentNhs.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      rule: 'merge.nhs-number-differs',
      message: 'The records have different NHS numbers, so they are not the same child',
    });
    await expect(merge(a.id, adopted.id, { allowShielded: true })).rejects.toMatchObject({
      rule: 'merge.post-adoption',
    });
    await expect(merge(a.id, shielded.id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      rule: 'merge.shielded',
    });
    await expect(merge(a.id, a.id)).rejects.toMatchObject({ rule: 'merge.same-child' });
    const practitioner = await person(ctx, ['practitioner']);
    const duplicate = await newChild(duplicateInput());
    await expect(
      merge(a.id, duplicate.id, { actor: { kind: 'user', principal: practitioner.principal } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', rule: 'merge.role' });

    expect(restorable(await record(a.id))).toEqual(aBefore);
    for (const other of [differentNhs, adopted, shielded, duplicate]) {
      expect((await record(other.id)).mergedInto).toBeNull();
    }
    const entries = await auditEntries(ctx, { action: 'child.merge', childId: a.id });
    expect(entries.map((e) => e.outcome)).toEqual(['failure', 'failure', 'denied', 'failure', 'denied']);
    expect(entries.map((e) => (e.details as { rule?: string }).rule)).toEqual([
      'merge.nhs-number-differs',
      'merge.post-adoption',
      'merge.shielded',
      'merge.same-child',
      'merge.role',
    ]);

    // Already merged away: neither side of another merge.
    const m = await merge(a.id, duplicate.id);
    const third = await newChild(duplicateInput());
    await expect(merge(third.id, duplicate.id)).rejects.toMatchObject({ rule: 'merge.already-merged' });
    await expect(merge(duplicate.id, third.id)).rejects.toMatchObject({ rule: 'merge.already-merged' });
    // A merged-away record takes no changes of its own.
    await expect(
      ctx.services.children.setCaf(
        duplicate.id,
        { exists: false },
        { source: ctx.ref.source, receivedAt: RECEIVED_AT },
        { actor: 'test' },
      ),
    ).rejects.toMatchObject({ rule: 'child.merged' });
    await unmerge(m.mergeId);
    await expect(unmerge(m.mergeId)).rejects.toMatchObject({ rule: 'unmerge.already-undone' });
  });

  it('writes its audit entries with the change: a merge that fails midway leaves no change and no success', async () => {
    const survivor = await newChild(survivorInput());
    const merged = await newChild(duplicateInput());
    await addFeedRows(merged.id, 1);
    const survivorBefore = restorable(await record(survivor.id));
    const mergedBefore = restorable(await record(merged.id));
    // The last write of the merge fails: everything before it in the transaction must go too.
    await sql`create function merge_test_refuse() returns trigger language plpgsql as $$
      begin raise exception 'merge test refusal'; end $$`.execute(ctx.database.db);
    await sql`create trigger merge_test_refuse before insert on merge_lineage
      for each statement execute function merge_test_refuse()`.execute(ctx.database.db);
    try {
      await expect(merge(survivor.id, merged.id)).rejects.toThrow();
    } finally {
      await sql`drop trigger merge_test_refuse on merge_lineage`.execute(ctx.database.db);
      await sql`drop function merge_test_refuse()`.execute(ctx.database.db);
    }
    expect(restorable(await record(survivor.id))).toEqual(survivorBefore);
    expect(restorable(await record(merged.id))).toEqual(mergedBefore);
    expect(
      await ctx.database.db
        .selectFrom('child_merge')
        .select('id')
        .where('merged_id', '=', merged.id)
        .execute(),
    ).toEqual([]);
    const survivorEntries = await auditEntries(ctx, { action: 'child.merge', childId: survivor.id });
    expect(survivorEntries.map((e) => e.outcome)).toEqual(['failure']);
    expect(await auditEntries(ctx, { action: 'child.merge', childId: merged.id })).toEqual([]);

    // The same merge succeeding records one entry per record, with the reason.
    const result = await merge(survivor.id, merged.id);
    const done = await auditEntries(ctx, { action: 'child.merge', childId: survivor.id });
    expect(done.map((e) => e.outcome)).toEqual(['failure', 'success']);
    expect(done[1]).toMatchObject({
      actor: 'test operator',
      reason: 'data-quality',
      reasonText: REASON,
      details: { mergeId: result.mergeId, mergedContactPointId: merged.contactPointId },
    });
    expect(await auditEntries(ctx, { action: 'child.merge', childId: merged.id })).toMatchObject([
      { outcome: 'success', details: { survivorContactPointId: survivor.contactPointId } },
    ]);
    await unmerge(result.mergeId);
    expect(
      (await auditEntries(ctx, { action: 'child.unmerge', childId: merged.id })).map((e) => e.outcome),
    ).toEqual(['success']);
  });

  it('unmerges in order: a later merge onto the survivor is undone first', async () => {
    const survivor = await newChild(survivorInput());
    const first = await newChild(duplicateInput());
    // A second duplicate with no UPN of its own: the first's is on the survivor now.
    const second = await newChild(
      duplicateInput({ identifiers: [{ scheme: 'source_record', value: `LOCAL-NO-UPN-${serial}` }] }),
    );
    const m1 = await merge(survivor.id, first.id);
    const m2 = await merge(survivor.id, second.id);
    await expect(unmerge(m1.mergeId)).rejects.toMatchObject({
      rule: 'unmerge.later-merge',
      message: `Merge ${m2.mergeId} built on this one since; undo it first`,
    });
    await unmerge(m2.mergeId);
    await unmerge(m1.mergeId);
    expect((await record(first.id)).mergedInto).toBeNull();
    expect((await record(second.id)).mergedInto).toBeNull();
  });

  it('keeps rows the survivor received after the merge, and leaves closed what they replaced', async () => {
    const survivor = await newChild(survivorInput());
    const merged = await newChild(duplicateInput());
    const result = await merge(survivor.id, merged.id);
    await ctx.services.children.setGpPractice(
      survivor.id,
      { odsCode: 'C83003', name: 'Newer Surgery' },
      { source: 'test-local', receivedAt: new Date('2026-11-24T10:00:00Z') },
      { actor: 'test' },
    );
    const undone = await unmerge(result.mergeId);
    expect(undone.leftClosed).toBe(1);
    expect((await record(survivor.id)).gpPractices.current.map((g) => g.name)).toEqual(['Newer Surgery']);
    // The merged record's own GP practice is its own again, current as it was.
    expect((await record(merged.id)).gpPractices.current.map((g) => g.name)).toEqual(['Other Surgery']);
  });
});

describe('merging a shielded record', () => {
  it('the survivor takes the shield, every location row is sealed at rest, and unmerge restores both', async () => {
    const survivor = await newChild(survivorInput());
    const merged = await newChild(duplicateInput());
    await ctx.services.shields.set(OPERATOR, merged.contactPointId, SHIELD);
    const survivorBefore = await record(survivor.id);
    const mergedBefore = await record(merged.id);
    expect(await storedSealedState(merged.id)).not.toContain(false);
    expect(await storedSealedState(survivor.id)).not.toContain(true);

    const result = await merge(survivor.id, merged.id, { allowShielded: true });
    expect(result.shieldApplied).toBe(true);
    const combined = await record(survivor.id);
    expect(combined.shield).toMatchObject({ reason: 'risk_to_child', reviewDate: '2027-02-01' });
    // At rest: every location row on the survivor sealed, no plaintext left.
    const stored = await storedAddresses(survivor.id);
    expect(stored).toHaveLength(2);
    for (const row of stored) {
      expect(row.sealed_fields).not.toBeNull();
      expect(row.line1).toBeNull();
    }
    expect(await storedSealedState(survivor.id)).not.toContain(false);
    // In memory the moved rows open under their new record (their seal was rebound to it).
    expect(combined.addresses.previous.map((a) => a.line1)).toEqual(['9 Other Road']);
    expect(combined.carers.current.map((c) => c.phone).sort()).toEqual(['07700 900001', '07700 900777']);

    const undone = await unmerge(result.mergeId, true);
    expect(undone).toMatchObject({ shieldLifted: true, shieldKept: false });
    expect(await storedSealedState(merged.id)).not.toContain(false);
    expect(await storedSealedState(survivor.id)).not.toContain(true);
    expect(restorable(await record(survivor.id))).toEqual(restorable(survivorBefore));
    expect(restorable(await record(merged.id))).toEqual(restorable(mergedBefore));
  });

  it('a record merged onto a shielded survivor is sealed, and comes back plaintext as it was', async () => {
    const survivor = await newChild(survivorInput());
    await ctx.services.shields.set(OPERATOR, survivor.contactPointId, SHIELD);
    const merged = await newChild(duplicateInput());
    const mergedBefore = await record(merged.id);
    await expect(merge(survivor.id, merged.id)).rejects.toMatchObject({ rule: 'merge.shielded' });
    const result = await merge(survivor.id, merged.id, { allowShielded: true });
    expect(result.shieldApplied).toBe(false);
    expect(await storedSealedState(survivor.id)).not.toContain(false);
    await expect(unmerge(result.mergeId)).rejects.toMatchObject({ rule: 'merge.shielded' });
    const undone = await unmerge(result.mergeId, true);
    expect(undone.shieldLifted).toBe(false);
    expect(await storedSealedState(merged.id)).not.toContain(true);
    expect(restorable(await record(merged.id))).toEqual(restorable(mergedBefore));
    expect((await record(survivor.id)).shield).not.toBeNull();
  });
});

describe('contactpoint merge and unmerge', () => {
  // The commands run as an operator would run them, against an embedded database of their own.
  it('merges and unmerges by ContactPoint ID, refusing with one line and a non-zero exit', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-merge-cli-'));
    const env = {
      CONTACTPOINT_DATA_DIR: dataDir,
      NODE_ENV: 'test',
      FIELD_ENCRYPTION_KEYS: `k1:${'6b'.repeat(32)}`,
      FIELD_ENCRYPTION_ACTIVE_KEY: 'k1',
      FIELD_HMAC_KEY: '7c'.repeat(32),
    };
    const withDatabase = async <T>(
      run: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
    ): Promise<T> => {
      const database = await openDatabase({ databaseUrl: undefined, dataDir });
      try {
        return await run(database);
      } finally {
        await database.close();
      }
    };
    try {
      const [survivorId, mergedId] = await withDatabase(async (database) => {
        await migrate(database.db);
        const ref = await seedReferenceData(database.db);
        const config = loadConfig(env, { databaseUrl: undefined, dataDir });
        const services = createServices({ config, database, logger: pino({ level: 'silent' }) });
        const survivor = await services.children.createChildRecord(
          { ...fullChild(ref, 1), identifiers: [{ scheme: 'nhs_number', value: testNhsNumber(1) }] },
          { actor: 'test' },
        );
        const merged = await services.children.createChildRecord(
          { ...fullChild(ref, 2), identifiers: [{ scheme: 'source_record', value: 'PDS-2' }] },
          { actor: 'test' },
        );
        return [survivor.contactPointId, merged.contactPointId];
      });
      const by = ['--operator', 'Olive Operator', '--reason', 'Duplicate'];

      const merged = await runCliInProcess(['merge', survivorId, mergedId, ...by], env);
      expect(merged.code, merged.stderr).toBe(0);
      expect(merged.stdout).toMatch(new RegExp(`^merge 1: ${mergedId} merged into ${survivorId} \\(`));

      const again = await runCliInProcess(['merge', survivorId, mergedId, ...by], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(`contactpoint: ${mergedId} has already been merged into another record\n`);

      const undone = await runCliInProcess(['unmerge', '1', ...by], env);
      expect(undone.code, undone.stderr).toBe(0);
      expect(undone.stdout).toContain(`merge 1 undone: ${mergedId} and ${survivorId} are separate again`);
      const audit = await withDatabase((database) =>
        database.db
          .selectFrom('audit_entry')
          .select(['action', 'outcome', 'actor'])
          .where('action', 'in', ['child.merge', 'child.unmerge'])
          .orderBy('at')
          .orderBy('chain_id')
          .orderBy('seq')
          .execute(),
      );
      expect(audit.map((e) => [e.action, e.outcome, e.actor])).toEqual([
        ['child.merge', 'success', 'Olive Operator'],
        ['child.merge', 'success', 'Olive Operator'],
        ['child.merge', 'failure', 'Olive Operator'],
        ['child.unmerge', 'success', 'Olive Operator'],
        ['child.unmerge', 'success', 'Olive Operator'],
      ]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
