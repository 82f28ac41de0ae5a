import { describe, expect, it } from 'vitest';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import {
  corroboratedCandidate,
  householdQuestions,
  settleByHousehold,
  HOUSEHOLD_RULE,
  type HouseholdEvidence,
} from './household.ts';
import type { IndexRecord } from './index-records.ts';
import { indexRecord, waitingRow } from './index-record.test-support.ts';
import type { RowOutcome, ScoredCandidate, WaitingRow } from './outcome.ts';

const HOME = { address: '12 Mill Lane', town: 'Newark', postcode: 'NG24 3FF' };
const OLD_HOME = { address: '51 Station Road', town: 'Lincoln', postcode: 'LN6 7QT' };
const CLAIM = 'QQ123456C';

const amara = { forename: 'Amara', surname: 'Okonkwo', dateOfBirth: '2016-03-14' };
const kwame = { forename: 'Kwame', surname: 'Okonkwo', dateOfBirth: '2018-09-30' };

const row = (id: number, fields: NormalisedFields): WaitingRow => waitingRow(id, fields);

function pair(childId: string): ScoredCandidate {
  return {
    childId,
    weight: 4,
    probability: 0.94,
    shielded: false,
    responsibleLa: null,
    explanation: {
      priorWeight: -16,
      steps: [],
      weight: 4,
      probability: 0.94,
      decision: 'review',
      veto: null,
      deterministic: null,
      hold: null,
    },
  };
}

function review(rowId: number, reason: string, childIds: readonly string[]): RowOutcome {
  return { kind: 'review', rowId, reason, pairs: childIds.map(pair) };
}

function evidence(
  children: readonly IndexRecord[],
  householdRows: readonly { id: number; fields: NormalisedFields }[],
): HouseholdEvidence {
  const byPostcode = new Map<string, string[]>();
  for (const child of children) {
    const postcode = child.raw.postcode;
    if (postcode !== undefined)
      byPostcode.set(postcode, [...(byPostcode.get(postcode) ?? []), child.childId]);
  }
  return {
    householdRows: new Map([[CLAIM, householdRows]]),
    index: new Map(children.map((c) => [c.childId, c])),
    byPostcode,
  };
}

describe('household corroboration', () => {
  const amaraRow = row(1, { ...amara, ...OLD_HOME, household: CLAIM });
  const kwameRow = row(2, { ...kwame, ...OLD_HOME, household: CLAIM });
  const amaraClaimed = { id: 1, fields: amaraRow.fields };
  const kwameClaimed = { id: 2, fields: kwameRow.fields };
  const claim = [amaraClaimed, kwameClaimed];
  const question = (candidates: readonly string[]) => {
    const [asked] = householdQuestions([amaraRow], [review(1, 'review-band', candidates)]);
    if (asked === undefined) throw new Error('expected a question');
    return asked;
  };

  it('settles a row whose candidate lives with a child who is another row of the claim', () => {
    const children = [indexRecord('a', { ...amara, ...HOME }), indexRecord('k', { ...kwame, ...HOME })];
    expect(corroboratedCandidate(question(['a']), evidence(children, claim))).toBe('a');
    const settled = settleByHousehold([review(1, 'review-band', ['a'])], new Map([[1, 'a']]));
    expect(settled).toEqual([
      { kind: 'link', rowId: 1, childId: 'a', rule: HOUSEHOLD_RULE, weight: 4, probability: 0.94 },
    ]);
  });

  it('leaves the row to a person when nothing of the household says so', () => {
    const apart = [
      indexRecord('a', { ...amara, ...HOME }),
      indexRecord('k', { ...kwame, address: '3 Other Road', postcode: 'NG24 3FF' }),
    ];
    // The brother lives elsewhere (same postcode, another house): no shared home.
    expect(corroboratedCandidate(question(['a']), evidence(apart, claim))).toBeNull();
    // The claim names no other child.
    const together = [indexRecord('a', { ...amara, ...HOME }), indexRecord('k', { ...kwame, ...HOME })];
    expect(corroboratedCandidate(question(['a']), evidence(together, [amaraClaimed]))).toBeNull();
    // The housemate is another child (another birthday), not the claim's.
    const sister = [
      indexRecord('a', { ...amara, ...HOME }),
      indexRecord('k', { ...kwame, dateOfBirth: '2019-09-30', ...HOME }),
    ];
    expect(corroboratedCandidate(question(['a']), evidence(sister, claim))).toBeNull();
  });

  it('needs the candidate to have the row’s own forename and birthday: a twin’s record is not settled', () => {
    // Henry's row, with only his twin Harry in the index, and their sister on the claim.
    const harry = indexRecord('h', { ...amara, forename: 'Harry', ...HOME });
    const sister = indexRecord('k', { ...kwame, ...HOME });
    const henryRow = row(1, { ...amara, forename: 'Henry', ...OLD_HOME, household: CLAIM });
    const [asked] = householdQuestions([henryRow], [review(1, 'review-band', ['h'])]);
    if (asked === undefined) throw new Error('expected a question');
    expect(
      corroboratedCandidate(
        asked,
        evidence([harry, sister], [{ id: 1, fields: henryRow.fields }, kwameClaimed]),
      ),
    ).toBeNull();
  });

  it('settles nothing when two candidates are corroborated', () => {
    const children = [
      indexRecord('a', { ...amara, ...HOME }),
      indexRecord('k', { ...kwame, ...HOME }),
      indexRecord('a2', { ...amara, ...OLD_HOME }),
      indexRecord('k2', { ...kwame, ...OLD_HOME }),
    ];
    expect(corroboratedCandidate(question(['a', 'a2']), evidence(children, claim))).toBeNull();
  });

  it('asks only about rows waiting for want of evidence, without an identifier, naming a household', () => {
    const rows = [
      amaraRow,
      row(3, { ...amara, household: CLAIM, nhsNumber: '9434765919' }),
      row(4, { ...amara }),
      row(5, { ...amara, household: CLAIM }),
      row(6, { ...amara, household: CLAIM }),
      row(7, { ...amara, household: CLAIM, postAdoption: true }),
    ];
    const asked = householdQuestions(rows, [
      review(1, 'other-surname', ['a']),
      review(3, 'review-band', ['a']),
      review(4, 'review-band', ['a']),
      review(5, 'other-forename', ['a']),
      review(6, 'veto:twins', ['a']),
      review(7, 'review-band', ['a']),
    ]);
    expect(asked.map((q) => q.row.id)).toEqual([1]);
  });
});
