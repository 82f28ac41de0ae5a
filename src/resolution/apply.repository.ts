import type { IsoDate } from '../children/child.model.ts';
import { londonDate } from '../children/child.validation.ts';
import type { Executor } from '../children/executor.ts';
import { generateContactPointId } from '../children/identifiers/contactpoint-id.ts';
import type { FeedRowStatus } from '../ingest/ingest.table.ts';
import {
  emptyWrites,
  planLink,
  planNewChild,
  type ChildWrite,
  type Notes,
  type ShieldLike,
} from './apply-plan.ts';
import {
  knownLocalAuthorities,
  loadChildStates,
  loadHolders,
  loadRanks,
  lockLinkTargets,
} from './apply-read.repository.ts';
import { rowResolutions } from './apply-resolutions.ts';
import {
  bumpVersions,
  insertChildren,
  insertCreatedEvents,
  insertReviews,
  resolveFeedRows,
  writeFills,
  writeHistory,
} from './apply-write.repository.ts';
import type { RowOutcome, WaitingRow } from './outcome.ts';

/**
 * Applying resolution's decisions to the index: new children, linked rows' values under
 * survivorship, review pairs, and every row's status. A chunk of thousands of rows is read in a
 * handful of statements (apply-read.repository.ts), planned in memory (apply-plan.ts) and written
 * in one statement per table (apply-write.repository.ts).
 *
 * Run it in the field-encrypting transaction (services' childDb): a shielded child's new location
 * rows are marked pending by the database and sealed by that transaction before it commits. Audit
 * entries are the caller's, in the same transaction.
 */

export interface ApplyContext {
  /** Who applies: written as the actor of new children's 'created' events. */
  readonly operator: string;
  /** Provenance received_at for every row applied; each row's batch time when absent. */
  readonly receivedAt?: Date;
  /** Draws ContactPoint IDs; tests inject clashes. */
  readonly newContactPointId?: () => string;
  /** The English date shield review dates count from; today when absent. */
  readonly today?: IsoDate;
}

export interface ApplyCounts {
  readonly linked: number;
  readonly created: number;
  readonly review: number;
}

export interface AppliedRow {
  readonly status: 'linked' | 'created' | 'review';
  readonly childId: string | null;
  /** The resolution's rule ('nhs-number+dob', 'review:post-adoption-needs-la', ...). */
  readonly rule: string;
}

export interface ApplyOptions {
  /** A reviewer's decision may touch a shielded child; automatic resolution never does. */
  readonly allowShielded: boolean;
  /** The statuses a row may be in to be applied (anything else is a concurrent resolution). */
  readonly fromStatuses: readonly FeedRowStatus[];
  readonly shieldLike?: ShieldLike;
}

/**
 * Applies outcomes to their rows and returns what became of each row. The shared core of the bulk
 * and single-row operations; see applyOutcomes.
 */
export async function applyResolved(
  trx: Executor,
  rows: readonly WaitingRow[],
  outcomes: readonly RowOutcome[],
  context: ApplyContext,
  options: ApplyOptions,
): Promise<Map<number, AppliedRow>> {
  const rowById = new Map(rows.map((r) => [r.id, r]));
  const seen = new Set<number>();
  const rowOf = (id: number): WaitingRow => {
    const row = rowById.get(id);
    if (row === undefined || seen.has(id)) {
      throw new Error(`outcome for feed row ${id} is not for exactly one row of the chunk`);
    }
    seen.add(id);
    return row;
  };
  const today = context.today ?? londonDate(new Date());

  const links = new Map<string, WaitingRow[]>();
  const groups = new Map<number, WaitingRow[]>();
  for (const outcome of outcomes) {
    const row = rowOf(outcome.rowId);
    if (outcome.kind === 'link') links.set(outcome.childId, [...(links.get(outcome.childId) ?? []), row]);
    else if (outcome.kind === 'new') groups.set(outcome.group, [...(groups.get(outcome.group) ?? []), row]);
  }
  const newRows = [...groups.values()].flat();

  const ranks = await loadRanks(trx);
  const knownLa = await knownLocalAuthorities(trx, [...newRows, ...[...links.values()].flat()]);
  await lockLinkTargets(trx, links, options.allowShielded);
  const states = await loadChildStates(trx, links);
  const registry = await loadHolders(trx, [...[...links.values()].flat(), ...newRows]);

  const writes = emptyWrites();
  const notes: Notes = new Map();
  const changed: string[] = [];
  for (const state of states) {
    const childRows = links.get(state.childId) ?? [];
    const planContext = {
      ranks,
      registry,
      isKnownLa: (code: string) => knownLa.has(code),
      ...(context.receivedAt ? { receivedAt: context.receivedAt } : {}),
    };
    if (planLink(state, childRows, planContext, writes, notes)) changed.push(state.childId);
  }
  const children: ChildWrite[] = [];
  const createdChild = new Map<number, string>();
  const refused = new Map<number, string>();
  for (const groupRows of groups.values()) {
    const plan = planNewChild(
      crypto.randomUUID(),
      groupRows,
      {
        ranks,
        registry,
        isKnownLa: (code) => knownLa.has(code),
        today,
        ...(context.receivedAt ? { receivedAt: context.receivedAt } : {}),
        ...(options.shieldLike ? { shieldLike: options.shieldLike } : {}),
      },
      writes,
      notes,
    );
    if (plan.kind === 'create') {
      children.push(plan.child);
      for (const row of groupRows) createdChild.set(row.id, plan.child.id);
    } else {
      for (const row of groupRows) refused.set(row.id, plan.reason);
    }
  }

  await insertChildren(trx, children, context.newContactPointId ?? (() => generateContactPointId()));
  if (children.length > 0) await insertCreatedEvents(trx, children, context.operator);
  await writeHistory(trx, writes);
  await writeFills(trx, writes.fills, context.operator);

  const { resolutions, reviews } = rowResolutions(outcomes, { childOf: createdChild, refused }, notes);
  await insertReviews(trx, reviews);
  await resolveFeedRows(trx, resolutions, options.fromStatuses);
  await bumpVersions(trx, changed);
  return new Map(
    resolutions.map((r) => [r.id, { status: r.status, childId: r.childId, rule: r.resolution.rule }]),
  );
}

/**
 * Applies a chunk of resolved rows inside the caller's transaction: creates the new children (one
 * per group), adds linked rows' values to their children under survivorship, queues review pairs,
 * and marks every row linked, created or review. A post-adoption group without a known responsible
 * LA cannot be the shielded record it must be, so its rows go to review (with no pair, the rule
 * 'review:post-adoption-needs-la') instead. Throws, leaving the caller to roll back, if a row is
 * linked to a shielded or no longer live record or was resolved meanwhile.
 */
export async function applyOutcomes(
  trx: Executor,
  rows: readonly WaitingRow[],
  outcomes: readonly RowOutcome[],
  context: ApplyContext,
): Promise<ApplyCounts> {
  const applied = await applyResolved(trx, rows, outcomes, context, {
    allowShielded: false,
    fromStatuses: ['accepted'],
  });
  const counts = { linked: 0, created: 0, review: 0 };
  for (const row of applied.values()) counts[row.status] += 1;
  return counts;
}

/** One feed row, as resolution reads it, with its status; undefined when there is none. */
export async function findFeedRow(
  trx: Executor,
  rowId: number,
): Promise<{ row: WaitingRow; status: FeedRowStatus } | undefined> {
  const found = await trx
    .selectFrom('feed_row as f')
    .innerJoin('source_batch as b', 'b.id', 'f.batch_id')
    .select([
      'f.id',
      'f.batch_id',
      'f.row_number',
      'f.source_name',
      'f.source_record_id',
      'f.fields',
      'f.status',
      'b.received_at',
    ])
    .where('f.id', '=', rowId)
    .forUpdate('f')
    .executeTakeFirst();
  if (found === undefined) return undefined;
  return {
    status: found.status,
    row: {
      id: found.id,
      batchId: found.batch_id,
      rowNumber: found.row_number,
      sourceName: found.source_name,
      sourceRecordId: found.source_record_id,
      receivedAt: found.received_at,
      fields: found.fields,
    },
  };
}

/** The shield a new record takes on beside a shielded child; undefined when that child is not shielded. */
export async function findShieldLike(trx: Executor, childId: string): Promise<ShieldLike | undefined> {
  const child = await trx
    .selectFrom('child')
    .select(['shielded', 'shield_reason', 'shield_review_date', 'responsible_la'])
    .where('id', '=', childId)
    .executeTakeFirst();
  if (
    child?.shielded !== true ||
    child.shield_reason === null ||
    child.shield_review_date === null ||
    child.responsible_la === null
  ) {
    return undefined;
  }
  return {
    reason: child.shield_reason as ShieldLike['reason'],
    reviewDate: child.shield_review_date,
    responsibleLa: child.responsible_la,
  };
}

/** The pair's score as queued for review, when it was. */
export async function findReviewScore(
  trx: Executor,
  rowId: number,
  childId: string,
): Promise<{ weight: number; probability: number } | undefined> {
  return trx
    .selectFrom('match_review')
    .select(['weight', 'probability'])
    .where('kind', '=', 'row')
    .where('feed_row_id', '=', rowId)
    .where('child_id', '=', childId)
    .executeTakeFirst();
}
