import type { IndexRecord } from './index-records.ts';
import type { RowOutcome, WaitingRow } from './outcome.ts';
import { indexEntry, prepareRow, scoreAgainst, type HeldLink, type Matcher } from './resolve-decide.ts';

/**
 * Rivals further down the batch. A row linked by score to a child who holds no value of the row's
 * own identifier (a school census row, with its UPN, matched to a child known so far only from NHS
 * demographics) is that child's record only if no later row of the same batch, under another valid
 * value of that identifier, fits the child at least as well: the child's own row may simply come
 * later in the file, and by then the first row has taken the child. Found at 1,000,000 children:
 * twins with near names (Layla and Laya) and namesakes in two towns, each school census row
 * linked to the other child's record while that child's own row waited further down. Such a row
 * goes to a person ('batch-rival') instead of taking the child first. Pure: the caller reads the
 * later rows.
 */

export const BATCH_RIVAL = 'batch-rival';

const SCHEMES = ['nhsNumber', 'upn'] as const;
type Scheme = (typeof SCHEMES)[number];

/** A row linked by score whose rivals must be looked at before the link stands. */
export interface RivalQuestion extends HeldLink {
  readonly weight: number;
  /** The identifiers the row carries and the child lacks. */
  readonly schemes: readonly Scheme[];
  /** Later rows of the batch sharing the row's date of birth and surname (rivalGroups). */
  readonly rivalIds: readonly number[];
}

/**
 * Links by score to a child lacking one of the row's identifiers, on rows whose date of birth and
 * surname other waiting rows of the batch share. `groups`: row id to the ids of its group.
 */
export function rivalQuestions(
  rows: readonly WaitingRow[],
  outcomes: readonly RowOutcome[],
  index: ReadonlyMap<string, IndexRecord>,
  groups: ReadonlyMap<number, readonly number[]>,
): RivalQuestion[] {
  const rowById = new Map(rows.map((row) => [row.id, row]));
  return outcomes.flatMap((outcome) => {
    if (outcome.kind !== 'link' || outcome.rule !== 'probabilistic' || outcome.weight === null) return [];
    const row = rowById.get(outcome.rowId);
    const child = index.get(outcome.childId);
    const group = groups.get(outcome.rowId);
    if (row === undefined || child === undefined || group === undefined) return [];
    const schemes = SCHEMES.filter(
      (scheme) => row.fields[scheme] !== undefined && (child.raw[scheme] ?? '') === '',
    );
    const rivalIds = group.filter((id) => !rowById.has(id));
    if (schemes.length === 0 || rivalIds.length === 0) return [];
    return [{ row, child, weight: outcome.weight, schemes, rivalIds }];
  });
}

/**
 * A rival: a row under another value of an identifier the row carries (so another child) that the
 * score puts with the child at least as firmly as the row, with no safety rule between them.
 */
export function outranked(
  question: RivalQuestion,
  rivals: ReadonlyMap<number, WaitingRow>,
  matcher: Matcher,
): boolean {
  const entry = indexEntry(question.child);
  return question.rivalIds.some((id) => {
    const rival = rivals.get(id);
    if (rival === undefined) return false;
    const another = question.schemes.some((scheme) => {
      const value = rival.fields[scheme];
      return value !== undefined && value !== question.row.fields[scheme];
    });
    if (!another) return false;
    const scored = scoreAgainst(matcher, prepareRow(rival.fields), entry);
    return (
      scored.decision.veto === null && scored.decision.decision !== 'new' && scored.weight >= question.weight
    );
  });
}
