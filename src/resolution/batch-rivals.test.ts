import { describe, expect, it } from 'vitest';
import { testNhsNumber, testUpn } from '../children/child.test-support.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import { BATCH_RIVAL, outranked, rivalQuestions } from './batch-rivals.ts';
import { indexRecord, waitingRow } from './index-record.test-support.ts';
import type { RowOutcome, WaitingRow } from './outcome.ts';
import {
  defaultModel,
  holdLinks,
  indexEntry,
  matcherFor,
  prepareRow,
  scoreAgainst,
} from './resolve-decide.ts';

const matcher = matcherFor(defaultModel(), 1_000_000);
const layla = {
  forename: 'Layla',
  surname: 'Okonkwo',
  dateOfBirth: '2016-03-14',
  gender: 'female',
  postcode: 'NG24 3FF',
};
// Known from NHS demographics only: no UPN yet.
const child = indexRecord('child-layla', {
  ...layla,
  address: '12 Mill Lane',
  town: 'Newark',
  nhsNumber: testNhsNumber(1),
});

const row = (id: number, fields: NormalisedFields): WaitingRow => waitingRow(id, fields, 'school_census');

const laya = row(1, { ...layla, forename: 'Laya', upn: testUpn(1) });

function linkTo(target: WaitingRow, rule = 'probabilistic'): Extract<RowOutcome, { kind: 'link' }> {
  const scored = scoreAgainst(matcher, prepareRow(target.fields), indexEntry(child));
  return {
    kind: 'link',
    rowId: target.id,
    childId: child.childId,
    rule,
    weight: scored.weight,
    probability: scored.probability,
  };
}

const index = new Map([[child.childId, child]]);

function questionsFor(target: WaitingRow, outcome: RowOutcome, group: readonly number[]) {
  return rivalQuestions([target], [outcome], index, new Map(group.map((id) => [id, group])));
}

function isOutrankedBy(rival: WaitingRow): boolean {
  const [question] = questionsFor(laya, linkTo(laya), [laya.id, rival.id]);
  if (question === undefined) throw new Error('expected a question');
  return outranked(question, new Map([[rival.id, rival]]), matcher);
}

describe('rivals further down the batch', () => {
  it('asks about a link by score to a child lacking the row identifier, when later rows share its group', () => {
    const questions = questionsFor(laya, linkTo(laya), [1, 7]);
    expect(questions.map((q) => [q.row.id, q.child.childId, q.schemes, q.rivalIds])).toEqual([
      [1, 'child-layla', ['upn'], [7]],
    ]);
  });

  it('does not ask about a link by identifier, a child holding the scheme, or a row alone in its group', () => {
    expect(questionsFor(laya, linkTo(laya, 'upn+dob'), [1, 7])).toEqual([]);
    expect(questionsFor(laya, linkTo(laya), [1])).toEqual([]);
    expect(questionsFor(laya, linkTo(laya), [])).toEqual([]);
    const withUpn = indexRecord(child.childId, { ...child.raw, upn: testUpn(9) });
    const held = rivalQuestions(
      [laya],
      [linkTo(laya)],
      new Map([[child.childId, withUpn]]),
      new Map([[1, [1, 7]]]),
    );
    expect(held).toEqual([]);
  });

  it('is outranked by a later row under another UPN that fits the child at least as well', () => {
    expect(isOutrankedBy(row(7, { ...layla, upn: testUpn(2) }))).toBe(true);
  });

  it('is not outranked by the same UPN, by no UPN, by a poorer fit or by a twin the safety rules part', () => {
    expect(isOutrankedBy(row(7, { ...layla, upn: testUpn(1) }))).toBe(false);
    expect(isOutrankedBy(row(7, { ...layla }))).toBe(false);
    const elsewhere = { ...layla, forename: 'Laila', postcode: 'LN6 7QT', upn: testUpn(2) };
    expect(isOutrankedBy(row(7, elsewhere))).toBe(false);
    expect(isOutrankedBy(row(7, { ...layla, forename: 'Zainab', upn: testUpn(2) }))).toBe(false);
  });

  it('turns only the held link into a review of the same pair', () => {
    const other = row(2, { ...layla, forename: 'Layla', surname: 'Mensah', upn: testUpn(3) });
    const outcomes = [linkTo(laya), linkTo(other)];
    const [question] = questionsFor(laya, linkTo(laya), [1, 7]);
    if (question === undefined) throw new Error('expected a question');
    const held = holdLinks(outcomes, [question], BATCH_RIVAL, matcher);
    expect(held[1]).toBe(outcomes[1]);
    expect(held[0]).toMatchObject({ kind: 'review', rowId: 1, reason: BATCH_RIVAL });
    const pairs = held[0]?.kind === 'review' ? held[0].pairs : [];
    expect(pairs.map((p) => [p.childId, p.weight])).toEqual([[child.childId, linkTo(laya).weight]]);
  });
});
