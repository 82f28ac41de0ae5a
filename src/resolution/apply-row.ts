import { ChildRecordError } from '../children/child.errors.ts';
import type { Executor } from '../children/executor.ts';
import { isUuid } from '../children/executor.ts';
import type { FeedRowStatus } from '../ingest/ingest.table.ts';
import {
  applyResolved,
  findFeedRow,
  findReviewScore,
  findShieldLike,
  type ApplyContext,
} from './apply.repository.ts';
import type { WaitingRow } from './outcome.ts';

/**
 * A person's decision on one feed row, applied through the same code as a chunk. Each takes the
 * caller's transaction, which must be the field-encrypting one (services' childDb) so a shielded
 * child's new location rows are sealed before it commits. Marking the row's reviews decided and
 * auditing are the review service's.
 */

/** The rule recorded on a row a person resolved. */
export const REVIEWED_RULE = 'clerical-review';

// A row waits in review, or a person may resolve one before resolution reached it.
const DECIDABLE: readonly FeedRowStatus[] = ['review', 'accepted'];

async function decidableRow(trx: Executor, rowId: number): Promise<WaitingRow> {
  const found = await findFeedRow(trx, rowId);
  if (found === undefined) throw new ChildRecordError('NOT_FOUND', 'No feed row has that id', 'feed-row');
  if (!DECIDABLE.includes(found.status)) {
    throw new ChildRecordError(
      'INVALID_STATE',
      `The feed row is already ${found.status}`,
      'feed-row.resolved',
    );
  }
  return found.row;
}

/**
 * A reviewer said the row is this child: its values join the record under survivorship. Allowed
 * for a shielded child (the shielder decided); never a post-adoption row to a record that is not.
 */
export async function linkRowToChild(
  trx: Executor,
  rowId: number,
  childId: string,
  context: ApplyContext,
): Promise<{ readonly childId: string }> {
  if (!isUuid(childId)) throw new ChildRecordError('NOT_FOUND', 'No child record was found', 'child');
  const row = await decidableRow(trx, rowId);
  const score = await findReviewScore(trx, rowId, childId);
  await applyResolved(
    trx,
    [row],
    [
      {
        kind: 'link',
        rowId,
        childId,
        rule: REVIEWED_RULE,
        weight: score?.weight ?? null,
        probability: score?.probability ?? null,
      },
    ],
    context,
    { allowShielded: true, fromStatuses: DECIDABLE },
  );
  return { childId };
}

/**
 * A reviewer said the row is no child on record: it becomes a new child, whose id is returned. `shieldLike` names the
 * shielded candidate it was compared with; while that child is shielded the new record is shielded
 * the same way (its LA, its reason, a review date) until a shielder decides otherwise, so a
 * reviewer's "not a match" can never publish the whereabouts of a child who may be that one.
 */
export async function createChildFromRow(
  trx: Executor,
  rowId: number,
  context: ApplyContext & { readonly shieldLike?: string },
): Promise<string> {
  const row = await decidableRow(trx, rowId);
  const shieldLike =
    context.shieldLike !== undefined && isUuid(context.shieldLike)
      ? await findShieldLike(trx, context.shieldLike)
      : undefined;
  const applied = await applyResolved(
    trx,
    [row],
    [{ kind: 'new', rowId, group: 0, rule: REVIEWED_RULE }],
    context,
    { allowShielded: true, fromStatuses: DECIDABLE, ...(shieldLike ? { shieldLike } : {}) },
  );
  const result = applied.get(rowId);
  if (result?.status !== 'created' || result.childId === null) {
    throw new ChildRecordError(
      'INVALID_STATE',
      result?.rule === 'review:post-adoption-needs-la'
        ? 'A post-adoption record needs a responsible local authority before it can be created'
        : 'The feed row does not hold enough to create a record',
      result?.rule ?? 'resolution.not-created',
    );
  }
  return result.childId;
}
