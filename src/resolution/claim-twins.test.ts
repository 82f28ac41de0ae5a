import { describe, expect, it } from 'vitest';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import { claimTwinQuestions, takesTwinsRecord } from './claim-twins.ts';
import { HOUSEHOLD_RULE } from './household.ts';
import { indexRecord, waitingRow } from './index-record.test-support.ts';
import type { RowOutcome } from './outcome.ts';

const born = { surname: 'Okonkwo', dateOfBirth: '2016-03-14', household: 'claim-1' };
const harrysRecord = indexRecord('child-harry', { ...born, forename: 'Harry' });
const index = new Map([[harrysRecord.childId, harrysRecord]]);
const henry = waitingRow(1, { ...born, forename: 'HENRY' });

function link(rowId: number, rule = 'probabilistic', childId = harrysRecord.childId): RowOutcome {
  return { kind: 'link', rowId, childId, rule, weight: 20, probability: 0.999 };
}

function held(twin: NormalisedFields, outcome: RowOutcome = link(1), row = henry): boolean {
  const groups = new Map([[row.id, [row.id, 2]]]);
  const [question] = claimTwinQuestions([row], [outcome], index, groups);
  return question !== undefined && takesTwinsRecord(question, new Map([[2, twin]]), null);
}

/** A row under `rowName` linked by score to a child called `childName`, the claim's other row named `twinName`. */
function heldBeside(rowName: string, childName: string, twinName: string): boolean {
  const record = indexRecord(`child-${childName}`, { ...born, forename: childName });
  const [question] = claimTwinQuestions(
    [waitingRow(1, { ...born, forename: rowName })],
    [link(1, 'probabilistic', record.childId)],
    new Map([[record.childId, record]]),
    new Map([[1, [1, 2]]]),
  );
  return (
    question !== undefined &&
    takesTwinsRecord(question, new Map([[2, { ...born, forename: twinName }]]), null)
  );
}

describe('twins on one claim', () => {
  it("holds a row linked to the record of its twin, named by the claim's other row born that day", () => {
    expect(held({ ...born, forename: 'HARRY' })).toBe(true);
    expect(held({ ...born, forename: 'Harry' }, link(1, HOUSEHOLD_RULE))).toBe(true);
    // A name cut short may be the twin's as well as the child's: Harr beside Harrison, twin of Harry.
    expect(heldBeside('HARR', 'Harrison', 'HARRISON')).toBe(true);
    // A longer name beginning with the child's is a name of its own too.
    const longer = waitingRow(1, { ...born, forename: 'Harry-James' });
    expect(held({ ...born, forename: 'Harry' }, link(1), longer)).toBe(true);
  });

  it('leaves a row named as its child, a twin of another name, and links by identifier alone', () => {
    expect(held({ ...born, forename: 'Harry' }, link(1), waitingRow(1, { ...born, forename: 'harry' }))).toBe(
      false,
    );
    expect(held({ ...born, forename: 'Zainab' })).toBe(false);
    // A mistyped forename is the same child entered twice on the claim.
    const mistyped = waitingRow(1, { ...born, forename: 'HARRT' });
    expect(held({ ...born, forename: 'Harry' }, link(1), mistyped)).toBe(false);
    // So is a nickname of the name, or another spelling of it, where neither is common.
    for (const forename of ['JESS', 'JESSIKAH'])
      expect(heldBeside(forename, 'Jessica', 'JESSICA')).toBe(false);
    expect(held({ ...born, forename: 'Harry' }, link(1, 'nhs-number+dob'))).toBe(false);
    expect(held({ ...born, forename: 'Harry' }, { kind: 'new', rowId: 1, group: 1, rule: 'new' })).toBe(
      false,
    );
  });

  it('asks nothing of a row alone on its claim that day', () => {
    expect(claimTwinQuestions([henry], [link(1)], index, new Map())).toEqual([]);
    expect(claimTwinQuestions([henry], [link(1)], index, new Map([[1, [1]]]))).toEqual([]);
  });
});
