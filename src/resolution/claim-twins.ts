import { nameKey } from '../children/search-keys.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import { establishedName } from '../matching/common-forenames.ts';
import { writtenForOneName } from '../matching/decide.ts';
import type { TermFrequencies } from '../matching/model.ts';
import { normaliseName } from '../matching/normalise.ts';
import type { IndexRecord } from './index-records.ts';
import type { RowOutcome, WaitingRow } from './outcome.ts';
import type { HeldLink } from './resolve-decide.ts';
import { linksByScore } from './links-by-score.ts';

/**
 * Twins on one claim. A claim names each of its children once, so two of its rows born on the same
 * day are twins (or more). A row linked by score to a child whose forename is not the row's own but
 * is the forename of the claim's other row born that day is most likely that other twin's record:
 * Henry's row taking Harry's record, or Toby's taking Tobias's, because the twin the row is about
 * is not in the index yet and the names are too alike for the twins rule to part them. Found at
 * 1,000,000 children: six of the false merges were such benefit rows, with no identifier on either
 * side to say otherwise. The row goes to a person ('twin-on-claim'). The claim's other rows are
 * read whatever became of them, so the order of the twins in the file does not matter. Pure: the
 * caller reads the claim's rows.
 */

export const TWIN_ON_CLAIM = 'twin-on-claim';

/** A link by score on a row that shares its claim and birthday with other rows. */
export interface ClaimTwinQuestion extends HeldLink {
  /** The other rows of the claim born the same day. */
  readonly twinIds: readonly number[];
}

/** `groups`: row id to the ids of the rows sharing its claim and date of birth (claimTwinGroups). */
export function claimTwinQuestions(
  rows: readonly WaitingRow[],
  outcomes: readonly RowOutcome[],
  index: ReadonlyMap<string, IndexRecord>,
  groups: ReadonlyMap<number, readonly number[]>,
): ClaimTwinQuestion[] {
  return linksByScore(rows, outcomes, index).flatMap(({ row, child }) => {
    const twinIds = groups.get(row.id)?.filter((id) => id !== row.id) ?? [];
    return twinIds.length === 0 ? [] : [{ row, child, twinIds }];
  });
}

/**
 * The child goes by another forename than the row's, a twin on the claim goes by the child's, and
 * the row's is a name in its own right, or the child's with more to it (Theodore-George beside
 * Theodore), or not the child's as someone may write it. A mistyped forename (Jpoel beside Joel)
 * or a nickname (Ben beside Benjamin) is the same child entered twice on the claim, not a twin; a
 * name cut short (Harr beside Harrison) may be the twin's (Harry) as well as the child's, and a
 * person decides.
 */
export function takesTwinsRecord(
  question: ClaimTwinQuestion,
  twins: ReadonlyMap<number, NormalisedFields>,
  frequencies: TermFrequencies | null,
): boolean {
  const childName = nameKey(question.child.raw.forename ?? '');
  if (childName === '' || childName === nameKey(question.row.fields.forename ?? '')) return false;
  if (!question.twinIds.some((id) => nameKey(twins.get(id)?.forename ?? '') === childName)) return false;
  const rowFirst = normaliseName(question.row.fields.forename ?? '').parts[0] ?? '';
  const childFirst = normaliseName(question.child.raw.forename ?? '').parts[0] ?? '';
  return (
    rowFirst === childFirst ||
    establishedName(rowFirst, childFirst, frequencies) ||
    !writtenForOneName(rowFirst, childFirst)
  );
}
