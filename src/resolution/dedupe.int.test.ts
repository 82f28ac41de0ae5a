import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import type { Actor } from '../access/access.model.ts';
import type { DedupeRequest } from './dedupe.ts';
import { auditOf, indexFixture, type IndexFixture } from './dedupe.test-support.ts';
import { childrenPairKey } from './pair-key.ts';

let database: TestDatabase;
let fx: IndexFixture;
const operator: Actor = { kind: 'operator', name: 'Dana Datamanager' };
const run = (apply: boolean): DedupeRequest => ({ actor: operator, reason: 'data-quality', apply });

interface Child {
  id: string;
  contactPointId: string;
}
let original: Child;
let typo: Child;
let twinA: Child;
let twinB: Child;
let shielded: Child;
let shieldedCopy: Child;
let decidedA: Child;
let decidedB: Child;

beforeAll(async () => {
  database = await openTestDatabase();
  fx = await indexFixture(database, 100);
  // The same child entered twice: a typo in the forename, and no NHS number the second time.
  original = await fx.child({
    forename: 'Oliver',
    surname: 'Smithson',
    line1: '4 Larkspur Way',
    postcode: 'LS6 2QT',
  });
  typo = await fx.child({
    forename: 'Olvier',
    surname: 'Smithson',
    line1: '4 Larkspur Way',
    postcode: 'LS6 2QT',
    nhsNumber: null,
  });
  // Twins: one surname, date of birth and home, two forenames.
  twinA = await fx.child({
    forename: 'Beatrix',
    surname: 'Hollowell',
    nhsNumber: null,
    dateOfBirth: '2018-09-09',
  });
  twinB = await fx.child({
    forename: 'Clementine',
    surname: 'Hollowell',
    nhsNumber: null,
    dateOfBirth: '2018-09-09',
  });
  // A shielded child entered again without the shield.
  shielded = await fx.child({
    forename: 'Ezekiel',
    surname: 'Fairweather',
    line1: '9 Tamarisk Close',
    postcode: 'LS16 5RN',
    dateOfBirth: '2014-01-30',
    shielded: true,
  });
  shieldedCopy = await fx.child({
    forename: 'Ezekiel',
    surname: 'Fairwether',
    line1: '9 Tamarisk Close',
    postcode: 'LS16 5RN',
    dateOfBirth: '2014-01-30',
    nhsNumber: null,
  });
  // Two records a data manager has already said are different children.
  decidedA = await fx.child({
    forename: 'Wilhelmina',
    surname: 'Ashcombe',
    line1: '2 Sorrel Lane',
    postcode: 'LS8 1NP',
  });
  decidedB = await fx.child({
    forename: 'Wilhelmina',
    surname: 'Ashcombe',
    line1: '2 Sorrel Lane',
    postcode: 'LS8 1NP',
    nhsNumber: null,
  });
  await database.db
    .insertInto('match_decision')
    .values({
      pair_key: childrenPairKey(decidedA.id, decidedB.id),
      decision: 'not_a_match',
      decided_by: 'Dana Datamanager',
    })
    .execute();
}, 240_000);
afterAll(async () => {
  await database.dispose();
});

const mergedInto = async (child: Child) =>
  (
    await database.db
      .selectFrom('child')
      .select('merged_into')
      .where('id', '=', child.id)
      .executeTakeFirstOrThrow()
  ).merged_into;

describe('contactpoint dedupe', () => {
  it('reports by default, changes nothing, and audits the read', async () => {
    const report = await fx.services.dedupe(run(false));
    expect(report.applied).toBe(false);
    expect(report.children).toBe(108);
    const merges = report.actions.filter((a) => a.kind === 'merge');
    expect(merges).toHaveLength(1);
    expect(merges[0]).toMatchObject({ survivor: original.contactPointId, merged: typo.contactPointId });
    expect(report.vetoed.twins).toBeGreaterThanOrEqual(1);
    expect(await mergedInto(typo)).toBeNull();
    expect(await database.db.selectFrom('match_review').selectAll().execute()).toEqual([]);
    const [entry] = await auditOf(database.db, 'match.dedupe');
    expect(entry).toMatchObject({
      outcome: 'success',
      actor_type: 'operator',
      actor: 'Dana Datamanager',
      reason: 'data-quality',
    });
    expect(entry?.details).toMatchObject({ applied: false, children: 108, merges: { planned: 1, done: 0 } });
  }, 120_000);

  it('with --apply merges the duplicate, never the twins, sends the shielded pair to review, respects a decision', async () => {
    const report = await fx.services.dedupe(run(true));
    expect(report.merges).toEqual({ planned: 1, done: 1, failed: 0 });
    expect(await mergedInto(typo)).toBe(original.id);
    expect(await mergedInto(twinA)).toBeNull();
    expect(await mergedInto(twinB)).toBeNull();
    expect(await mergedInto(decidedB)).toBeNull();
    expect(await mergedInto(shieldedCopy)).toBeNull();
    expect(report.remembered).toBeGreaterThanOrEqual(1);

    const reviews = await database.db
      .selectFrom('match_review')
      .selectAll()
      .where('kind', '=', 'children')
      .execute();
    const shieldedReview = reviews.find((r) => new Set([r.child_id, r.other_child_id]).has(shielded.id));
    expect(shieldedReview).toMatchObject({
      reason: 'shielded-candidate',
      shielded: true,
      responsible_la: fx.ref.la.code,
      status: 'open',
    });
    expect(new Set([shieldedReview?.child_id, shieldedReview?.other_child_id])).toEqual(
      new Set([shielded.id, shieldedCopy.id]),
    );
    // Levels and weights only: nothing that could locate the shielded child is copied into the queue.
    const explanation = shieldedReview?.explanation as { steps: Record<string, unknown>[] };
    expect(explanation.steps.length).toBeGreaterThan(0);
    for (const step of explanation.steps) {
      expect(step).toHaveProperty('level');
      expect(step).toHaveProperty('weight');
      expect(step).not.toHaveProperty('values');
    }
    expect(JSON.stringify(reviews)).not.toMatch(/tamarisk|LS16/i);
    const involved = (a: Child, b: Child) =>
      reviews.some(
        (r) =>
          new Set([r.child_id, r.other_child_id]).size === 2 &&
          [a.id, b.id].every((id) => [r.child_id, r.other_child_id].includes(id)),
      );
    expect(involved(twinA, twinB)).toBe(false);
    expect(involved(decidedA, decidedB)).toBe(false);

    const mergeAudit = await auditOf(database.db, 'child.merge');
    expect(
      mergeAudit
        .filter((e) => e.outcome === 'success')
        .map((e) => e.child_id)
        .sort(),
    ).toEqual([original.id, typo.id].sort());
    const runs = await auditOf(database.db, 'match.dedupe');
    expect(runs.at(-1)?.details).toMatchObject({ applied: true, merges: { done: 1 } });
  }, 120_000);

  it('a second run asks nothing new', async () => {
    const before = await database.db.selectFrom('match_review').select('id').execute();
    const report = await fx.services.dedupe(run(true));
    expect(report.children).toBe(107);
    expect(report.merges.planned).toBe(0);
    expect(report.reviews.queued).toBe(0);
    expect(report.reviews.alreadyOpen).toBeGreaterThanOrEqual(1);
    expect(await database.db.selectFrom('match_review').select('id').execute()).toHaveLength(before.length);
  }, 120_000);

  it('needs a named operator and a reason before it reads anything', async () => {
    const noOperator = await runCliInProcess(['dedupe', '--reason', 'data-quality']);
    expect(noOperator.code).not.toBe(0);
    expect(noOperator.stderr).toContain('--operator');
    const noReason = await runCliInProcess(['dedupe', '--operator', 'Dana Datamanager']);
    expect(noReason.code).not.toBe(0);
    expect(noReason.stderr).toContain('--reason');
  }, 60_000);
});
