import type { Executor } from '../children/executor.ts';
import type { ComparisonParameters, MatchModel } from '../matching/model.ts';

/**
 * A model as stored in match_model.model: MatchModel with its term-frequency maps as lists of
 * [value, count], since JSON has no maps.
 */
interface StoredModel {
  readonly version: 1;
  /**
   * Present once m was estimated by EM from feed rows against the children they found in the
   * index (learn-m.ts); absent while m is the engine's starting values.
   */
  readonly mLearnt?: MLearnt;
  readonly prior: number;
  readonly comparisons: ComparisonParameters[];
  readonly termFrequencies: {
    readonly forename: [string, number][];
    readonly surname: [string, number][];
    readonly total: number;
  } | null;
}

/** What m was estimated from: rows of a batch, their candidate pairs, EM's share of matches. */
export interface MLearnt {
  readonly batch: number;
  readonly rows: number;
  readonly pairs: number;
  readonly matchShare: number;
}

export function modelToJson(model: MatchModel, mLearnt?: MLearnt): StoredModel {
  const tf = model.termFrequencies;
  return {
    version: 1,
    ...(mLearnt === undefined ? {} : { mLearnt }),
    prior: model.prior,
    comparisons: model.comparisons,
    termFrequencies:
      tf === null
        ? null
        : { forename: [...tf.forename.entries()], surname: [...tf.surname.entries()], total: tf.total },
  };
}

export function modelFromJson(json: unknown): MatchModel {
  const shape = json as { version?: unknown; comparisons?: unknown } | null;
  if (shape?.version !== 1 || !Array.isArray(shape.comparisons)) {
    throw new Error('the stored match model is not in a known format');
  }
  const stored = json as StoredModel;
  const tf = stored.termFrequencies;
  return {
    prior: stored.prior,
    comparisons: stored.comparisons,
    termFrequencies:
      tf === null ? null : { forename: new Map(tf.forename), surname: new Map(tf.surname), total: tf.total },
  };
}

export interface StoredMatchModel {
  readonly id: number;
  readonly trainedOn: string;
  readonly recordCount: number;
  readonly model: MatchModel;
  /** null while m is the engine's starting values. */
  readonly mLearnt: MLearnt | null;
}

/** The newest trained model: the index's matcher uses it. */
export async function newestModel(db: Executor): Promise<StoredMatchModel | null> {
  const row = await db
    .selectFrom('match_model')
    .select(['id', 'trained_on', 'record_count', 'model'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined) return null;
  return {
    id: row.id,
    trainedOn: row.trained_on,
    recordCount: row.record_count,
    model: modelFromJson(row.model),
    mLearnt: (row.model as Partial<StoredModel> | null)?.mLearnt ?? null,
  };
}

export async function storeModel(
  db: Executor,
  entry: {
    readonly trainedOn: string;
    readonly recordCount: number;
    readonly model: MatchModel;
    readonly mLearnt?: MLearnt;
  },
): Promise<number> {
  const row = await db
    .insertInto('match_model')
    .values({
      trained_on: entry.trainedOn,
      record_count: entry.recordCount,
      model: JSON.stringify(modelToJson(entry.model, entry.mLearnt)),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
