import { HOUSEHOLD_RULE } from './household.ts';
import type { IndexRecord } from './index-records.ts';
import type { RowOutcome, WaitingRow } from './outcome.ts';
import type { HeldLink } from './resolve-decide.ts';

/** The rules that link by score: alone, or with the household's corroboration. */
const BY_SCORE: ReadonlySet<string> = new Set(['probabilistic', HOUSEHOLD_RULE]);

/**
 * The chunk's links made by score, each with its row and child: the links the batch's later
 * evidence (a twin on the claim, a rival waiting for review) may still hold for a person.
 */
export function linksByScore(
  rows: readonly WaitingRow[],
  outcomes: readonly RowOutcome[],
  index: ReadonlyMap<string, IndexRecord>,
): HeldLink[] {
  const rowById = new Map(rows.map((row) => [row.id, row]));
  return outcomes.flatMap((outcome) => {
    if (outcome.kind !== 'link' || !BY_SCORE.has(outcome.rule)) return [];
    const row = rowById.get(outcome.rowId);
    const child = index.get(outcome.childId);
    return row === undefined || child === undefined ? [] : [{ row, child }];
  });
}
