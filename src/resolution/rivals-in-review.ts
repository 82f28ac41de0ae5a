import { nameKey } from '../children/search-keys.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import type { HeldLink } from './resolve-decide.ts';
import { BATCH_RIVAL } from './batch-rivals.ts';
import { TWIN_ON_CLAIM } from './claim-twins.ts';

/**
 * Rivals waiting for review. A row held for a person because it is probably another child than
 * the one it scored against (its valid identifier disagrees with the child's, or a twin on the
 * claim or a later row had the better claim) is still evidence once it waits: a second row of that
 * other child, under the held row's forename and birthday and with no identifier of its own, must
 * not take the child the held row was kept from. Found at 1,000,000 children: twins Mohammed and
 * Muhammad, whose forenames are one name; Muhammad's school row waited for review (two UPNs), his
 * NHS row was missing, and his benefit row linked by score to Mohammed's child. Such a row goes to
 * a person ('rival-in-review'). Pure: the caller reads the held rows.
 */

export const RIVAL_IN_REVIEW = 'rival-in-review';

/** Why a row waits that makes it another child's row rather than a doubtful copy of the child's. */
export const ANOTHER_CHILD_REASONS: readonly string[] = [
  'veto:strong-identifier-conflict',
  BATCH_RIVAL,
  TWIN_ON_CLAIM,
];

/**
 * The row is the held row's child, not the linked one: born the same day as the held row, under
 * the held row's forename, which is not the child's, and with no identifier to say otherwise.
 * `waiting`: for each child, the fields of the rows held against it for another child.
 */
export function takesRivalsChild(
  link: HeldLink,
  waiting: ReadonlyMap<string, readonly NormalisedFields[]>,
): boolean {
  const { fields } = link.row;
  if (fields.nhsNumber !== undefined || fields.upn !== undefined) return false;
  const forename = nameKey(fields.forename ?? '');
  if (forename === '' || forename === nameKey(link.child.raw.forename ?? '')) return false;
  return (waiting.get(link.child.childId) ?? []).some(
    (held) => held.dateOfBirth === fields.dateOfBirth && nameKey(held.forename ?? '') === forename,
  );
}
