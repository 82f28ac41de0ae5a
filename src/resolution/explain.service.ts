import type { Kysely } from 'kysely';
import type { Actor } from '../access/access.model.ts';
import { actorOf } from '../access/access-audit.ts';
import { ChildAccessError, NOT_FOUND_MESSAGE } from '../access/policy/child-access.errors.ts';
import type { AuditEntryInput } from '../audit/audit.model.ts';
import { recordAudits } from '../audit/audit.record.ts';
import type { AccessReason } from '../audit/audit.vocabulary.ts';
import type { Database } from '../db/schema.ts';
import type { ComparisonName } from '../matching/comparisons.ts';
import { thresholdsFromProbabilities } from '../matching/decide.ts';
import { explainPair, type Waterfall } from '../matching/explain.ts';
import { DEFAULT_LINKAGE } from '../matching/linkage.ts';
import type { MatchModel } from '../matching/model.ts';
import { prepareRecord } from '../matching/record.ts';
import { compileModel } from '../matching/score.ts';
import { childrenByContactPointId } from './dedupe.repository.ts';
import { INDEX_DATE_FORMAT, loadIndexRecords, type IndexRecord } from './index-records.ts';
import { newestModel } from './model.repository.ts';
import { defaultModel, INDEX_COMPARISONS, withIndexComparisons } from './resolve-decide.ts';

/** What stands in for a shielded child's whereabouts in an explanation. */
export const SHIELDED_VALUE = '(shielded)';

/** The comparisons whose values could locate a child. */
const LOCATION_COMPARISONS: ReadonlySet<ComparisonName> = new Set(['address', 'place', 'region']);

export interface ExplainRequest {
  readonly actor: Actor;
  readonly reason: AccessReason;
  readonly reasonText?: string;
  readonly contactPointIds: readonly [string, string];
  /**
   * The operator acts as a shielder (or the management team) of this LA: a shielded child of that
   * LA is shown whole. Recorded in the audit trail with the read.
   */
  readonly shielderOf?: string;
}

export interface PairExplanation {
  readonly contactPointIds: readonly [string, string];
  /** Which model weighed the pair. */
  readonly model: string;
  /** Location values of a shielded child are SHIELDED_VALUE unless the operator is its LA's shielder. */
  readonly waterfall: Waterfall;
  /** The children whose location values were hidden. */
  readonly masked: readonly string[];
}

/** The newest trained model; before one is stored, the comparisons' starting parameters. */
async function scoringModel(db: Kysely<Database>): Promise<{ model: MatchModel; description: string }> {
  const stored = await newestModel(db);
  if (stored !== null) {
    return {
      model: withIndexComparisons(stored.model),
      description: `model ${stored.id}, trained on ${stored.trainedOn}`,
    };
  }
  return { model: defaultModel(), description: 'built-in starting parameters (no trained model stored yet)' };
}

function masking(waterfall: Waterfall, hide: readonly [boolean, boolean]): Waterfall {
  return {
    ...waterfall,
    steps: waterfall.steps.map((step) =>
      LOCATION_COMPARISONS.has(step.comparison)
        ? {
            ...step,
            values: [hide[0] ? SHIELDED_VALUE : step.values[0], hide[1] ? SHIELDED_VALUE : step.values[1]],
          }
        : step,
    ),
  };
}

function problemOf(standing: { status: string; mergedInto: string | null } | undefined): string | null {
  if (standing === undefined) return 'not-found';
  if (standing.status === 'purged') return 'purged';
  if (standing.mergedInto !== null) return 'merged';
  return null;
}

/**
 * Explains how the matcher weighs two children in the index: each field's comparison level and
 * weight, and the total (a waterfall). A read of both records, audited as one view of each, under the
 * operator's name and reason, before anything is returned; an unknown, purged or merged-away record
 * is refused and the attempt audited.
 */
export async function explainChildren(
  db: Kysely<Database>,
  request: ExplainRequest,
): Promise<PairExplanation> {
  const ids = request.contactPointIds;
  const base = {
    actor: actorOf(request.actor),
    action: 'child.view' as const,
    reason: request.reason,
    ...(request.reasonText === undefined ? {} : { reasonText: request.reasonText }),
  };
  const details = (other: string) => ({
    via: 'match explain',
    pairedWith: other,
    ...(request.shielderOf === undefined ? {} : { shielderOf: request.shielderOf }),
  });
  if (ids[0] === ids[1]) throw new ChildAccessError('INVALID_INPUT', 'Name two different children');

  const standings = await childrenByContactPointId(db, ids);
  const problems = ids.map((id) => problemOf(standings.get(id)));
  let records: IndexRecord[] = [];
  if (problems.every((problem) => problem === null)) {
    records = await loadIndexRecords(
      db,
      ids.map((id) => standings.get(id)?.id ?? ''),
    );
  }
  const [a, b] = ids.map((id) => records.find((record) => record.contactpointId === id));
  if (a === undefined || b === undefined) {
    const failures: AuditEntryInput[] = ids.map((id, i) => {
      const other = ids[1 - i] ?? '';
      const standing = standings.get(id);
      const error = problems[i] ?? 'other-not-found';
      return {
        ...base,
        outcome: 'failure',
        ...(standing === undefined ? { target: `contactpoint:${id}` } : { childId: standing.id }),
        details: { ...details(other), error },
      };
    });
    await db.transaction().execute((trx) => recordAudits(trx, failures));
    const missing = ids.filter((_, i) => problems[i] !== null);
    throw new ChildAccessError(
      'NOT_FOUND',
      `${NOT_FOUND_MESSAGE} for ${missing.join(' and ')}`,
      'explain.not-found',
    );
  }

  const { model, description } = await scoringModel(db);
  const compiled = compileModel(model, INDEX_COMPARISONS);
  const thresholds = thresholdsFromProbabilities(DEFAULT_LINKAGE.linkProbability);
  const pair = [a, b] as const;
  const hide = pair.map((child) => child.shielded && child.responsibleLa !== request.shielderOf) as [
    boolean,
    boolean,
  ];
  const waterfall = masking(
    explainPair(
      compiled,
      prepareRecord(a.raw, INDEX_DATE_FORMAT),
      prepareRecord(b.raw, INDEX_DATE_FORMAT),
      thresholds,
    ),
    hide,
  );
  await db.transaction().execute((trx) =>
    recordAudits(
      trx,
      pair.map((child, i) => ({
        ...base,
        outcome: 'success',
        childId: child.childId,
        details: { ...details(pair[1 - i]?.contactpointId ?? ''), locationShown: !hide[i] },
      })),
    ),
  );
  return {
    contactPointIds: ids,
    model: description,
    waterfall,
    masked: pair.filter((_, i) => hide[i]).map((child) => child.contactpointId),
  };
}
