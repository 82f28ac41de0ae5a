import { nameKey } from '../children/search-keys.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import type { RawPerson } from '../matching/record.ts';
import { lineKey } from './apply-values.ts';
import type { IndexRecord } from './index-records.ts';
import type { RowOutcome, WaitingRow } from './outcome.ts';

/**
 * Household corroboration. A benefit claim names a household's children together, at the address
 * the claimant gave, which after a move is often the old one. Such a row agrees with its child on
 * name and birthday but not on the home, and at national scale that waits for a person: another
 * child of the same name and birthday lives somewhere about once in a hundred such pairs. The
 * claim's other rows settle it. If a brother or sister on the same claim is, by forename and
 * birthday, a child who lives with the candidate, the candidate is this child's own record: a
 * namesake elsewhere does not also live with a child matching the claim's other child.
 *
 * Only what the score left to a person for want of evidence is settled here (the review band, and
 * a surname that differs with the home elsewhere, as after a change of surname). Twins, middle
 * names, vetoes, shielded children and identifiers in use still go to a person. Pure: the caller
 * reads the claim's other rows and the candidates' households.
 */

/** Review reasons that are only a lack of evidence, which the household can supply. */
const SETTLED_BY_HOUSEHOLD: ReadonlySet<string> = new Set(['review-band', 'other-surname']);

export const HOUSEHOLD_RULE = 'probabilistic+household';

/** A row waiting in review that its household could settle, with the candidates it waits on. */
export interface HouseholdQuestion {
  readonly row: WaitingRow;
  readonly household: string;
  readonly candidateIds: readonly string[];
}

/** The rows whose review the household may settle: a lack of evidence, on a row naming a household. */
export function householdQuestions(
  rows: readonly WaitingRow[],
  outcomes: readonly RowOutcome[],
): HouseholdQuestion[] {
  const rowById = new Map(rows.map((row) => [row.id, row]));
  return outcomes.flatMap((outcome) => {
    if (outcome.kind !== 'review' || !SETTLED_BY_HOUSEHOLD.has(outcome.reason)) return [];
    const row = rowById.get(outcome.rowId);
    if (row === undefined) return [];
    const { household, postAdoption, nhsNumber, upn } = row.fields;
    // A row with an NHS number or UPN is settled by it, or by a person: never beside a holder of it.
    if (household === undefined || postAdoption === true || nhsNumber !== undefined || upn !== undefined) {
      return [];
    }
    return [{ row, household, candidateIds: outcome.pairs.map((pair) => pair.childId) }];
  });
}

function samePerson(
  a: { readonly forename?: string | undefined; readonly dateOfBirth?: string | undefined },
  b: RawPerson,
): boolean {
  const forename = nameKey(a.forename ?? '');
  return (
    forename !== '' &&
    forename === nameKey(b.forename ?? '') &&
    a.dateOfBirth !== undefined &&
    a.dateOfBirth !== '' &&
    a.dateOfBirth === b.dateOfBirth
  );
}

function homeKey(person: RawPerson): string | null {
  const street = lineKey(person.address ?? '');
  const postcode = (person.postcode ?? '').replace(/\s+/g, '').toUpperCase();
  return street === '' || postcode === '' ? null : `${postcode}|${street}`;
}

/** A row of a household in the batch, whatever became of it. */
export interface HouseholdRow {
  readonly id: number;
  readonly fields: NormalisedFields;
}

export interface HouseholdEvidence {
  /** Other rows of each household, in the same batch. */
  readonly householdRows: ReadonlyMap<string, readonly HouseholdRow[]>;
  /** The candidates, and the children living at the candidates' addresses. */
  readonly index: ReadonlyMap<string, IndexRecord>;
  /** Child ids by postcode (as stored), of children with a current address there. */
  readonly byPostcode: ReadonlyMap<string, readonly string[]>;
}

/**
 * The one candidate the household corroborates: same forename and birthday as the row, and
 * living with a child who has the forename and birthday of another row of the same household.
 * Null when none does, or more than one.
 */
export function corroboratedCandidate(
  question: HouseholdQuestion,
  evidence: HouseholdEvidence,
): string | null {
  const { row } = question;
  const others = (evidence.householdRows.get(question.household) ?? []).filter(
    (other) => other.id !== row.id,
  );
  if (others.length === 0) return null;
  const corroborated = question.candidateIds.filter((candidateId) => {
    const candidate = evidence.index.get(candidateId)?.raw;
    if (candidate === undefined || !samePerson(row.fields, candidate)) return false;
    const home = homeKey(candidate);
    if (home === null || candidate.postcode === undefined) return false;
    const housemates = (evidence.byPostcode.get(candidate.postcode) ?? []).flatMap((id) => {
      const housemate = evidence.index.get(id)?.raw;
      return id !== candidateId && housemate !== undefined && homeKey(housemate) === home ? [housemate] : [];
    });
    return others.some((other) => housemates.some((housemate) => samePerson(other.fields, housemate)));
  });
  return corroborated.length === 1 ? (corroborated[0] ?? null) : null;
}

/** The outcomes with each corroborated review turned into a link to its candidate. */
export function settleByHousehold(
  outcomes: readonly RowOutcome[],
  settled: ReadonlyMap<number, string>,
): RowOutcome[] {
  return outcomes.map((outcome) => {
    const childId = settled.get(outcome.rowId);
    if (outcome.kind !== 'review' || childId === undefined) return outcome;
    const pair = outcome.pairs.find((p) => p.childId === childId);
    return {
      kind: 'link',
      rowId: outcome.rowId,
      childId,
      rule: HOUSEHOLD_RULE,
      weight: pair?.weight ?? null,
      probability: pair?.probability ?? null,
    };
  });
}
