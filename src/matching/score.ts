import type { ComparisonDefinition, ComparisonName } from './comparisons.ts';
import { bayesFactorWeight, probabilityToWeight, weightToProbability } from './model.ts';
import type { MatchModel, TermFrequencies } from './model.ts';
import { item } from './arrays.ts';
import type { MatchRecord } from './record.ts';

/** Term-frequency adjustments are bounded so one very rare value cannot decide a pair alone. */
export const MAX_TF_ADJUSTMENT = 8;
export const MIN_TF_ADJUSTMENT = -4;

type TfKey = 'forename' | 'surname';

const TF_VALUE: Partial<Record<ComparisonName, (r: MatchRecord) => string>> = {
  forename: (r) => r.forename1,
  surname: (r) => r.surname.compact,
};

/**
 * A model turned into lookup tables: the weight (log2 Bayes factor) of each level, ready for
 * scoring millions of pairs. Weights, not rounded probabilities, drive every decision.
 */
export interface CompiledModel {
  model: MatchModel;
  comparisons: readonly ComparisonDefinition[];
  priorWeight: number;
  /** weights[c][level]; 0 for the null level and for neutral levels. */
  weights: Float64Array[];
  /** For each comparison, the level whose weight is term-frequency adjusted, or -1. */
  tfLevel: Int8Array;
  /** That level's average u, which the value's own frequency replaces. */
  tfU: Float64Array;
  tfField: (TfKey | null)[];
}

export function compileModel(model: MatchModel, comparisons: readonly ComparisonDefinition[]): CompiledModel {
  const weights: Float64Array[] = [];
  const tfLevel = new Int8Array(comparisons.length).fill(-1);
  const tfU = new Float64Array(comparisons.length);
  const tfField: (TfKey | null)[] = [];
  comparisons.forEach((c, ci) => {
    const params = model.comparisons.find((p) => p.name === c.name);
    if (!params) throw new Error(`the model has no parameters for comparison "${c.name}"`);
    const w = new Float64Array(c.levels.length);
    params.levels.forEach((level, li) => {
      if (li === 0 || level.neutral) return;
      w[li] = bayesFactorWeight(level.m, level.u);
      if (level.termFrequency && model.termFrequencies && c.name in TF_VALUE) {
        tfLevel[ci] = li;
        tfU[ci] = level.u;
      }
    });
    weights.push(w);
    tfField.push(c.name === 'forename' || c.name === 'surname' ? c.name : null);
  });
  return {
    model,
    comparisons,
    priorWeight: probabilityToWeight(model.prior),
    weights,
    tfLevel,
    tfU,
    tfField,
  };
}

/**
 * Comparison levels of `count` pairs, packed k to a pair. Pair s is (left[lefts[i]],
 * right[rights[i]]) with i = floor(s * stride): a stride above 1 takes an even sample.
 */
export function comparisonVectors(
  comparisons: readonly ComparisonDefinition[],
  left: readonly MatchRecord[],
  right: readonly MatchRecord[],
  lefts: Int32Array,
  rights: Int32Array,
  count: number,
  stride = 1,
): Uint8Array {
  const k = comparisons.length;
  const vectors = new Uint8Array(count * k);
  for (let s = 0; s < count; s++) {
    const p = Math.floor(s * stride);
    const a = item(left, lefts[p] ?? -1);
    const b = item(right, rights[p] ?? -1);
    for (let c = 0; c < k; c++) vectors[s * k + c] = item(comparisons, c).compare(a, b);
  }
  return vectors;
}

export function compareAll(
  a: MatchRecord,
  b: MatchRecord,
  comparisons: readonly ComparisonDefinition[],
): number[] {
  return comparisons.map((c) => c.compare(a, b));
}

/**
 * Splink's adjustment: an exact match on a value held by a share tf of records has Bayes factor
 * m / tf rather than m / u, i.e. the average weight plus log2(u / tf).
 */
export function tfAdjustment(
  compiled: CompiledModel,
  comparisonIndex: number,
  value: string,
  tf: TermFrequencies,
): number {
  const field = compiled.tfField[comparisonIndex];
  const level = compiled.tfLevel[comparisonIndex] ?? -1;
  const u = compiled.tfU[comparisonIndex] ?? 0;
  if (!field || level < 0 || !(u > 0)) return 0;
  const count = tf[field].get(value) ?? 1;
  const share = Math.max(count, 1) / Math.max(tf.total, 1);
  const adjustment = Math.log2(u / share);
  return Math.min(MAX_TF_ADJUSTMENT, Math.max(MIN_TF_ADJUSTMENT, adjustment));
}

/**
 * Match weight of a pair whose comparison levels are already known, read from `levels` starting
 * at `offset` (one pair's slice of a packed array). `a` is either record of the pair.
 */
export function weightOfLevels(
  compiled: CompiledModel,
  levels: ArrayLike<number>,
  a: MatchRecord,
  offset = 0,
): number {
  let w = compiled.priorWeight;
  const tf = compiled.model.termFrequencies;
  for (let c = 0; c < compiled.weights.length; c++) {
    const level = levels[offset + c] ?? 0;
    w += compiled.weights[c]?.[level] ?? 0;
    if (tf && level === compiled.tfLevel[c]) {
      const name = compiled.comparisons[c]?.name;
      const value = name === undefined ? undefined : TF_VALUE[name];
      // An exact level means both records hold the same value, so either side's will do.
      if (value) w += tfAdjustment(compiled, c, value(a), tf);
    }
  }
  return w;
}

export interface PairScore {
  levels: number[];
  weight: number;
  probability: number;
}

export function scorePair(compiled: CompiledModel, a: MatchRecord, b: MatchRecord): PairScore {
  const levels = compareAll(a, b, compiled.comparisons);
  const weight = weightOfLevels(compiled, levels, a);
  return { levels, weight, probability: weightToProbability(weight) };
}
