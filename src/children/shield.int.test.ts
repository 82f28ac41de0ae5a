import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEntries,
  createChildAccessTestContext,
  person,
  type ChildAccessTestContext,
  type Person,
} from '../access/policy/policy.test-support.ts';
import type { Actor } from '../access/access.model.ts';
import { OPERATOR } from '../access/test-support.ts';

let ctx: ChildAccessTestContext;
let shielder: Person;
let otherShielder: Person;
let manager: Person;
let practitioner: Person;

const as = (who: Person): Actor => ({ kind: 'user', principal: who.principal });
// The test clock's today is 2026-11-25.
const SHIELD = { reason: 'risk_to_child', reviewDate: '2027-02-01' } as const;

beforeAll(async () => {
  ctx = await createChildAccessTestContext();
  shielder = await person(ctx, ['shielder']);
  otherShielder = await person(ctx, ['shielder'], { la: 'otherLa' });
  manager = await person(ctx, ['la_management']);
  practitioner = await person(ctx, ['practitioner']);
});
afterAll(async () => {
  await ctx.close();
});

describe('shielding', () => {
  it('a shielder of the responsible LA shields and unshields, with a reason and review date, audited', async () => {
    const child = await ctx.newChild();
    const set = await ctx.services.shields.set(as(shielder), child.contactPointId, SHIELD);
    expect(set).toMatchObject({
      contactPointId: child.contactPointId,
      shield: { reason: 'risk_to_child', reviewDate: '2027-02-01' },
      postAdoption: false,
    });
    const cleared = await ctx.services.shields.clear(as(shielder), child.contactPointId);
    expect(cleared.shield).toBeNull();
    const entries = await auditEntries(ctx, { childId: child.id });
    expect(entries.map((e) => [e.action, e.outcome, e.actor])).toEqual([
      ['shield.set', 'success', shielder.user.id],
      ['shield.clear', 'success', shielder.user.id],
    ]);
    expect(entries[0]?.details).toMatchObject({
      shieldReason: 'risk_to_child',
      reviewDate: '2027-02-01',
      change: 'shielded',
    });
  });

  it('needs a review date in the future and within 12 months', async () => {
    const child = await ctx.newChild();
    for (const reviewDate of ['2026-11-25', '2026-01-01', '2027-11-26', '2027-02-30']) {
      await expect(
        ctx.services.shields.set(as(shielder), child.contactPointId, { reason: 'risk_to_child', reviewDate }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT', rule: 'shield.review-date' });
    }
    await expect(
      ctx.services.shields.set(as(shielder), child.contactPointId, {
        reason: 'risk_to_child',
        reviewDate: '2027-11-25',
      }),
    ).resolves.toMatchObject({ shield: { reviewDate: '2027-11-25' } });
  });

  it('is refused to practitioners, management, and shielders of another LA', async () => {
    const child = await ctx.newChild();
    for (const who of [practitioner, manager]) {
      await expect(ctx.services.shields.set(as(who), child.contactPointId, SHIELD)).rejects.toMatchObject({
        code: 'FORBIDDEN',
        rule: 'policy.shielders-only',
      });
    }
    await expect(
      ctx.services.shields.set(as(otherShielder), child.contactPointId, SHIELD),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      rule: 'policy.shield-own-la-only',
    });
    expect((await ctx.services.children.getChildRecord(child.id)).shield).toBeNull();
    const denied = await auditEntries(ctx, { action: 'shield.set', childId: child.id });
    expect(denied.map((e) => e.outcome)).toEqual(['denied']);
  });

  it('answers an unknown or archived record as not found', async () => {
    await expect(ctx.services.shields.set(as(shielder), 'CP1234567897', SHIELD)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const archived = await ctx.newChild();
    await ctx.services.children.archive(archived.id, { actor: 'test' });
    await expect(
      ctx.services.shields.set(as(shielder), archived.contactPointId, SHIELD),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('never unshields a post-adoption record', async () => {
    const child = await ctx.newChild({
      shield: { reason: 'adoption', reviewDate: '2027-01-10' },
      postAdoption: true,
    });
    await expect(ctx.services.shields.clear(as(shielder), child.contactPointId)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      rule: 'shield.post-adoption',
      message: 'A post-adoption record is always shielded',
    });
    await expect(ctx.services.shields.clear(OPERATOR, child.contactPointId)).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    // Its review date can still be moved on.
    await expect(
      ctx.services.shields.set(as(shielder), child.contactPointId, {
        reason: 'adoption',
        reviewDate: '2027-09-01',
      }),
    ).resolves.toMatchObject({
      shield: { reason: 'adoption', reviewDate: '2027-09-01' },
      postAdoption: true,
    });
  });
});

describe('shields due for review', () => {
  it('lists the LA’s shields due within the window, overdue first, for its shielders and management only', async () => {
    const soon = await ctx.newChild({ name: { forename: 'Soon', surname: 'Due' } });
    const later = await ctx.newChild({ name: { forename: 'Later', surname: 'Due' } });
    const overdue = await ctx.newChild({ name: { forename: 'Over', surname: 'Due' } });
    const elsewhere = await ctx.newChild({ responsibleLa: ctx.otherLa.code });
    await ctx.services.shields.set(OPERATOR, soon.contactPointId, {
      reason: 'risk_to_adult',
      reviewDate: '2026-12-10',
    });
    await ctx.services.shields.set(OPERATOR, later.contactPointId, {
      reason: 'risk_to_adult',
      reviewDate: '2027-06-10',
    });
    await ctx.services.shields.set(OPERATOR, overdue.contactPointId, {
      reason: 'crime_prevention',
      reviewDate: '2026-12-01',
    });
    await ctx.services.shields.set(OPERATOR, elsewhere.contactPointId, {
      reason: 'risk_to_adult',
      reviewDate: '2026-12-05',
    });
    await sql`update child set shield_review_date = '2026-11-01' where id = ${overdue.id}`.execute(
      ctx.database.db,
    );

    for (const who of [shielder, manager]) {
      const due = await ctx.services.shields.due(as(who));
      const ours = due.filter((d) => d.surname === 'Due');
      expect(ours.map((d) => [d.contactPointId, d.reviewDate, d.overdue])).toEqual([
        [overdue.contactPointId, '2026-11-01', true],
        [soon.contactPointId, '2026-12-10', false],
      ]);
      expect(due.map((d) => d.contactPointId)).not.toContain(elsewhere.contactPointId);
    }
    expect(
      (await ctx.services.shields.due(as(shielder), { withinDays: 366 })).map((d) => d.contactPointId),
    ).toContain(later.contactPointId);
    await expect(ctx.services.shields.due(as(otherShielder), { la: ctx.la.code })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(ctx.services.shields.due(as(practitioner))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const listed = await auditEntries(ctx, { actor: shielder.user.id, action: 'child.search' });
    expect(listed.at(-1)).toMatchObject({
      outcome: 'success',
      target: 'la:202',
      details: { list: 'shields-due' },
    });
  });
});
