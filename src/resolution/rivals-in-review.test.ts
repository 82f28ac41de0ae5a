import { describe, expect, it } from 'vitest';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import { HOUSEHOLD_RULE } from './household.ts';
import { indexRecord, waitingRow } from './index-record.test-support.ts';
import type { RowOutcome } from './outcome.ts';
import { linksByScore } from './links-by-score.ts';
import { takesRivalsChild } from './rivals-in-review.ts';

const born = { surname: 'Mason-Carmore', dateOfBirth: '2016-03-14' };
const mohammedsChild = indexRecord('child-mohammed', { ...born, forename: 'Mohammed' });
const index = new Map([[mohammedsChild.childId, mohammedsChild]]);
const muhammad = waitingRow(1, { ...born, surname: 'MASON', forename: 'MUHAMMAD' });

function link(rowId: number, rule = 'probabilistic'): RowOutcome {
  return { kind: 'link', rowId, childId: mohammedsChild.childId, rule, weight: 20, probability: 0.999 };
}

function held(waiting: NormalisedFields, row = muhammad, outcome: RowOutcome = link(1)): boolean {
  const [question] = linksByScore([row], [outcome], index);
  return question !== undefined && takesRivalsChild(question, new Map([[mohammedsChild.childId, [waiting]]]));
}

describe('rivals waiting for review', () => {
  it("holds a row under the waiting row's forename and birthday linked by score to the child", () => {
    expect(held({ ...born, forename: 'Muhammad', upn: 'A123456789012' })).toBe(true);
    expect(held({ ...born, forename: 'Muhammad' }, muhammad, link(1, HOUSEHOLD_RULE))).toBe(true);
  });

  it('leaves a row named as its child, born another day than the waiting row, or of another name', () => {
    const mohammed = waitingRow(1, { ...born, forename: 'MOHAMMED' });
    expect(held({ ...born, forename: 'Mohammed' }, mohammed)).toBe(false);
    expect(held({ ...born, forename: 'Muhammad', dateOfBirth: '2016-03-15' })).toBe(false);
    expect(held({ ...born, forename: 'Mohamed' })).toBe(false);
  });

  it('leaves a row with an identifier of its own, and links not made by score', () => {
    const withNhs = waitingRow(1, { ...born, forename: 'MUHAMMAD', nhsNumber: '9434765919' });
    expect(held({ ...born, forename: 'Muhammad' }, withNhs)).toBe(false);
    expect(held({ ...born, forename: 'Muhammad' }, muhammad, link(1, 'nhs-number+dob'))).toBe(false);
    expect(linksByScore([muhammad], [{ kind: 'new', rowId: 1, group: 1, rule: 'new' }], index)).toEqual([]);
  });

  it('holds nothing when no row waits against the child', () => {
    const [question] = linksByScore([muhammad], [link(1)], index);
    expect(question !== undefined && takesRivalsChild(question, new Map())).toBe(false);
  });
});
