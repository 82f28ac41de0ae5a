import type { Kysely, Transaction } from 'kysely';
import type { Actor, Principal } from '../access/access.model.ts';
import type { Clock } from '../access/clock.ts';
import { ChildAccessError } from '../access/policy/child-access.errors.ts';
import { recordStateOf } from '../access/policy/child-access.service.ts';
import {
  audited,
  auditEntry,
  done,
  refused,
  type AuditBase,
  type Outcome,
} from '../access/policy/child-audit.ts';
import { decide, type ChildField, type Purpose } from '../access/policy/policy.ts';
import { impliedPurpose } from '../access/policy/purpose.ts';
import type { JsonObject } from '../audit/audit.model.ts';
import { recordAudit, recordAudits } from '../audit/audit.record.ts';
import * as children from '../children/child.repository.ts';
import { londonDate } from '../children/child.validation.ts';
import type { MergeService } from '../children/merge.service.ts';
import type { Database } from '../db/schema.ts';
import type { FieldName } from '../matching/source-definition.ts';
import { createChildFromRow, linkRowToChild } from './apply-row.ts';
import { loadIndexRecords } from './index-records.ts';
import type { StoredExplanation } from './outcome.ts';
import { childrenPairKey, rowPairKey } from './pair-key.ts';
import type { ReviewKind, ReviewStatus } from './resolution.table.ts';
import * as reviews from './review.repository.ts';
import type { Review, ReviewedRow, ShieldFact } from './review.repository.ts';
import {
  decideReview,
  decideReviewCaller,
  guardOf,
  shieldedScopeOf,
  type Reviewer,
} from './review.policy.ts';

/**
 * Who is working the queue: a signed-in user, whose roles the review policy reads, or an operator at
 * the command line, who acts as a data manager and, for a pair involving a shielded child, only as
 * the shielder of the LA they name (`asShielderOf`), which the audit trail records with their name.
 */
export type ReviewActor =
  | { readonly kind: 'user'; readonly principal: Principal }
  | { readonly kind: 'operator'; readonly name: string; readonly asShielderOf?: string | null };

export type ReviewVerdict = 'link' | 'not_a_match';

export interface DecisionRequest {
  readonly decision: ReviewVerdict;
  /** Why: kept with the decision in the audit trail. */
  readonly reason: string;
}

export interface ReviewServiceDeps {
  /** The child record's database (with field encryption applied): shielded values open in memory. */
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  /** Merging two children on 'link', inside the decision's transaction. */
  readonly merges: Pick<MergeService, 'mergeChildrenIn'>;
}

export const DEFAULT_REVIEW_PAGE = 50;
export const MAX_REVIEW_PAGE = 200;
/** As a merge's reason, which a 'link' of two children passes on. */
const MAX_REASON = 500;

/** One open review in the queue: no personal values, so a list shows nothing of any child. */
export interface ReviewSummary {
  readonly id: number;
  readonly kind: ReviewKind;
  readonly createdAt: string;
  readonly weight: number;
  readonly probability: number;
  readonly reason: string;
  /** A shielded child is (or may be) in the pair: its LA's team decides. */
  readonly shielded: boolean;
  readonly responsibleLa: string | null;
}

export interface ReviewPage {
  readonly reviews: ReviewSummary[];
  /** Pass as `after` for the next page; absent on the last. */
  readonly next?: number;
}

export type ComparedValues = Partial<Record<FieldName, string>>;

/** A child of the pair as the caller may see it; `contactPointId` null once the child is gone. */
export interface ChildSide {
  readonly contactPointId: string | null;
  /** Part of the record is withheld from this caller (or all of it, once the child is gone). */
  readonly restricted: boolean;
  readonly values: ComparedValues;
}

export interface RowSide {
  readonly id: number;
  readonly sourceName: string;
  readonly batchId: number;
  readonly values: ComparedValues;
}

/** One review with its explanation and the compared values, read live. */
export interface ReviewView extends ReviewSummary {
  readonly status: ReviewStatus;
  readonly decidedAt: string | null;
  readonly decidedBy: string | null;
  /** Per-field levels and weights as scored; the values are beside it, read now. */
  readonly explanation: StoredExplanation;
  /** For a 'row' review: the feed row's normalised values. */
  readonly row: RowSide | null;
  /** The candidate child, and for a 'children' review the other child. */
  readonly children: ChildSide[];
}

export type DecisionOutcome = 'linked' | 'not-a-match' | 'created' | 'merged';

export interface DecisionResult {
  readonly id: number;
  readonly status: ReviewStatus;
  readonly outcome: DecisionOutcome;
  /** When the last candidate of a row was 'not a match': the child the row became. */
  readonly createdContactPointId: string | null;
}

const FIELD_PART: Record<FieldName, ChildField> = {
  forename: 'name',
  surname: 'name',
  dateOfBirth: 'dateOfBirth',
  gender: 'gender',
  address: 'addresses',
  town: 'addresses',
  postcode: 'addresses',
  region: 'addresses',
  nhsNumber: 'identifiers',
  upn: 'identifiers',
  otherIdentifier: 'identifiers',
};

const FIELD_NAMES = Object.keys(FIELD_PART) as FieldName[];

function rowValues(row: ReviewedRow): ComparedValues {
  const values: ComparedValues = {};
  for (const field of FIELD_NAMES) {
    const value = row.fields[field];
    if (typeof value === 'string' && value !== '') values[field] = value;
  }
  return values;
}

function reviewerOf(actor: ReviewActor): Reviewer {
  if (actor.kind === 'user') return actor.principal;
  const la = actor.asShielderOf ?? null;
  return { roles: la === null ? ['data_manager'] : ['data_manager', 'shielder'], la };
}

/** The policy's view of an operator: what they act as, for redaction alone. */
function principalOf(actor: ReviewActor): Principal {
  if (actor.kind === 'user') return actor.principal;
  const reviewer = reviewerOf(actor);
  return {
    userId: `operator:${actor.name}`,
    roles: reviewer.roles,
    organisationId: 'operator',
    la: reviewer.la,
    via: 'token',
  };
}

function auditActorOf(actor: ReviewActor): Actor {
  return actor.kind === 'user' ? actor : { kind: 'operator', name: actor.name };
}

/** The name the child's history and the review record as having decided. */
function deciderOf(actor: ReviewActor): string {
  return actor.kind === 'user' ? actor.principal.userId : `operator:${actor.name}`;
}

/** What an operator acted as, for the trail. */
function actingAs(actor: ReviewActor): JsonObject {
  return actor.kind === 'operator' && actor.asShielderOf != null
    ? { actingAs: `shielder:${actor.asShielderOf}` }
    : {};
}

function reviewTarget(id: number): string {
  return `match-review:${Number.isSafeInteger(id) ? id : 'invalid'}`;
}

/** Every refused review reads the same, whether it is missing, decided elsewhere or not the caller's. */
export const REVIEW_NOT_FOUND_MESSAGE = 'No review was found';

function reviewNotFound(rule: string): ChildAccessError {
  return new ChildAccessError('NOT_FOUND', REVIEW_NOT_FOUND_MESSAGE, rule);
}

function forbidden(rule: string): ChildAccessError {
  return new ChildAccessError(
    'FORBIDDEN',
    'Only data managers, and shielders and management teams for their LA’s shielded children, work the review queue',
    rule,
  );
}

function checkedReason(reason: string): string {
  const text = reason.trim();
  if (text === '' || text.length > MAX_REASON || text.includes('\u0000')) {
    throw new ChildAccessError(
      'INVALID_INPUT',
      `Give the reason for the decision in 1 to ${MAX_REASON} characters`,
      'review.reason',
    );
  }
  return text;
}

function summaryOf(review: Review, shielded: boolean): ReviewSummary {
  return {
    id: review.id,
    kind: review.kind,
    createdAt: review.createdAt.toISOString(),
    weight: review.weight,
    probability: review.probability,
    reason: review.reason,
    shielded,
    responsibleLa: review.responsibleLa,
  };
}

/** The child in the pair that a shielded row's new child takes its shield from. */
function shieldedCandidate(facts: readonly ShieldFact[]): string | undefined {
  for (const fact of facts) {
    const shielded = fact.children.find((child) => child.shielded);
    if (shielded !== undefined) return shielded.id;
  }
  for (const fact of facts) if (fact.reviewShielded) return fact.children[0]?.id;
  return undefined;
}

/**
 * The clerical review queue: uncertain pairs that wait for a person, shown with their explanation
 * and the compared values, and decided once. Reading a review is reading the children in it, so it
 * is audited ('match.review-read', reason data-quality) per child shown; a decision is applied, the
 * pair remembered (match_decision) so it is never asked again, and audited
 * ('match.review-decision'), all in one transaction. Who may see and decide what is
 * src/resolution/review.policy.ts.
 */
export function createReviewService(deps: ReviewServiceDeps) {
  const { db, clock, merges } = deps;
  const today = () => londonDate(clock());

  function base(actor: ReviewActor, action: AuditBase['action'], purpose: Purpose, requestId?: string) {
    return { actor: auditActorOf(actor), action, purpose, requestId } satisfies AuditBase;
  }

  /** Role-only refusal, audited and committed before it is reported. */
  async function refuseCaller(actor: ReviewActor, audit: AuditBase, target: string): Promise<void> {
    const caller = decideReviewCaller(reviewerOf(actor));
    if (caller.allowed) return;
    await db
      .transaction()
      .execute((trx) =>
        recordAudit(
          trx,
          auditEntry(audit, 'denied', { target, details: { rule: caller.rule, ...actingAs(actor) } }),
        ),
      );
    throw forbidden(caller.rule);
  }

  /** Finds the review and asks the policy; a refusal is audited in `trx` and returned. */
  async function guarded(
    trx: Transaction<Database>,
    actor: ReviewActor,
    audit: AuditBase,
    id: number,
    lock: boolean,
  ): Promise<{ ok: true; review: Review; facts: ShieldFact[] } | { ok: false; error: ChildAccessError }> {
    const target = reviewTarget(id);
    const review = lock ? await reviews.lockReview(trx, id) : await reviews.findReview(trx, id);
    if (review === undefined) {
      await recordAudit(
        trx,
        auditEntry(audit, 'failure', { target, details: { rule: 'review.unknown', ...actingAs(actor) } }),
      );
      return { ok: false, error: reviewNotFound('review.unknown') };
    }
    const facts = (await reviews.shieldFacts(trx, [review.id])).get(review.id) ?? [];
    const decision = decideReview(reviewerOf(actor), guardOf(facts));
    if (!decision.allowed) {
      await recordAudit(
        trx,
        auditEntry(audit, 'denied', {
          childId: review.childId,
          target,
          details: { rule: decision.rule, ...actingAs(actor) },
        }),
      );
      return {
        ok: false,
        error: decision.answer === 'not-found' ? reviewNotFound(decision.rule) : forbidden(decision.rule),
      };
    }
    return { ok: true, review, facts };
  }

  /** A child's values as the caller may see them, through the access policy. */
  async function childSide(
    trx: Transaction<Database>,
    actor: ReviewActor,
    childId: string,
    purpose: Purpose,
  ): Promise<ChildSide> {
    const child = await children.findChildById(trx, childId);
    const gone: ChildSide = { contactPointId: null, restricted: true, values: {} };
    if (child === undefined) return gone;
    const decision = decide(principalOf(actor), 'view', recordStateOf(child), { today: today(), purpose });
    if (!decision.allowed) return gone;
    const [record] = await loadIndexRecords(trx, [childId]);
    const values: ComparedValues = {};
    let withheld = false;
    for (const field of FIELD_NAMES) {
      const value = record?.raw[field];
      if (typeof value !== 'string' || value === '') continue;
      if (decision.fields.has(FIELD_PART[field])) values[field] = value;
      else withheld = true;
    }
    return { contactPointId: child.contactPointId, restricted: decision.restricted || withheld, values };
  }

  async function applyRowDecision(
    trx: Transaction<Database>,
    review: Review,
    facts: readonly ShieldFact[],
    verdict: ReviewVerdict,
    by: { readonly at: Date; readonly by: string },
  ): Promise<{ outcome: DecisionOutcome; status: ReviewStatus; createdChildId: string | null }> {
    const rowId = review.feedRowId;
    const row = rowId === null ? undefined : await reviews.findFeedRow(trx, rowId, { lock: true });
    if (row?.status !== 'review') {
      throw new ChildAccessError(
        'CONFLICT',
        'The feed row of this review has already been resolved',
        'review.row-resolved',
      );
    }
    const pairKey = rowPairKey(row.sourceName, row.sourceRecordId, review.childId);
    if (verdict === 'link') {
      const child = await children.lockChild(trx, review.childId);
      if (child?.mergedInto !== null || child.status === 'purged') {
        throw new ChildAccessError(
          'CONFLICT',
          'The candidate child is no longer in the index: this pair can only be “not a match”',
          'review.child-gone',
        );
      }
      await linkRowToChild(trx, row.id, review.childId, { operator: by.by });
      await reviews.closeReview(trx, review.id, 'linked', by);
      await reviews.supersedeOpenReviewsOfRow(trx, row.id, by);
      await reviews.rememberDecision(trx, { pairKey, decision: 'link', ...by, reviewId: review.id });
      return { outcome: 'linked', status: 'linked', createdChildId: null };
    }
    await reviews.closeReview(trx, review.id, 'not_a_match', by);
    await reviews.rememberDecision(trx, { pairKey, decision: 'not_a_match', ...by, reviewId: review.id });
    const waiting = await reviews.openReviewsOfRow(trx, row.id);
    if (waiting.length > 0) return { outcome: 'not-a-match', status: 'not_a_match', createdChildId: null };
    // The last candidate is not the row's child either: the row is a child new to the index, and one
    // that may be a shielded child's is shielded like it from the start.
    const shieldLike = shieldedCandidate(facts);
    const created = await createChildFromRow(trx, row.id, {
      operator: by.by,
      ...(shieldLike === undefined ? {} : { shieldLike }),
    });
    return { outcome: 'created', status: 'not_a_match', createdChildId: created };
  }

  async function applyChildrenDecision(
    trx: Transaction<Database>,
    actor: ReviewActor,
    review: Review,
    facts: readonly ShieldFact[],
    verdict: ReviewVerdict,
    reason: string,
    by: { readonly at: Date; readonly by: string },
  ): Promise<{ outcome: DecisionOutcome; status: ReviewStatus; createdChildId: string | null }> {
    const otherId = review.otherChildId;
    if (otherId === null) throw new Error(`review ${review.id} of two children names one`);
    const pairKey = childrenPairKey(review.childId, otherId);
    const status = verdict === 'link' ? 'linked' : 'not_a_match';
    await reviews.closeReview(trx, review.id, status, by);
    await reviews.rememberDecision(trx, { pairKey, decision: verdict, ...by, reviewId: review.id });
    if (verdict === 'link') {
      // Last: the merge audits itself ('child.merge'), and the trail's lock is best taken late.
      await merges.mergeChildrenIn(trx, {
        survivorId: review.childId,
        mergedId: otherId,
        actor: auditActorOf(actor),
        reason,
        reviewId: review.id,
        // The policy has already let only the shielded child's LA team this far.
        allowShielded: guardOf(facts).shieldedLas.length > 0,
      });
    }
    return { outcome: verdict === 'link' ? 'merged' : 'not-a-match', status, createdChildId: null };
  }

  return {
    /**
     * Open reviews the caller may decide, oldest first, `limit` at a time after review `after`. The
     * list holds no personal values; it is audited as a read of the queue.
     */
    async list(
      actor: ReviewActor,
      options: { readonly after?: number; readonly limit?: number } = {},
      requestId?: string,
    ): Promise<ReviewPage> {
      const audit = base(actor, 'match.review-read', impliedPurpose('data-quality'), requestId);
      const target = 'match-review:queue';
      await refuseCaller(actor, audit, target);
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_REVIEW_PAGE), 1), MAX_REVIEW_PAGE);
      const reviewer = reviewerOf(actor);
      const las = shieldedScopeOf(reviewer);
      return audited(
        db,
        { snapshot: true, onFailure: auditEntry(audit, 'failure', { target }) },
        async (trx): Promise<Outcome<ReviewPage>> => {
          const found: ReviewSummary[] = [];
          let after = Math.max(Math.trunc(options.after ?? 0), 0);
          let exhausted = false;
          // The policy decides each review; a page is filled from as many batches as it takes.
          while (found.length < limit && !exhausted) {
            const batch = await reviews.listOpenReviews(trx, {
              afterId: after,
              limit: limit + 1,
              ...(las === undefined ? {} : { las }),
            });
            const facts = await reviews.shieldFacts(
              trx,
              batch.map((review) => review.id),
            );
            let seen = 0;
            for (const review of batch) {
              if (found.length === limit) break;
              after = review.id;
              seen += 1;
              const guard = guardOf(facts.get(review.id) ?? []);
              if (decideReview(reviewer, guard).allowed) {
                found.push(summaryOf(review, guard.shieldedLas.length > 0));
              }
            }
            exhausted = seen === batch.length && batch.length <= limit;
          }
          const result: ReviewPage = exhausted ? { reviews: found } : { reviews: found, next: after };
          await recordAudit(
            trx,
            auditEntry(audit, 'success', {
              target,
              details: { listed: found.length, ...actingAs(actor) },
            }),
          );
          return done(result);
        },
      );
    },

    /**
     * One review with its explanation and the compared values: the row's as the feed gave them, each
     * child's as the access policy lets this caller see them. Audited per child shown.
     */
    async show(actor: ReviewActor, id: number, requestId?: string): Promise<ReviewView> {
      const purpose = impliedPurpose('data-quality');
      const audit = base(actor, 'match.review-read', purpose, requestId);
      await refuseCaller(actor, audit, reviewTarget(id));
      return audited(
        db,
        { snapshot: true, onFailure: auditEntry(audit, 'failure', { target: reviewTarget(id) }) },
        async (trx): Promise<Outcome<ReviewView>> => {
          const found = await guarded(trx, actor, audit, id, false);
          if (!found.ok) return refused(found.error);
          const { review, facts } = found;
          const row =
            review.feedRowId === null ? undefined : await reviews.findFeedRow(trx, review.feedRowId);
          const childIds = [review.childId, ...(review.otherChildId === null ? [] : [review.otherChildId])];
          const sides: ChildSide[] = [];
          for (const childId of childIds) sides.push(await childSide(trx, actor, childId, purpose));
          const view: ReviewView = {
            ...summaryOf(review, guardOf(facts).shieldedLas.length > 0),
            status: review.status,
            decidedAt: review.decidedAt?.toISOString() ?? null,
            decidedBy: review.decidedBy,
            explanation: review.explanation,
            row:
              row === undefined
                ? null
                : { id: row.id, sourceName: row.sourceName, batchId: row.batchId, values: rowValues(row) },
            children: sides,
          };
          await recordAudits(
            trx,
            childIds.map((childId, i) =>
              auditEntry(audit, 'success', {
                childId,
                target: reviewTarget(review.id),
                details: {
                  view: sides[i]?.restricted === true ? 'restricted' : 'full',
                  ...actingAs(actor),
                },
              }),
            ),
          );
          return done(view);
        },
      );
    },

    /**
     * Decides a review: applies it, closes it, remembers the pair and audits it, in one transaction.
     * A review already decided is a conflict; one the caller may not decide is not found.
     */
    async decide(
      actor: ReviewActor,
      id: number,
      request: DecisionRequest,
      requestId?: string,
    ): Promise<DecisionResult> {
      const target = reviewTarget(id);
      let reason: string;
      try {
        reason = checkedReason(request.reason);
      } catch (error) {
        const audit = base(actor, 'match.review-decision', impliedPurpose('data-quality'), requestId);
        await db.transaction().execute((trx) =>
          recordAudit(
            trx,
            auditEntry(audit, 'failure', {
              target,
              details: { rule: 'review.reason', ...actingAs(actor) },
            }),
          ),
        );
        throw error;
      }
      const purpose: Purpose = { reason: 'data-quality', text: reason, caseReference: null };
      const audit = base(actor, 'match.review-decision', purpose, requestId);
      await refuseCaller(actor, audit, target);
      return audited(
        db,
        { snapshot: false, onFailure: auditEntry(audit, 'failure', { target, details: actingAs(actor) }) },
        async (trx): Promise<Outcome<DecisionResult>> => {
          const found = await guarded(trx, actor, audit, id, true);
          if (!found.ok) return refused(found.error);
          const { review, facts } = found;
          if (review.status !== 'open') {
            await recordAudit(
              trx,
              auditEntry(audit, 'failure', {
                childId: review.childId,
                target,
                details: { rule: 'review.decided', status: review.status, ...actingAs(actor) },
              }),
            );
            return refused(
              new ChildAccessError(
                'CONFLICT',
                `This review has already been decided (${review.status.replaceAll('_', ' ')})`,
                'review.decided',
              ),
            );
          }
          const by = { at: clock(), by: deciderOf(actor) };
          const applied =
            review.kind === 'row'
              ? await applyRowDecision(trx, review, facts, request.decision, by)
              : await applyChildrenDecision(trx, actor, review, facts, request.decision, reason, by);
          const created =
            applied.createdChildId === null
              ? undefined
              : await children.findChildById(trx, applied.createdChildId);
          await recordAudit(
            trx,
            auditEntry(audit, 'success', {
              childId: review.childId,
              target,
              details: {
                kind: review.kind,
                decision: request.decision,
                outcome: applied.outcome,
                ...(review.otherChildId === null ? {} : { otherChildId: review.otherChildId }),
                ...(applied.createdChildId === null ? {} : { createdChildId: applied.createdChildId }),
                ...actingAs(actor),
              },
            }),
          );
          return done({
            id: review.id,
            status: applied.status,
            outcome: applied.outcome,
            createdContactPointId: created?.contactPointId ?? null,
          });
        },
      );
    },
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;
