import { sql, type Selectable } from 'kysely';
import type { Executor } from '../children/executor.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import type { FeedRowStatus } from '../ingest/ingest.table.ts';
import type { StoredExplanation } from './outcome.ts';
import type { MatchReviewTable, PairDecision, ReviewKind, ReviewStatus } from './resolution.table.ts';

/** The clerical review queue (match_review) and remembered decisions (match_decision). */

export interface Review {
  readonly id: number;
  readonly createdAt: Date;
  readonly kind: ReviewKind;
  readonly feedRowId: number | null;
  readonly childId: string;
  readonly otherChildId: string | null;
  readonly weight: number;
  readonly probability: number;
  readonly explanation: StoredExplanation;
  readonly reason: string;
  readonly shielded: boolean;
  readonly responsibleLa: string | null;
  readonly status: ReviewStatus;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
}

function reviewToDomain(row: Selectable<MatchReviewTable>): Review {
  return {
    id: row.id,
    createdAt: row.created_at,
    kind: row.kind,
    feedRowId: row.feed_row_id,
    childId: row.child_id,
    otherChildId: row.other_child_id,
    weight: row.weight,
    probability: row.probability,
    explanation: row.explanation as StoredExplanation,
    reason: row.reason,
    shielded: row.shielded,
    responsibleLa: row.responsible_la,
    status: row.status,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
  };
}

/** Ids arrive from URLs and the command line; one out of range is simply not found. */
function validId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1;
}

export async function findReview(db: Executor, id: number): Promise<Review | undefined> {
  if (!validId(id)) return undefined;
  const row = await db.selectFrom('match_review').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : reviewToDomain(row);
}

/** Locks the review so two people deciding it at once are served one after the other. */
export async function lockReview(db: Executor, id: number): Promise<Review | undefined> {
  if (!validId(id)) return undefined;
  const row = await db
    .selectFrom('match_review')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row === undefined ? undefined : reviewToDomain(row);
}

/**
 * Open reviews after `afterId`, oldest first (ids are drawn as reviews are queued). With `las`, only
 * reviews that may concern those LAs: the review's own LA, a child's, or for a feed row any of its
 * candidates' — a narrowing for callers who may see only shielded pairs of their LA; the policy
 * still decides each one.
 */
export async function listOpenReviews(
  db: Executor,
  options: { readonly afterId: number; readonly limit: number; readonly las?: readonly string[] },
): Promise<Review[]> {
  let query = db
    .selectFrom('match_review as r')
    .selectAll('r')
    .where('r.status', '=', 'open')
    .where('r.id', '>', options.afterId)
    .orderBy('r.id')
    .limit(options.limit);
  const las = options.las;
  if (las !== undefined) {
    if (las.length === 0) return [];
    query = query.where((outer) =>
      outer.exists(
        outer
          .selectFrom('match_review as s')
          .innerJoin('child as c', 'c.id', 's.child_id')
          .leftJoin('child as oc', 'oc.id', 's.other_child_id')
          .select(sql<number>`1`.as('one'))
          .where((eb) =>
            eb.and([
              eb.or([
                eb('s.id', '=', eb.ref('r.id')),
                eb.and([eb('r.kind', '=', 'row'), eb('s.feed_row_id', '=', eb.ref('r.feed_row_id'))]),
              ]),
              eb.or([
                eb('s.responsible_la', 'in', las),
                eb('c.responsible_la', 'in', las),
                eb('oc.responsible_la', 'in', las),
              ]),
            ]),
          ),
      ),
    );
  }
  const rows = await query.execute();
  return rows.map(reviewToDomain);
}

/** What a review's guard is made of: for itself and, for a feed row, every review of that row. */
export interface ShieldFact {
  readonly reviewId: number;
  readonly reviewShielded: boolean;
  readonly reviewLa: string | null;
  readonly children: readonly {
    readonly id: string;
    readonly shielded: boolean;
    readonly la: string | null;
  }[];
}

/**
 * The shield facts of each given review: its own pair and, for a feed row, every pair the row was
 * ever queued with (any status), each with its children's shields as they are now.
 */
export async function shieldFacts(
  db: Executor,
  reviewIds: readonly number[],
): Promise<Map<number, ShieldFact[]>> {
  const facts = new Map<number, ShieldFact[]>();
  if (reviewIds.length === 0) return facts;
  const rows = await db
    .selectFrom('match_review as r')
    .innerJoin('match_review as s', (join) =>
      join.on((eb) =>
        eb.or([
          eb('s.id', '=', eb.ref('r.id')),
          eb.and([eb('r.kind', '=', 'row'), eb('s.feed_row_id', '=', eb.ref('r.feed_row_id'))]),
        ]),
      ),
    )
    .innerJoin('child as c', 'c.id', 's.child_id')
    .leftJoin('child as oc', 'oc.id', 's.other_child_id')
    .select([
      'r.id as review_id',
      's.shielded as review_shielded',
      's.responsible_la as review_la',
      's.child_id',
      's.other_child_id',
      'c.shielded as child_shielded',
      'c.responsible_la as child_la',
      'oc.shielded as other_shielded',
      'oc.responsible_la as other_la',
    ])
    .where('r.id', 'in', [...reviewIds])
    .execute();
  for (const row of rows) {
    const children = [{ id: row.child_id, shielded: row.child_shielded, la: row.child_la }];
    if (row.other_child_id !== null && row.other_shielded !== null) {
      children.push({ id: row.other_child_id, shielded: row.other_shielded, la: row.other_la });
    }
    const list = facts.get(row.review_id) ?? [];
    list.push({
      reviewId: row.review_id,
      reviewShielded: row.review_shielded,
      reviewLa: row.review_la,
      children,
    });
    facts.set(row.review_id, list);
  }
  return facts;
}

/** A feed row as a review shows and decides it. */
export interface ReviewedRow {
  readonly id: number;
  readonly batchId: number;
  readonly sourceName: string;
  readonly sourceRecordId: string;
  readonly status: FeedRowStatus;
  readonly fields: NormalisedFields;
  readonly childId: string | null;
}

export async function findFeedRow(
  db: Executor,
  id: number,
  options: { readonly lock?: boolean } = {},
): Promise<ReviewedRow | undefined> {
  const query = db
    .selectFrom('feed_row')
    .select(['id', 'batch_id', 'source_name', 'source_record_id', 'status', 'fields', 'child_id'])
    .where('id', '=', id);
  const row = await (options.lock === true ? query.forUpdate() : query).executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        id: row.id,
        batchId: row.batch_id,
        sourceName: row.source_name,
        sourceRecordId: row.source_record_id,
        status: row.status,
        fields: row.fields,
        childId: row.child_id,
      };
}

/** The reviews of a feed row still waiting for a person. */
export async function openReviewsOfRow(db: Executor, feedRowId: number): Promise<Review[]> {
  const rows = await db
    .selectFrom('match_review')
    .selectAll()
    .where('kind', '=', 'row')
    .where('feed_row_id', '=', feedRowId)
    .where('status', '=', 'open')
    .orderBy('id')
    .execute();
  return rows.map(reviewToDomain);
}

/**
 * For each of `childIds`, the fields of the rows waiting for review against it for one of
 * `reasons`.
 */
export async function rowsWaitingAgainst(
  db: Executor,
  childIds: readonly string[],
  reasons: readonly string[],
): Promise<Map<string, NormalisedFields[]>> {
  const waiting = new Map<string, NormalisedFields[]>();
  if (childIds.length === 0 || reasons.length === 0) return waiting;
  const rows = await db
    .selectFrom('match_review as m')
    .innerJoin('feed_row as r', 'r.id', 'm.feed_row_id')
    .select(['m.child_id', 'r.fields'])
    .where('m.kind', '=', 'row')
    .where('m.status', '=', 'open')
    .where('m.child_id', 'in', [...new Set(childIds)])
    .where('m.reason', 'in', reasons)
    .execute();
  for (const row of rows) {
    const fields = waiting.get(row.child_id) ?? [];
    fields.push(row.fields);
    waiting.set(row.child_id, fields);
  }
  return waiting;
}

export async function closeReview(
  db: Executor,
  id: number,
  status: Exclude<ReviewStatus, 'open'>,
  decision: { readonly at: Date; readonly by: string },
): Promise<void> {
  await db
    .updateTable('match_review')
    .set({ status, decided_at: decision.at, decided_by: decision.by })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .execute();
}

/** Once a row is linked or becomes a child, its other candidates no longer need anyone. */
export async function supersedeOpenReviewsOfRow(
  db: Executor,
  feedRowId: number,
  decision: { readonly at: Date; readonly by: string },
): Promise<number> {
  const result = await db
    .updateTable('match_review')
    .set({ status: 'superseded', decided_at: decision.at, decided_by: decision.by })
    .where('kind', '=', 'row')
    .where('feed_row_id', '=', feedRowId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Remembers a person's decision on a pair; a later decision on the same pair replaces it. */
export async function rememberDecision(
  db: Executor,
  decision: {
    readonly pairKey: string;
    readonly decision: PairDecision;
    readonly at: Date;
    readonly by: string;
    readonly reviewId: number;
  },
): Promise<void> {
  const values = {
    decision: decision.decision,
    decided_at: decision.at,
    decided_by: decision.by,
    review_id: decision.reviewId,
  };
  await db
    .insertInto('match_decision')
    .values({ pair_key: decision.pairKey, ...values })
    .onConflict((oc) => oc.column('pair_key').doUpdateSet(values))
    .execute();
}
