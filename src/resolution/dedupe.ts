import type { Kysely } from 'kysely';
import type { Actor } from '../access/access.model.ts';
import { actorOf } from '../access/access-audit.ts';
import { ChildAccessError } from '../access/policy/child-access.errors.ts';
import type { JsonObject } from '../audit/audit.model.ts';
import { recordAudit } from '../audit/audit.record.ts';
import type { AccessReason, AuditOutcome } from '../audit/audit.vocabulary.ts';
import { ChildRecordError } from '../children/child.errors.ts';
import type { MergeRequest } from '../children/merge.service.ts';
import type { Database } from '../db/schema.ts';
import { generateCandidates } from '../matching/blocking.ts';
import { decidePair } from '../matching/decide.ts';
import { explainPair } from '../matching/explain.ts';
import { DEFAULT_LINKAGE, runLinkage, type LinkageOptions } from '../matching/linkage.ts';
import { prepareRecord, type MatchRecord } from '../matching/record.ts';
import { compileModel, scorePair } from '../matching/score.ts';
import {
  childrenCreatedAt,
  insertChildrenReviews,
  openChildrenReviewKeys,
  rememberedChildrenDecisions,
  type NewChildrenReview,
} from './dedupe.repository.ts';
import { INDEX_DATE_FORMAT } from './index-records.ts';
import { INDEX_COMPARISONS } from './resolve-decide.ts';
import { streamLiveIndexRecords } from './index-stream.ts';
import { withoutValues } from './outcome.ts';
import { childrenPairKey } from './pair-key.ts';

/** The merge service's entry point (src/children/merge.service.ts), as dedupe calls it. */
export type MergeChildren = (request: MergeRequest) => Promise<unknown>;

export interface DedupeRequest {
  readonly actor: Actor;
  readonly reason: AccessReason;
  readonly reasonText?: string;
  /** false: report what would be done and change nothing. */
  readonly apply: boolean;
  readonly pageSize?: number;
  readonly linkage?: Partial<LinkageOptions>;
  readonly onStage?: (stage: string) => void;
}

/** What was (or, in a report-only run, would be) done: ContactPoint IDs only, never personal values. */
export type DedupeAction =
  | { kind: 'merge'; survivor: string; merged: string; probability: number }
  | { kind: 'review'; child: string; other: string; reason: string; probability: number };

export interface DedupeReport {
  readonly applied: boolean;
  readonly children: number;
  readonly candidatePairs: number;
  /** Pairs judged one child (within a linked group), before remembered decisions and shielding. */
  readonly linkedPairs: number;
  readonly groups: number;
  readonly merges: { planned: number; done: number; failed: number };
  readonly reviews: { planned: number; queued: number; alreadyOpen: number };
  /** Pairs a person has already decided (remembered in match_decision): not asked again. */
  readonly remembered: number;
  /** Pairs above the review threshold that a safety rule kept apart, by rule. */
  readonly vetoed: Record<string, number>;
  /** Review pairs with a child merged in this run: the next run scores them against the survivor. */
  readonly deferred: number;
  readonly seconds: Record<string, number>;
  readonly actions: readonly DedupeAction[];
}

interface Candidate {
  readonly i: number;
  readonly j: number;
  readonly weight: number;
  readonly probability: number;
  readonly reason: string;
}

/** Child i of the run: the matcher's view and what the safety rules need beside it. */
interface Loaded {
  readonly records: MatchRecord[];
  readonly childIds: string[];
  readonly contactpointIds: string[];
  readonly shielded: boolean[];
  readonly responsibleLas: (string | null)[];
}

async function loadIndex(db: Kysely<Database>, pageSize: number | undefined): Promise<Loaded> {
  const loaded: Loaded = { records: [], childIds: [], contactpointIds: [], shielded: [], responsibleLas: [] };
  // Each page is reduced to match records at once, so only one page of raw details is held.
  for await (const page of streamLiveIndexRecords(db, pageSize)) {
    for (const child of page) {
      loaded.records.push(prepareRecord(child.raw, INDEX_DATE_FORMAT));
      loaded.childIds.push(child.childId);
      loaded.contactpointIds.push(child.contactpointId);
      loaded.shielded.push(child.shielded);
      loaded.responsibleLas.push(child.responsibleLa);
    }
  }
  return loaded;
}

function groupsOf(pairs: readonly { left: number; right: number }[]): Map<number, number[]> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(x, root);
    return root;
  };
  for (const { left, right } of pairs) {
    if (!parent.has(left)) parent.set(left, left);
    if (!parent.has(right)) parent.set(right, right);
    const a = find(left);
    const b = find(right);
    if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
  }
  const groups = new Map<number, number[]>();
  for (const member of [...parent.keys()].sort((x, y) => x - y)) {
    const root = find(member);
    const list = groups.get(root);
    if (list) list.push(member);
    else groups.set(root, [member]);
  }
  return groups;
}

/**
 * `contactpoint dedupe`: finds children already in the index that are one child, with the same
 * engine and thresholds as resolution. A group judged one child is merged into its oldest record;
 * a group with a shielded child goes to its LA's shielders instead; a pair a person has decided is
 * never asked again; a pair between the thresholds waits for review with its explanation (levels
 * and weights only). A report-only run changes nothing. Either way the run is one audited read.
 */
export async function dedupeIndex(
  deps: { db: Kysely<Database>; merge: MergeChildren | null },
  request: DedupeRequest,
): Promise<DedupeReport> {
  const { db } = deps;
  const seconds: Record<string, number> = {};
  let clock = performance.now();
  const stage = (name: string): void => {
    const now = performance.now();
    seconds[name] = Math.round(now - clock) / 1000;
    clock = now;
    request.onStage?.(name);
  };
  const auditRun = async (outcome: AuditOutcome, details: JsonObject): Promise<void> => {
    await db.transaction().execute((trx) =>
      recordAudit(trx, {
        actor: actorOf(request.actor),
        action: 'match.dedupe',
        outcome,
        reason: request.reason,
        ...(request.reasonText === undefined ? {} : { reasonText: request.reasonText }),
        details,
      }),
    );
  };

  let children = 0;
  try {
    const loaded = await loadIndex(db, request.pageSize);
    children = loaded.records.length;
    stage('reading');
    const { records, childIds, contactpointIds, shielded, responsibleLas } = loaded;
    const options = { ...DEFAULT_LINKAGE, ...request.linkage };
    const comparisons = INDEX_COMPARISONS;
    const result = runLinkage(comparisons, records, null, {
      ...options,
      // Each record is already a child: a veto between two stands, whatever a group would say.
      explainVetoesByGroup: false,
      onStage: (name) => {
        stage(name);
      },
    });
    const compiled = compileModel(result.model, comparisons);
    const thresholds = result.thresholds;
    const groups = [...groupsOf(result.pairs).values()];
    const groupOf = new Map<number, number>();
    groups.forEach((members, g) => {
      for (const member of members) groupOf.set(member, g);
    });

    // runLinkage hands back only the groups it linked; the pairs between the thresholds are found
    // again with the model it estimated, so they are judged by the same weights.
    const between: Candidate[] = [];
    const candidates = generateCandidates(records, null, options.rules, options.blocking);
    for (let p = 0; p < candidates.count; p++) {
      const i = candidates.left[p] ?? -1;
      const j = candidates.right[p] ?? -1;
      const a = records[i];
      const b = records[j];
      if (a === undefined || b === undefined) continue;
      const { weight, probability } = scorePair(compiled, a, b);
      if (weight < thresholds.reviewWeight) continue;
      const decision = decidePair(a, b, weight, thresholds, compiled.model.termFrequencies);
      if (decision.veto !== null || decision.decision === 'new') continue;
      const g = groupOf.get(i);
      if (g !== undefined && g === groupOf.get(j)) continue;
      between.push({ i, j, weight, probability, reason: 'review-band' });
    }
    stage('reviewing');

    const remembered = await rememberedChildrenDecisions(db);
    const open = await openChildrenReviewKeys(db);
    const keyOf = (i: number, j: number): string => childrenPairKey(childIds[i] ?? '', childIds[j] ?? '');
    const pairWeights = new Map(result.pairs.map((pair) => [keyOf(pair.left, pair.right), pair]));

    let rememberedCount = 0;
    let alreadyOpen = 0;
    const reviewPlan: Candidate[] = [];
    const planReview = (candidate: Candidate): void => {
      const key = keyOf(candidate.i, candidate.j);
      if (remembered.has(key)) rememberedCount++;
      else if (open.has(key)) alreadyOpen++;
      else reviewPlan.push(candidate);
    };
    const groupPairs = (members: readonly number[]): Candidate[] => {
      const pairs: Candidate[] = [];
      for (const [x, i] of members.entries()) {
        for (const j of members.slice(x + 1)) {
          const pair = pairWeights.get(keyOf(i, j));
          if (pair === undefined) continue;
          pairs.push({ i, j, weight: pair.weight, probability: pair.probability, reason: '' });
        }
      }
      return pairs;
    };

    const mergeGroups: number[][] = [];
    for (const members of groups) {
      const pairs = groupPairs(members);
      if (members.some((m) => shielded[m] === true)) {
        // Merging would show one record's details on the other: only a shielder of its LA decides.
        for (const pair of pairs) planReview({ ...pair, reason: 'shielded-candidate' });
      } else if (pairs.some((pair) => remembered.get(keyOf(pair.i, pair.j)) === 'not_a_match')) {
        // A person said two of these are different children: merging the group would undo that.
        for (const pair of pairs) planReview({ ...pair, reason: 'conflicts-with-decision' });
      } else {
        mergeGroups.push(members);
      }
    }

    const merging = new Set(mergeGroups.flat());
    let deferred = 0;
    for (const candidate of between) {
      if (merging.has(candidate.i) || merging.has(candidate.j)) deferred++;
      else planReview(candidate);
    }

    const createdAt = await childrenCreatedAt(
      db,
      [...merging].map((m) => childIds[m] ?? ''),
    );
    const oldest = (members: readonly number[]): number =>
      [...members].sort((x, y) => {
        const tx = createdAt.get(childIds[x] ?? '')?.getTime() ?? 0;
        const ty = createdAt.get(childIds[y] ?? '')?.getTime() ?? 0;
        return tx - ty || (contactpointIds[x] ?? '').localeCompare(contactpointIds[y] ?? '');
      })[0] ?? -1;
    const mergePlan = mergeGroups.flatMap((members) => {
      const survivor = oldest(members);
      return members
        .filter((m) => m !== survivor)
        .map((merged) => ({
          survivor,
          merged,
          probability: pairWeights.get(keyOf(survivor, merged))?.probability ?? 1,
        }));
    });
    stage('planning');

    const actions: DedupeAction[] = [
      ...mergePlan.map((m): DedupeAction => ({
        kind: 'merge',
        survivor: contactpointIds[m.survivor] ?? '',
        merged: contactpointIds[m.merged] ?? '',
        probability: m.probability,
      })),
      ...reviewPlan.map((r): DedupeAction => ({
        kind: 'review',
        child: contactpointIds[r.i] ?? '',
        other: contactpointIds[r.j] ?? '',
        reason: r.reason,
        probability: r.probability,
      })),
    ];

    let done = 0;
    let failed = 0;
    const reviews: NewChildrenReview[] = [];
    if (request.apply) {
      const merge = deps.merge;
      // Without a merge service nothing is merged: the planned merges are reported as not done.
      if (merge === null) failed = mergePlan.length;
      else
        for (const plan of mergePlan) {
          try {
            await merge({
              survivorId: childIds[plan.survivor] ?? '',
              mergedId: childIds[plan.merged] ?? '',
              actor: request.actor,
              reason: 'dedupe',
              allowShielded: false,
            });
            done++;
          } catch (error) {
            // The record moved on since it was read (merged, shielded, archived): the next run sees it.
            if (!isKnownRefusal(error)) throw error;
            failed++;
          }
        }
      for (const r of reviewPlan) {
        const a = records[r.i];
        const b = records[r.j];
        if (a === undefined || b === undefined) continue;
        const [x, y] = (childIds[r.i] ?? '') < (childIds[r.j] ?? '') ? [r.i, r.j] : [r.j, r.i];
        const shieldedOne = [x, y].find((m) => shielded[m] === true);
        reviews.push({
          childId: childIds[x] ?? '',
          otherChildId: childIds[y] ?? '',
          weight: r.weight,
          probability: r.probability,
          explanation: withoutValues(explainPair(compiled, a, b, thresholds)),
          reason: r.reason,
          shielded: shieldedOne !== undefined,
          responsibleLa:
            shieldedOne !== undefined
              ? (responsibleLas[shieldedOne] ?? null)
              : (responsibleLas[x] ?? responsibleLas[y] ?? null),
        });
      }
    }

    const report: DedupeReport = {
      applied: request.apply,
      children,
      candidatePairs: result.stats.candidatePairs,
      linkedPairs: result.pairs.length,
      groups: groups.length,
      merges: { planned: mergePlan.length, done, failed },
      reviews: { planned: reviewPlan.length, queued: reviews.length, alreadyOpen },
      remembered: rememberedCount,
      vetoed: result.stats.vetoedPairs,
      deferred,
      seconds,
      actions,
    };
    // The reviews and the record of the read commit together; the audit entry goes last.
    await db.transaction().execute(async (trx) => {
      await insertChildrenReviews(trx, reviews);
      await recordAudit(trx, {
        actor: actorOf(request.actor),
        action: 'match.dedupe',
        outcome: 'success',
        reason: request.reason,
        ...(request.reasonText === undefined ? {} : { reasonText: request.reasonText }),
        details: summary(report),
      });
    });
    stage('writing');
    return report;
  } catch (error) {
    await auditRun('error', { applied: request.apply, children });
    throw error;
  }
}

function summary(report: DedupeReport): JsonObject {
  return {
    applied: report.applied,
    children: report.children,
    candidatePairs: report.candidatePairs,
    linkedPairs: report.linkedPairs,
    groups: report.groups,
    merges: report.merges,
    reviews: report.reviews,
    remembered: report.remembered,
    vetoed: report.vetoed,
    deferred: report.deferred,
  };
}

function isKnownRefusal(error: unknown): boolean {
  return error instanceof ChildRecordError || error instanceof ChildAccessError;
}
