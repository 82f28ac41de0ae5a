import { sql, type Kysely } from 'kysely';
import type { AuditActor } from '../audit/audit.model.ts';
import { recordAudit } from '../audit/audit.record.ts';
import { nameKey } from '../children/search-keys.ts';
import { postcodeForMatching, type FieldCipher } from '../children/encryption.ts';
import type { Executor } from '../children/executor.ts';
import type { Database } from '../db/schema.ts';
import { IngestError } from '../ingest/ingest.errors.ts';
import type { MatchModel } from '../matching/model.ts';
import { applyOutcomes } from './apply.repository.ts';
import {
  countIndexedChildren,
  findCandidates,
  rememberedDecisions,
  type BlockingKeys,
  type RowCandidates,
} from './candidates.repository.ts';
import { birthYearTypos } from './birth-year-typos.ts';
import { loadIndexRecords, type IndexRecord } from './index-records.ts';
import { learnM, M_MIN_ROWS, M_SAMPLE_ROWS, type LearntM } from './learn-m.ts';
import { newestModel, storeModel } from './model.repository.ts';
import {
  refreshMatchingStatistics,
  statisticsStale,
  STATISTICS_MIN_GROWTH,
} from './statistics.repository.ts';
import type { WaitingRow } from './outcome.ts';
import {
  candidatePairKeys,
  decideChunk,
  defaultModel,
  matcherFor,
  trainModel,
  withIndexComparisons,
} from './resolve-decide.ts';
import { openBatchEvidence, weighBatchEvidence } from './batch-evidence.ts';
import { countWaitingRows, findBatch, nextWaitingRows, waitingFields } from './waiting-rows.repository.ts';

/** Rows per transaction: large enough that a round of blocking queries serves many rows. */
export const DEFAULT_RESOLVE_CHUNK = 2_000;
/** With no trained model, a batch at least this large trains one; a smaller one uses the default. */
export const TRAINING_MIN_ROWS = 1_000;
/** Rows of the batch a model is trained on, at most (EM needs thousands of pairs, not millions). */
export const TRAINING_MAX_ROWS = 100_000;

export interface ResolveDeps {
  readonly db: Kysely<Database>;
  /** The field-encrypting view (services' childDb): shielded rows are sealed and opened through it. */
  readonly childDb: Kysely<Database>;
  /**
   * Keyed hashes of a row's postcode, which is how a shielded child's sealed address is found. The
   * import that stages a batch keys household references with the same cipher (`hmac`), and the
   * commands and the feed service hand both steps these deps.
   */
  readonly cipher: Pick<FieldCipher, 'hmac' | 'hmacEveryKey'>;
}

export interface ResolveProgress {
  readonly batchId: number;
  /** Rows this run resolved. */
  readonly resolved: number;
  readonly linked: number;
  readonly created: number;
  readonly review: number;
  /** Rows still waiting in the batch. */
  readonly waiting: number;
  readonly elapsedMs: number;
}

export interface ResolveOptions {
  /** Who resolves: the operator at the terminal, or the feed's system account. */
  readonly actor: AuditActor;
  readonly chunkSize?: number;
  /** Test hook: stop (as if killed) after this many chunks have been committed. */
  readonly stopAfterChunks?: number;
  readonly onProgress?: (progress: ResolveProgress) => void;
}

export interface ResolveResult {
  readonly batchId: number;
  /** resolved: no row of the batch is waiting any more. nothing-to-resolve: none was when it began. */
  readonly status: 'resolved' | 'nothing-to-resolve' | 'stopped';
  readonly resolved: number;
  readonly linked: number;
  readonly created: number;
  readonly review: number;
  readonly chunks: number;
  /** Which model decided: 'match_model N', 'match_model N (trained now)', or 'default'. */
  readonly model: string;
  readonly elapsedMs: number;
}

function blockingKeys(
  row: WaitingRow,
  cipher: Pick<FieldCipher, 'hmacEveryKey'>,
  latestYear: number,
): BlockingKeys {
  const { fields } = row;
  const key = (value: string | undefined): string | null => {
    const folded = value === undefined ? '' : nameKey(value);
    return folded === '' ? null : folded;
  };
  const postcode = postcodeForMatching(fields.postcode ?? null);
  return {
    rowId: row.id,
    sourceName: row.sourceName,
    sourceRecordId: row.sourceRecordId,
    nhsNumber: fields.nhsNumber ?? null,
    upn: fields.upn ?? null,
    dateOfBirth: fields.dateOfBirth ?? null,
    birthYearTypos: fields.dateOfBirth === undefined ? [] : birthYearTypos(fields.dateOfBirth, latestYear),
    surnameKey: key(fields.surname),
    forenameKey: key(fields.forename),
    postcode,
    // Every configured key's hash: while a key rotation is half done, a sealed address is hashed
    // under either.
    postcodeHmacs: postcode === null ? [] : cipher.hmacEveryKey('postcode', postcode),
  };
}

/** The children blocking finds for each row, and every one of them loaded for matching, by id. */
async function blockAndLoad(
  trx: Executor,
  rows: readonly WaitingRow[],
  cipher: ResolveDeps['cipher'],
  latestYear: number,
): Promise<{ candidates: Map<number, RowCandidates>; index: Map<string, IndexRecord> }> {
  const candidates = await findCandidates(
    trx,
    rows.map((row) => blockingKeys(row, cipher, latestYear)),
  );
  const childIds = new Set<string>();
  for (const found of candidates.values()) for (const id of found.childIds) childIds.add(id);
  const index = new Map((await loadIndexRecords(trx, [...childIds])).map((r) => [r.childId, r]));
  return { candidates, index };
}

/**
 * The first rows of the batch, the children blocking finds for them, and m learnt from the pairs
 * (learn-m.ts). A row whose own source record is already in the index is an update of that child,
 * not a second source's view of it, and is left out.
 */
async function learnMFromBatch(
  deps: ResolveDeps,
  batchId: number,
  model: MatchModel,
  latestYear: number,
): Promise<LearntM | null> {
  return deps.childDb.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx);
    const rows = await nextWaitingRows(trx, batchId, M_SAMPLE_ROWS);
    const { candidates: found, index } = await blockAndLoad(trx, rows, deps.cipher, latestYear);
    const samples = rows.flatMap((row) => {
      const entry = found.get(row.id);
      if (entry?.sourceRecordChild !== null) return [];
      const candidates = [...entry.childIds].flatMap((id) => index.get(id) ?? []);
      return [{ fields: row.fields, candidates }];
    });
    return learnM(model, samples);
  });
}

async function chooseModel(
  deps: ResolveDeps,
  batchId: number,
  waiting: number,
  latestYear: number,
): Promise<{ model: MatchModel; label: string }> {
  const stored = await newestModel(deps.db);
  if (stored !== null) {
    const current = { model: withIndexComparisons(stored.model), label: `match_model ${stored.id}` };
    if (stored.mLearnt !== null || waiting < M_MIN_ROWS) return current;
    const learnt = await learnMFromBatch(deps, batchId, current.model, latestYear);
    if (learnt === null) return current;
    const id = await storeModel(deps.db, {
      trainedOn: `${stored.trainedOn}; m by EM from batch ${batchId}: ${learnt.rows} rows, ${learnt.pairs} pairs`,
      recordCount: stored.recordCount,
      model: learnt.model,
      mLearnt: { batch: batchId, rows: learnt.rows, pairs: learnt.pairs, matchShare: learnt.matchShare },
    });
    return { model: learnt.model, label: `match_model ${id} (m learnt now)` };
  }
  if (waiting < TRAINING_MIN_ROWS) return { model: defaultModel(), label: 'default' };
  const fields = await waitingFields(deps.db, batchId, TRAINING_MAX_ROWS);
  const model = trainModel(fields);
  const id = await storeModel(deps.db, {
    trainedOn: `batch ${batchId}: ${fields.length} rows`,
    recordCount: fields.length,
    model,
  });
  return { model, label: `match_model ${id} (trained now)` };
}

/**
 * Resolves the waiting rows of an imported batch to children, in row order, one transaction per
 * chunk: a run that is killed leaves every committed chunk resolved and the rest waiting, so
 * running it again carries on, and a batch with nothing waiting is left as it is. Each chunk is
 * one round of blocking queries, one load of candidate records, a pure decision
 * (resolve-decide.ts), one bulk apply and one audit entry. Children created by a chunk are in the
 * index for the next, so later rows of the same child find them.
 */
export async function resolveBatch(
  deps: ResolveDeps,
  batchId: number,
  options: ResolveOptions,
): Promise<ResolveResult> {
  const started = Date.now();
  const chunkSize = options.chunkSize ?? DEFAULT_RESOLVE_CHUNK;
  const batch = await findBatch(deps.db, batchId);
  if (batch === null) throw new IngestError(`no batch has id ${batchId}`);
  if (batch.status !== 'completed') {
    throw new IngestError(
      `batch ${batchId} is ${batch.status}: finish its import (run the same import again) before resolving it`,
    );
  }
  let waiting = await countWaitingRows(deps.db, batchId);
  const totals = { resolved: 0, linked: 0, created: 0, review: 0 };
  const result = (status: ResolveResult['status'], chunks: number, model: string): ResolveResult => ({
    batchId,
    status,
    ...totals,
    chunks,
    model,
    elapsedMs: Date.now() - started,
  });
  if (waiting === 0) return result('nothing-to-resolve', 0, 'none');

  const latestYear = new Date().getUTCFullYear();
  let indexed = await countIndexedChildren(deps.db);
  // The batch's rows are new to the planner, and so may much of the index be.
  let analysedAt = indexed;
  if (waiting >= STATISTICS_MIN_GROWTH) await refreshMatchingStatistics(deps.db);
  const chosen = await chooseModel(deps, batchId, waiting, latestYear);
  const evidence = await openBatchEvidence(deps.db, batchId);
  let chunks = 0;
  // Every row before this one is resolved: each chunk takes rows in order and decides all of them
  // but those it defers, which the next chunk takes first.
  let fromRow = 1;
  for (;;) {
    if (statisticsStale(analysedAt, indexed)) {
      await refreshMatchingStatistics(deps.db);
      analysedAt = indexed;
    }
    const applied = await deps.childDb.transaction().execute(async (trx) => {
      // A chunk's statements are index probes and bulk writes that run in milliseconds, but the
      // planner, with no statistics on a freshly loaded index, can overestimate them enough to
      // compile them first (PostgreSQL's JIT), which takes longer than running them.
      await sql`set local jit = off`.execute(trx);
      const rows = await nextWaitingRows(trx, batchId, chunkSize, fromRow);
      if (rows.length === 0) return null;
      const { candidates, index } = await blockAndLoad(trx, rows, deps.cipher, latestYear);
      const remembered = await rememberedDecisions(trx, candidatePairKeys(rows, candidates));
      const matcher = matcherFor(chosen.model, indexed);
      const decision = decideChunk({ rows, candidates, index, remembered, matcher });
      const deferred = new Set(decision.deferred);
      const decided = rows.filter((row) => !deferred.has(row.id));
      if (decided.length === 0) throw new Error(`resolution of batch ${batchId} made no progress`);
      const outcomes = await weighBatchEvidence(trx, evidence, {
        decided,
        outcomes: decision.outcomes,
        index,
        matcher,
      });
      const counts = await applyOutcomes(trx, decided, outcomes, {
        operator: options.actor.id,
        receivedAt: batch.receivedAt,
      });
      await recordAudit(trx, {
        actor: options.actor,
        action: 'feed.resolve',
        outcome: 'success',
        target: `batch:${batchId}`,
        details: {
          batch: batchId,
          source: batch.sourceName,
          rows: decided.length,
          linked: counts.linked,
          created: counts.created,
          review: counts.review,
          deferred: deferred.size,
          model: chosen.label,
        },
      });
      const nextFrom = Math.min(
        ...rows.filter((row) => deferred.has(row.id)).map((row) => row.rowNumber),
        (rows.at(-1)?.rowNumber ?? fromRow) + 1,
      );
      return {
        rows: decided.length,
        newChildren: new Set(groupsOf(outcomes)).size,
        nextFrom,
        ...counts,
      };
    });
    if (applied === null) {
      // A row quarantined earlier and retried meanwhile may wait behind fromRow: look from the start.
      if (fromRow === 1) break;
      fromRow = 1;
      continue;
    }
    chunks += 1;
    fromRow = applied.nextFrom;
    totals.resolved += applied.rows;
    totals.linked += applied.linked;
    totals.created += applied.created;
    totals.review += applied.review;
    waiting -= applied.rows;
    indexed += applied.newChildren;
    options.onProgress?.({ batchId, ...totals, waiting, elapsedMs: Date.now() - started });
    if (options.stopAfterChunks !== undefined && chunks >= options.stopAfterChunks) {
      return result('stopped', chunks, chosen.label);
    }
  }
  return result('resolved', chunks, chosen.label);
}

function groupsOf(outcomes: ReturnType<typeof decideChunk>['outcomes']): number[] {
  return outcomes.flatMap((outcome) => (outcome.kind === 'new' ? [outcome.group] : []));
}
