import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { fullChild, seedReferenceData } from '../children/child.test-support.ts';
import { londonDate } from '../children/child.validation.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../db/open.ts';
import { createServices } from '../services.ts';
import type { ChildRecord } from '../children/child.model.ts';
import { ChildAccessError } from '../access/policy/child-access.errors.ts';
import {
  auditEntries,
  createChildAccessTestContext,
  person,
  type ChildAccessTestContext,
  type Person,
} from '../access/policy/policy.test-support.ts';
import { OPERATOR } from '../access/test-support.ts';
import type { StoredExplanation } from './outcome.ts';
import { childrenPairKey, rowPairKey } from './pair-key.ts';
import type { ReviewActor } from './review.service.ts';

let ctx: ChildAccessTestContext;
let dataManager: Person;
let shielder: Person;
let management: Person;
let otherShielder: Person;
let practitioner: Person;
let auditor: Person;

const EXPLANATION: StoredExplanation = {
  priorWeight: -12,
  steps: [
    {
      comparison: 'surname',
      level: 4,
      label: 'exact',
      m: 0.9,
      u: 0.001,
      weight: 9.8,
      termFrequencyAdjustment: 0.4,
      cumulative: -1.8,
    },
    {
      comparison: 'place',
      level: 0,
      label: 'missing',
      m: null,
      u: null,
      weight: 0,
      termFrequencyAdjustment: 0,
      cumulative: -1.8,
    },
  ],
  weight: 4.5,
  probability: 0.7,
  decision: 'review',
  veto: null,
  deterministic: null,
  hold: null,
};

const user = (p: Person): ReviewActor => ({ kind: 'user', principal: p.principal });

let rowSerial = 0;

/** A feed row waiting in review against the given candidates, as resolution would queue it. */
async function queueRow(
  candidates: readonly { readonly child: ChildRecord; readonly shielded?: boolean }[],
  fields: Record<string, string> = {},
): Promise<{ rowId: number; recordId: string; reviewIds: number[] }> {
  rowSerial += 1;
  const db = ctx.database.db;
  const recordId = `REVIEW-${rowSerial}`;
  const row = await db
    .insertInto('feed_row')
    .values({
      batch_id: ctx.ref.batch.id,
      row_number: rowSerial,
      source_name: ctx.ref.source,
      source_record_id: recordId,
      fields: JSON.stringify({
        forename: 'Amelia',
        surname: `Rowfamily${rowSerial}`,
        dateOfBirth: '2015-03-14',
        gender: 'female',
        address: `${rowSerial} Feed Road`,
        postcode: 'NG24 3FF',
        ...fields,
      }),
      status: 'review',
      resolved_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const reviewIds: number[] = [];
  for (const candidate of candidates) {
    const review = await db
      .insertInto('match_review')
      .values({
        kind: 'row',
        feed_row_id: row.id,
        child_id: candidate.child.id,
        weight: 4.5,
        probability: 0.7,
        explanation: JSON.stringify(EXPLANATION),
        reason: candidate.shielded === true ? 'shielded-candidate' : 'review-band',
        shielded: candidate.shielded === true,
        responsible_la: candidate.child.responsibleLa,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    reviewIds.push(review.id);
  }
  return { rowId: row.id, recordId, reviewIds };
}

async function shield(child: ChildRecord): Promise<void> {
  await ctx.services.shields.set(OPERATOR, child.contactPointId, {
    reason: 'risk_to_child',
    reviewDate: '2027-06-01',
  });
}

async function feedRow(id: number) {
  return ctx.database.db
    .selectFrom('feed_row')
    .select(['status', 'child_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

async function reviewStatus(id: number) {
  return ctx.database.db
    .selectFrom('match_review')
    .select(['status', 'decided_by'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

async function remembered(pairKey: string) {
  return ctx.database.db
    .selectFrom('match_decision')
    .select(['decision', 'decided_by', 'review_id'])
    .where('pair_key', '=', pairKey)
    .executeTakeFirst();
}

async function refusal(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChildAccessError);
  const { code, message } = error as ChildAccessError;
  return { code, message };
}

beforeAll(async () => {
  ctx = await createChildAccessTestContext();
  dataManager = await person(ctx, ['data_manager']);
  shielder = await person(ctx, ['shielder']);
  management = await person(ctx, ['la_management']);
  otherShielder = await person(ctx, ['shielder'], { la: 'otherLa' });
  practitioner = await person(ctx, ['practitioner']);
  auditor = await person(ctx, ['auditor']);
}, 120_000);

afterAll(async () => {
  await ctx.close();
});

describe('the clerical review queue', () => {
  it('lets a data manager read a row review, link it, and remembers the pair', async () => {
    const child = await ctx.newChild();
    const { rowId, recordId, reviewIds } = await queueRow([{ child }]);
    const [reviewId = 0] = reviewIds;
    const reviews = ctx.services.reviews;

    const page = await reviews.list(user(dataManager), { limit: 200 });
    expect(page.reviews.map((r) => r.id)).toContain(reviewId);
    expect(page.reviews.find((r) => r.id === reviewId)).toMatchObject({ shielded: false, kind: 'row' });

    const view = await reviews.show(user(dataManager), reviewId);
    expect(view.explanation.steps.map((s) => [s.comparison, s.level, s.weight])).toEqual([
      ['surname', 4, 9.8],
      ['place', 0, 0],
    ]);
    expect(view.row?.values).toMatchObject({ surname: `Rowfamily${rowSerial}`, postcode: 'NG24 3FF' });
    expect(view.children).toEqual([
      {
        contactPointId: child.contactPointId,
        restricted: false,
        values: expect.objectContaining({
          forename: 'Amelia',
          postcode: 'SW1A 1AA',
          nhsNumber: expect.any(String) as unknown,
        }) as unknown,
      },
    ]);
    expect(await auditEntries(ctx, { action: 'match.review-read', childId: child.id })).toEqual([
      expect.objectContaining({
        outcome: 'success',
        actor: dataManager.user.id,
        reason: 'data-quality',
        target: `match-review:${reviewId}`,
      }),
    ]);

    const result = await reviews.decide(user(dataManager), reviewId, {
      decision: 'link',
      reason: 'Same child: moved house',
    });
    expect(result).toEqual({
      id: reviewId,
      status: 'linked',
      outcome: 'linked',
      createdContactPointId: null,
    });
    expect(await feedRow(rowId)).toEqual({ status: 'linked', child_id: child.id });
    expect(await reviewStatus(reviewId)).toEqual({ status: 'linked', decided_by: dataManager.user.id });
    expect(await remembered(rowPairKey(ctx.ref.source, recordId, child.id))).toEqual({
      decision: 'link',
      decided_by: dataManager.user.id,
      review_id: reviewId,
    });
    expect(await auditEntries(ctx, { action: 'match.review-decision', childId: child.id })).toEqual([
      expect.objectContaining({
        outcome: 'success',
        actor: dataManager.user.id,
        reason: 'data-quality',
        reasonText: 'Same child: moved house',
        details: expect.objectContaining({ decision: 'link', outcome: 'linked', kind: 'row' }) as unknown,
      }),
    ]);

    // Decided reviews leave the queue, and deciding one again is a conflict, recorded as such.
    const after = await reviews.list(user(dataManager), { limit: 200 });
    expect(after.reviews.map((r) => r.id)).not.toContain(reviewId);
    expect(
      await refusal(
        reviews.decide(user(dataManager), reviewId, { decision: 'not_a_match', reason: 'again' }),
      ),
    ).toMatchObject({ code: 'CONFLICT' });
    expect(await feedRow(rowId)).toEqual({ status: 'linked', child_id: child.id });
    const decisions = await auditEntries(ctx, { action: 'match.review-decision', childId: child.id });
    expect(decisions.map((e) => e.outcome)).toEqual(['success', 'failure']);
  });

  it('keeps a row waiting after one “not a match”, and makes it a new child after the last', async () => {
    const first = await ctx.newChild();
    const second = await ctx.newChild();
    const { rowId, recordId, reviewIds } = await queueRow([{ child: first }, { child: second }]);
    const [firstReview = 0, secondReview = 0] = reviewIds;
    const reviews = ctx.services.reviews;

    const one = await reviews.decide(user(dataManager), firstReview, {
      decision: 'not_a_match',
      reason: 'Different date of birth on the birth certificate',
    });
    expect(one).toMatchObject({ status: 'not_a_match', outcome: 'not-a-match', createdContactPointId: null });
    expect(await feedRow(rowId)).toEqual({ status: 'review', child_id: null });
    expect(await reviewStatus(secondReview)).toMatchObject({ status: 'open' });
    expect(await remembered(rowPairKey(ctx.ref.source, recordId, first.id))).toMatchObject({
      decision: 'not_a_match',
    });

    const two = await reviews.decide(user(dataManager), secondReview, {
      decision: 'not_a_match',
      reason: 'A different child',
    });
    expect(two.outcome).toBe('created');
    expect(two.createdContactPointId).toMatch(/^CP\d{10}$/);
    const row = await feedRow(rowId);
    expect(row.status).toBe('created');
    const created = await ctx.database.db
      .selectFrom('child')
      .select(['id', 'contactpoint_id', 'shielded'])
      .where('id', '=', row.child_id ?? '')
      .executeTakeFirstOrThrow();
    expect(created).toMatchObject({ contactpoint_id: two.createdContactPointId, shielded: false });
    expect(await remembered(rowPairKey(ctx.ref.source, recordId, second.id))).toMatchObject({
      decision: 'not_a_match',
      review_id: secondReview,
    });
  });

  it('hides a shielded pair, and every candidate of its row, from all but that LA’s team', async () => {
    const hidden = await ctx.newChild();
    await shield(hidden);
    const plain = await ctx.newChild();
    const { rowId, reviewIds } = await queueRow([{ child: hidden, shielded: true }, { child: plain }]);
    const [shieldedReview = 0, plainReview = 0] = reviewIds;
    const reviews = ctx.services.reviews;

    for (const outsider of [dataManager, otherShielder]) {
      const page = await reviews.list(user(outsider), { limit: 200 });
      expect(page.reviews.map((r) => r.id)).not.toContain(shieldedReview);
      expect(page.reviews.map((r) => r.id)).not.toContain(plainReview);
      for (const id of [shieldedReview, plainReview]) {
        expect(await refusal(reviews.show(user(outsider), id))).toEqual(
          await refusal(reviews.show(user(outsider), 999_999)),
        );
      }
      expect(
        await refusal(
          reviews.decide(user(outsider), shieldedReview, { decision: 'link', reason: 'looks the same' }),
        ),
      ).toMatchObject({ code: 'NOT_FOUND' });
    }
    for (const other of [practitioner, auditor]) {
      expect(await refusal(reviews.show(user(other), shieldedReview))).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await reviewStatus(shieldedReview)).toMatchObject({ status: 'open' });
    const denied = await auditEntries(ctx, { action: 'match.review-decision', childId: hidden.id });
    expect(denied.map((e) => [e.outcome, e.actor])).toEqual([
      ['denied', dataManager.user.id],
      ['denied', otherShielder.user.id],
    ]);

    // The LA's own team sees the shielded child's whereabouts in the comparison.
    for (const team of [shielder, management]) {
      const page = await reviews.list(user(team), { limit: 200 });
      expect(page.reviews.filter((r) => [shieldedReview, plainReview].includes(r.id))).toEqual([
        expect.objectContaining({ id: shieldedReview, shielded: true, responsibleLa: ctx.la.code }),
        expect.objectContaining({ id: plainReview, shielded: true }),
      ]);
      const view = await reviews.show(user(team), shieldedReview);
      expect(view.children[0]).toMatchObject({
        contactPointId: hidden.contactPointId,
        restricted: false,
        values: { address: '1 Test Street Flat 2', postcode: 'SW1A 1AA' },
      });
    }

    await reviews.decide(user(shielder), plainReview, { decision: 'not_a_match', reason: 'Not this one' });
    const last = await reviews.decide(user(shielder), shieldedReview, {
      decision: 'not_a_match',
      reason: 'Not the shielded child either',
    });
    expect(last.outcome).toBe('created');
    const row = await feedRow(rowId);
    const created = await ctx.database.db
      .selectFrom('child')
      .select(['shielded', 'responsible_la'])
      .where('id', '=', row.child_id ?? '')
      .executeTakeFirstOrThrow();
    // A row that may be a shielded child's becomes a shielded record until a shielder decides otherwise.
    expect(created).toEqual({ shielded: true, responsible_la: ctx.la.code });
  });

  it('follows a shield set after the pair was queued', async () => {
    const child = await ctx.newChild();
    const { reviewIds } = await queueRow([{ child }]);
    const [reviewId = 0] = reviewIds;
    await ctx.services.reviews.show(user(dataManager), reviewId);
    await shield(child);
    expect(await refusal(ctx.services.reviews.show(user(dataManager), reviewId))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const view = await ctx.services.reviews.show(user(shielder), reviewId);
    expect(view.shielded).toBe(true);
  });

  it('lets an operator decide a shielded pair only as the shielder of its LA, and records it', async () => {
    const child = await ctx.newChild();
    await shield(child);
    const { rowId, reviewIds } = await queueRow([{ child, shielded: true }]);
    const [reviewId = 0] = reviewIds;
    const reviews = ctx.services.reviews;
    const request = { decision: 'link', reason: 'Confirmed with the LA' } as const;

    expect(
      await refusal(reviews.decide({ kind: 'operator', name: 'Olive Operator' }, reviewId, request)),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await refusal(
        reviews.decide(
          { kind: 'operator', name: 'Olive Operator', asShielderOf: ctx.otherLa.code },
          reviewId,
          request,
        ),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const result = await reviews.decide(
      { kind: 'operator', name: 'Olive Operator', asShielderOf: ctx.la.code },
      reviewId,
      request,
    );
    expect(result.outcome).toBe('linked');
    expect(await feedRow(rowId)).toEqual({ status: 'linked', child_id: child.id });
    expect(await reviewStatus(reviewId)).toEqual({ status: 'linked', decided_by: 'operator:Olive Operator' });
    const audit = await auditEntries(ctx, { action: 'match.review-decision', childId: child.id });
    expect(audit.at(-1)).toMatchObject({
      outcome: 'success',
      actor: 'Olive Operator',
      details: expect.objectContaining({ actingAs: `shielder:${ctx.la.code}` }) as unknown,
    });
  });

  it('remembers two children as not a match, and merges them on a link', async () => {
    const a = await ctx.newChild();
    const b = await ctx.newChild({ identifiers: [] });
    const c = await ctx.newChild({ identifiers: [] });
    const db = ctx.database.db;
    const queue = (childId: string, otherChildId: string) =>
      db
        .insertInto('match_review')
        .values({
          kind: 'children',
          child_id: childId,
          other_child_id: otherChildId,
          weight: 5,
          probability: 0.8,
          explanation: JSON.stringify(EXPLANATION),
          reason: 'review-band',
          shielded: false,
          responsible_la: ctx.la.code,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const apart = await queue(a.id, c.id);
    const together = await queue(a.id, b.id);
    const reviews = ctx.services.reviews;

    const view = await reviews.show(user(dataManager), apart.id);
    expect(view.row).toBeNull();
    expect(view.children.map((side) => side.contactPointId)).toEqual([a.contactPointId, c.contactPointId]);

    await reviews.decide(user(dataManager), apart.id, { decision: 'not_a_match', reason: 'Twins' });
    expect(await remembered(childrenPairKey(c.id, a.id))).toMatchObject({ decision: 'not_a_match' });

    const merged = await reviews.decide(user(dataManager), together.id, {
      decision: 'link',
      reason: 'One child recorded twice',
    });
    expect(merged.outcome).toBe('merged');
    const b2 = await db
      .selectFrom('child')
      .select('merged_into')
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect(b2.merged_into).toBe(a.id);
    expect(await remembered(childrenPairKey(a.id, b.id))).toMatchObject({
      decision: 'link',
      review_id: together.id,
    });
  });

  it('refuses a decision without a reason, and audits the attempt', async () => {
    const child = await ctx.newChild();
    const { reviewIds } = await queueRow([{ child }]);
    const [reviewId = 0] = reviewIds;
    expect(
      await refusal(
        ctx.services.reviews.decide(user(dataManager), reviewId, { decision: 'link', reason: '  ' }),
      ),
    ).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await reviewStatus(reviewId)).toMatchObject({ status: 'open' });
    const audit = await auditEntries(ctx, { action: 'match.review-decision', actor: dataManager.user.id });
    expect(audit.at(-1)).toMatchObject({ outcome: 'failure', target: `match-review:${reviewId}` });
  });
});

describe('contactpoint review', () => {
  // The commands run as an operator would run them, against an embedded database of their own.
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let reviewId: number;
  let shieldedReviewId: number;

  async function withDatabase<T>(run: (database: DatabaseHandle) => Promise<T>): Promise<T> {
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      return await run(database);
    } finally {
      await database.close();
    }
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-review-cli-'));
    env = {
      CONTACTPOINT_DATA_DIR: dataDir,
      NODE_ENV: 'test',
      FIELD_ENCRYPTION_KEYS: `k1:${'6b'.repeat(32)}`,
      FIELD_ENCRYPTION_ACTIVE_KEY: 'k1',
      FIELD_HMAC_KEY: '7c'.repeat(32),
    };
    const ids = await withDatabase(async (database) => {
      await migrate(database.db);
      const ref = await seedReferenceData(database.db);
      const config = loadConfig(env, { databaseUrl: undefined, dataDir });
      const services = createServices({ config, database, logger: pino({ level: 'silent' }) });
      const ids: number[] = [];
      for (const [n, shielded] of [
        [1, false],
        [2, true],
      ] as const) {
        const child = await services.children.createChildRecord(fullChild(ref, n), { actor: 'test' });
        if (shielded) {
          await services.shields.set(OPERATOR, child.contactPointId, {
            reason: 'risk_to_child',
            reviewDate: londonDate(new Date(Date.now() + 90 * 86_400_000)),
          });
        }
        const row = await database.db
          .insertInto('feed_row')
          .values({
            batch_id: ref.batch.id,
            row_number: n,
            source_name: ref.source,
            source_record_id: `CLI-${n}`,
            fields: JSON.stringify({
              forename: 'Amelia',
              surname: 'Clifamily',
              dateOfBirth: '2015-03-14',
              gender: 'female',
              postcode: 'NG24 3FF',
            }),
            status: 'review',
            resolved_at: new Date(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const review = await database.db
          .insertInto('match_review')
          .values({
            kind: 'row',
            feed_row_id: row.id,
            child_id: child.id,
            weight: 4.5,
            probability: 0.7,
            explanation: JSON.stringify(EXPLANATION),
            reason: 'review-band',
            shielded,
            responsible_la: ref.la.code,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(review.id);
      }
      return ids;
    });
    reviewId = ids[0] ?? 0;
    shieldedReviewId = ids[1] ?? 0;
  }, 180_000);

  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists, shows and decides as the operator, a shielded pair only as its LA’s shielder', async () => {
    const operator = ['--operator', 'Olive Operator'];
    const list = await runCliInProcess(['review', 'list', ...operator], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^\\s*${reviewId}\\s`, 'm'));
    expect(list.stdout).not.toMatch(new RegExp(`^\\s*${shieldedReviewId}\\s`, 'm'));

    const show = await runCliInProcess(['review', 'show', String(reviewId), ...operator], env);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('surname');
    expect(show.stdout).toContain('postcode=SW1A 1AA');

    const neither = await runCliInProcess(
      ['review', 'decide', String(reviewId), '--reason', 'x', ...operator],
      env,
    );
    expect(neither.code).toBe(2);
    const decided = await runCliInProcess(
      ['review', 'decide', String(reviewId), '--link', '--reason', 'Same child', ...operator],
      env,
    );
    expect(decided.code, decided.stderr).toBe(0);
    expect(decided.stdout).toContain(`review ${reviewId}: linked`);

    const hidden = await runCliInProcess(['review', 'show', String(shieldedReviewId), ...operator], env);
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toContain('No review was found');
    const asShielder = await runCliInProcess(
      [
        'review',
        'decide',
        String(shieldedReviewId),
        '--not-a-match',
        '--reason',
        'A different child',
        '--as-shielder-of',
        '999',
        ...operator,
      ],
      env,
    );
    expect(asShielder.code, asShielder.stderr).toBe(0);
    expect(asShielder.stdout).toMatch(/created \(new record CP\d{10}\)/);

    const audit = await withDatabase((database) =>
      database.db
        .selectFrom('audit_entry')
        .select(['action', 'outcome', 'actor', 'details'])
        .where('action', '=', 'match.review-decision')
        .orderBy('at')
        .execute(),
    );
    expect(audit.map((e) => [e.outcome, e.actor, e.details.actingAs ?? null])).toEqual([
      ['success', 'Olive Operator', null],
      ['success', 'Olive Operator', 'shielder:999'],
    ]);
  }, 300_000);
});
