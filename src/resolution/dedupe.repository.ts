import type { Executor } from '../children/executor.ts';
import { childrenPairKey } from './pair-key.ts';
import type { StoredExplanation } from './outcome.ts';
import type { PairDecision } from './resolution.table.ts';

/** When each child's record was created: the oldest of a duplicate group keeps its ContactPoint ID. */
export async function childrenCreatedAt(
  db: Executor,
  childIds: readonly string[],
): Promise<Map<string, Date>> {
  if (childIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('child')
    .select(['id', 'created_at'])
    .where('id', 'in', [...new Set(childIds)])
    .execute();
  return new Map(rows.map((row) => [row.id, row.created_at]));
}

/** Every remembered decision about two children, by childrenPairKey. */
export async function rememberedChildrenDecisions(db: Executor): Promise<Map<string, PairDecision>> {
  const rows = await db
    .selectFrom('match_decision')
    .select(['pair_key', 'decision'])
    .where('pair_key', 'like', 'children:%')
    .execute();
  return new Map(rows.map((row) => [row.pair_key, row.decision]));
}

/** The pairs of children already waiting for a person, by childrenPairKey (either way round). */
export async function openChildrenReviewKeys(db: Executor): Promise<Set<string>> {
  const rows = await db
    .selectFrom('match_review')
    .select(['child_id', 'other_child_id'])
    .where('kind', '=', 'children')
    .where('status', '=', 'open')
    .execute();
  const keys = new Set<string>();
  for (const row of rows)
    if (row.other_child_id !== null) keys.add(childrenPairKey(row.child_id, row.other_child_id));
  return keys;
}

export interface NewChildrenReview {
  readonly childId: string;
  readonly otherChildId: string;
  readonly weight: number;
  readonly probability: number;
  readonly explanation: StoredExplanation;
  readonly reason: string;
  readonly shielded: boolean;
  readonly responsibleLa: string | null;
}

const INSERT_CHUNK = 500;

export async function insertChildrenReviews(
  db: Executor,
  reviews: readonly NewChildrenReview[],
): Promise<void> {
  for (let start = 0; start < reviews.length; start += INSERT_CHUNK) {
    const chunk = reviews.slice(start, start + INSERT_CHUNK);
    await db
      .insertInto('match_review')
      .values(
        chunk.map((review) => ({
          kind: 'children' as const,
          child_id: review.childId,
          other_child_id: review.otherChildId,
          weight: review.weight,
          probability: review.probability,
          explanation: JSON.stringify(review.explanation),
          reason: review.reason,
          shielded: review.shielded,
          responsible_la: review.responsibleLa,
        })),
      )
      .execute();
  }
}

export interface ChildStanding {
  readonly id: string;
  readonly contactpointId: string;
  readonly status: string;
  readonly mergedInto: string | null;
}

/** Whether each ContactPoint ID names a child, and whether that child is still a record of its own. */
export async function childrenByContactPointId(
  db: Executor,
  contactpointIds: readonly string[],
): Promise<Map<string, ChildStanding>> {
  if (contactpointIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('child')
    .select(['id', 'contactpoint_id', 'status', 'merged_into'])
    .where('contactpoint_id', 'in', [...new Set(contactpointIds)])
    .execute();
  return new Map(
    rows.map((row) => [
      row.contactpoint_id,
      { id: row.id, contactpointId: row.contactpoint_id, status: row.status, mergedInto: row.merged_into },
    ]),
  );
}
