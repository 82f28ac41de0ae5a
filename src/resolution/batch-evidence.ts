import type { Executor } from '../children/executor.ts';
import { holdLinks, type Matcher } from './resolve-decide.ts';
import { BATCH_RIVAL, outranked, rivalQuestions } from './batch-rivals.ts';
import { claimTwinQuestions, takesTwinsRecord, TWIN_ON_CLAIM } from './claim-twins.ts';
import { corroboratedCandidate, householdQuestions, settleByHousehold } from './household.ts';
import {
  childrenAtPostcodes,
  claimTwinGroups,
  feedRowFields,
  householdRows,
} from './household.repository.ts';
import { loadIndexRecords, type IndexRecord } from './index-records.ts';
import type { RowOutcome, WaitingRow } from './outcome.ts';
import { rivalGroups, waitingRowsById } from './waiting-rows.repository.ts';
import { rowsWaitingAgainst } from './review.repository.ts';
import { ANOTHER_CHILD_REASONS, RIVAL_IN_REVIEW, takesRivalsChild } from './rivals-in-review.ts';
import { linksByScore } from './links-by-score.ts';

/**
 * What the rest of the batch says about a chunk's decisions: a row's household settles a review
 * (household.ts), a later row with a better claim to a child holds a link (batch-rivals.ts), and
 * a twin on the same claim holds a link to the twin's record (claim-twins.ts), and so does a row
 * of another child waiting for review against it (rivals-in-review.ts). The groups of rows
 * each rule looks within are read once per batch; the rows themselves only for the chunk's rows
 * that need them.
 */
export interface BatchEvidence {
  readonly batchId: number;
  /** Rows with an NHS number or UPN sharing date of birth and surname: row id to its group. */
  readonly rivalGroups: ReadonlyMap<number, readonly number[]>;
  /** Rows sharing a household and date of birth: row id to its group. */
  readonly claimTwinGroups: ReadonlyMap<number, readonly number[]>;
}

export async function openBatchEvidence(db: Executor, batchId: number): Promise<BatchEvidence> {
  return {
    batchId,
    rivalGroups: await rivalGroups(db, batchId),
    claimTwinGroups: await claimTwinGroups(db, batchId),
  };
}

export interface ChunkDecisions {
  /** The chunk's rows decided now (not those deferred to the next chunk). */
  readonly decided: readonly WaitingRow[];
  readonly outcomes: RowOutcome[];
  readonly index: ReadonlyMap<string, IndexRecord>;
  readonly matcher: Matcher;
}

export async function weighBatchEvidence(
  trx: Executor,
  evidence: BatchEvidence,
  chunk: ChunkDecisions,
): Promise<RowOutcome[]> {
  let { outcomes } = chunk;
  outcomes = await askHouseholds(trx, evidence.batchId, { ...chunk, outcomes });
  outcomes = await askRivals(trx, evidence, { ...chunk, outcomes });
  outcomes = await askClaimTwins(trx, evidence, { ...chunk, outcomes });
  return askRivalsInReview(trx, { ...chunk, outcomes });
}

/**
 * Rows the score left to a person for want of evidence, settled where their household supplies it:
 * the household's other rows in the batch, and the children at the candidates' addresses.
 */
async function askHouseholds(
  trx: Executor,
  batchId: number,
  { decided, outcomes, index }: ChunkDecisions,
): Promise<RowOutcome[]> {
  const questions = householdQuestions(decided, outcomes);
  if (questions.length === 0) return outcomes;
  const postcodes = questions.flatMap((q) =>
    q.candidateIds.flatMap((id) => index.get(id)?.raw.postcode ?? []),
  );
  const byPostcode = await childrenAtPostcodes(trx, postcodes);
  const unloaded = [...byPostcode.values()].flat().filter((id) => !index.has(id));
  const households = new Map(index);
  for (const record of await loadIndexRecords(trx, unloaded)) households.set(record.childId, record);
  const found = {
    householdRows: await householdRows(
      trx,
      batchId,
      questions.map((q) => q.household),
    ),
    index: households,
    byPostcode,
  };
  const settled = new Map<number, string>();
  for (const question of questions) {
    const childId = corroboratedCandidate(question, found);
    if (childId !== null) settled.set(question.row.id, childId);
  }
  return settled.size === 0 ? outcomes : settleByHousehold(outcomes, settled);
}

/** Links by score that a later row of the batch has at least as good a claim to. */
async function askRivals(
  trx: Executor,
  evidence: BatchEvidence,
  { decided, outcomes, index, matcher }: ChunkDecisions,
): Promise<RowOutcome[]> {
  const questions = rivalQuestions(decided, outcomes, index, evidence.rivalGroups);
  if (questions.length === 0) return outcomes;
  const later = await waitingRowsById(
    trx,
    questions.flatMap((q) => q.rivalIds),
  );
  const held = questions.filter((q) => outranked(q, later, matcher));
  return held.length === 0 ? outcomes : holdLinks(outcomes, held, BATCH_RIVAL, matcher);
}

/** Links by score to the record of a twin named on the same claim. */
async function askClaimTwins(
  trx: Executor,
  evidence: BatchEvidence,
  { decided, outcomes, index, matcher }: ChunkDecisions,
): Promise<RowOutcome[]> {
  const questions = claimTwinQuestions(decided, outcomes, index, evidence.claimTwinGroups);
  if (questions.length === 0) return outcomes;
  const twins = await feedRowFields(
    trx,
    questions.flatMap((q) => q.twinIds),
  );
  const frequencies = matcher.compiled.model.termFrequencies;
  const held = questions.filter((q) => takesTwinsRecord(q, twins, frequencies));
  return held.length === 0 ? outcomes : holdLinks(outcomes, held, TWIN_ON_CLAIM, matcher);
}

/** Links by score to a child that a row of another child waits for review against. */
async function askRivalsInReview(
  trx: Executor,
  { decided, outcomes, index, matcher }: ChunkDecisions,
): Promise<RowOutcome[]> {
  const links = linksByScore(decided, outcomes, index);
  if (links.length === 0) return outcomes;
  const waiting = await rowsWaitingAgainst(
    trx,
    links.map((link) => link.child.childId),
    ANOTHER_CHILD_REASONS,
  );
  const held = links.filter((link) => takesRivalsChild(link, waiting));
  return held.length === 0 ? outcomes : holdLinks(outcomes, held, RIVAL_IN_REVIEW, matcher);
}
