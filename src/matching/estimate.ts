import type { ComparisonDefinition } from './comparisons.ts';
import type { ComparisonParameters, MatchModel, TermFrequencies } from './model.ts';
import { item } from './arrays.ts';
import { randomInt, seededRandom } from './random.ts';
import type { MatchRecord } from './record.ts';

/** Observed level counts per comparison (index 0 counts pairs with a value missing). */
export type LevelCounts = Float64Array[];

function emptyCounts(comparisons: readonly ComparisonDefinition[]): LevelCounts {
  return comparisons.map((c) => new Float64Array(c.levels.length));
}

export interface USampleOptions {
  /** Pairs to draw; when every pair fits, every pair is used instead. */
  maxPairs: number;
  seed: number;
}

/**
 * u probabilities come from pairs drawn at random, as Splink does: almost all random pairs are
 * different people, so level frequencies among them are P(level | different people).
 * Dedupe draws pairs within `left`; link draws one record from each side.
 */
export function sampleRandomPairCounts(
  comparisons: readonly ComparisonDefinition[],
  left: readonly MatchRecord[],
  right: readonly MatchRecord[] | null,
  options: USampleOptions,
): { counts: LevelCounts; pairs: number } {
  const counts = emptyCounts(comparisons);
  const record = (a: MatchRecord, b: MatchRecord): void => {
    for (let c = 0; c < comparisons.length; c++) {
      const levels = item(counts, c);
      const level = item(comparisons, c).compare(a, b);
      levels[level] = (levels[level] ?? 0) + 1;
    }
  };
  const n = left.length;
  const total = right === null ? (n * (n - 1)) / 2 : n * right.length;
  if (total === 0) return { counts, pairs: 0 };
  if (total <= options.maxPairs) {
    left.forEach((a, i) => {
      if (right === null) for (let j = i + 1; j < n; j++) record(a, item(left, j));
      else for (const b of right) record(a, b);
    });
    return { counts, pairs: total };
  }
  const random = seededRandom(options.seed);
  let drawn = 0;
  while (drawn < options.maxPairs) {
    const i = randomInt(random, n);
    if (right === null) {
      const j = randomInt(random, n);
      if (i === j) continue;
      record(item(left, i), item(left, j));
    } else {
      record(item(left, i), item(right, randomInt(random, right.length)));
    }
    drawn++;
  }
  return { counts, pairs: drawn };
}

/**
 * Turns random-pair counts into u over the non-null levels. Each comparison's typical u counts
 * as `priorPairs` observations, so a small file borrows from it while a large sample decides
 * for itself; a level never seen gets at least half an observation, keeping its weight finite.
 */
export function uFromCounts(
  counts: LevelCounts,
  comparisons: readonly ComparisonDefinition[],
  priorPairs = U_PRIOR_PAIRS,
): number[][] {
  return counts.map((levelCounts, c) => {
    const initial = comparisons[c]?.initialU ?? [];
    const raw = [0];
    for (let l = 1; l < levelCounts.length; l++) {
      raw.push(Math.max((levelCounts[l] ?? 0) + priorPairs * (initial[l] ?? 0), 0.5));
    }
    const total = raw.reduce((sum, v) => sum + v, 0);
    return raw.map((v, l) => (l === 0 || total === 0 ? 0 : v / total));
  });
}

export const U_PRIOR_PAIRS = 1000;

/** Comparison vectors aggregated into distinct patterns: EM then costs nothing per pair. */
export interface PatternCounts {
  patterns: Uint8Array[];
  counts: number[];
}

export function aggregatePatterns(vectors: Uint8Array, width: number, pairs: number): PatternCounts {
  const index = new Map<string, number>();
  const patterns: Uint8Array[] = [];
  const counts: number[] = [];
  for (let p = 0; p < pairs; p++) {
    const offset = p * width;
    let key = '';
    for (let c = 0; c < width; c++) key += String.fromCharCode(65 + (vectors[offset + c] ?? 0));
    const seen = index.get(key);
    if (seen === undefined) {
      index.set(key, patterns.length);
      patterns.push(vectors.slice(offset, offset + width));
      counts.push(1);
    } else {
      counts[seen] = (counts[seen] ?? 0) + 1;
    }
  }
  return { patterns, counts };
}

export interface EmOptions {
  maxIterations: number;
  /** Stop when no m and the match share move by more than this. */
  tolerance: number;
  /**
   * Smallest m allowed for a non-null level. Conditional independence makes EM overconfident:
   * a level it never saw among matches would otherwise forbid every future match showing it.
   */
  minM: number;
  /**
   * Weight, in pairs, of the starting m values: a light prior that steadies estimates from
   * small samples and vanishes against large ones.
   */
  priorPairs: number;
}

export const DEFAULT_EM: EmOptions = { maxIterations: 200, tolerance: 1e-6, minM: 0.001, priorPairs: 10 };

export interface EmResult {
  m: number[][];
  /** Share of the pairs given to EM that are the same person. */
  matchShare: number;
  /** Expected number of matching pairs among them. */
  expectedMatches: number;
  iterations: number;
  converged: boolean;
}

/**
 * Fellegi-Sunter EM with u held fixed (Splink's default): alternately give each pattern a
 * match probability from the current m, then re-estimate m from those probabilities.
 * Comparisons marked `fixed` take no part: a session blocked on the date of birth learns
 * nothing about dates of birth, since every pair in it agrees.
 */
export function expectationMaximisation(
  comparisons: readonly ComparisonDefinition[],
  data: PatternCounts,
  u: readonly (readonly number[])[],
  options: EmOptions = DEFAULT_EM,
  fixed: readonly boolean[] = comparisons.map(() => false),
): EmResult {
  const k = comparisons.length;
  const start = comparisons.map((c) => normaliseNonNull([...c.initialM], options.minM));
  let m = start.map((levels) => [...levels]);
  const totalPairs = data.counts.reduce((s, n) => s + n, 0);
  let share = 0.1;
  let iterations = 0;
  let converged = false;
  let expected = 0;
  const posterior = new Float64Array(data.patterns.length);
  const logU = u.map((levels) => levels.map(Math.log));
  while (iterations < options.maxIterations) {
    iterations++;
    expected = 0;
    const logM = m.map((levels) => levels.map(Math.log));
    data.patterns.forEach((pattern, p) => {
      let logRatio = Math.log(share / (1 - share));
      for (let c = 0; c < k; c++) {
        const level = pattern[c] ?? 0;
        if (level === 0 || fixed[c]) continue;
        logRatio += (logM[c]?.[level] ?? 0) - (logU[c]?.[level] ?? 0);
      }
      const post = logRatio > 700 ? 1 : 1 / (1 + Math.exp(-logRatio));
      posterior[p] = post;
      expected += post * (data.counts[p] ?? 0);
    });
    const next = start.map((levels) => levels.map((m0) => m0 * options.priorPairs));
    data.patterns.forEach((pattern, p) => {
      const weight = (posterior[p] ?? 0) * (data.counts[p] ?? 0);
      if (weight === 0) return;
      next.forEach((levels, c) => {
        const level = pattern[c] ?? 0;
        levels[level] = (levels[level] ?? 0) + weight;
      });
    });
    const nextM = next.map((levels, c) => (fixed[c] ? item(m, c) : normaliseNonNull(levels, options.minM)));
    const nextShare = Math.min(Math.max(expected / totalPairs, 1e-9), 1 - 1e-9);
    let change = Math.abs(nextShare - share);
    nextM.forEach((levels, c) => {
      levels.forEach((value, l) => {
        if (l > 0) change = Math.max(change, Math.abs(value - (m[c]?.[l] ?? 0)));
      });
    });
    m = nextM;
    share = nextShare;
    if (change < options.tolerance) {
      converged = true;
      break;
    }
  }
  return { m, matchShare: share, expectedMatches: expected, iterations, converged };
}

/**
 * With m and u settled, the share of pairs that match is the one remaining unknown: a
 * one-parameter EM over Bayes factors already known per pattern.
 */
export function estimateMatchShare(
  data: PatternCounts,
  logBayesFactor: (pattern: Uint8Array) => number,
  options: { maxIterations: number; tolerance: number } = { maxIterations: 500, tolerance: 1e-9 },
): { share: number; expectedMatches: number } {
  const factors = data.patterns.map(logBayesFactor);
  const total = data.counts.reduce((s, n) => s + n, 0);
  let share = 0.1;
  let expected = 0;
  for (let i = 0; i < options.maxIterations; i++) {
    expected = 0;
    const prior = Math.log(share / (1 - share));
    factors.forEach((factor, p) => {
      const logRatio = prior + factor;
      const post = logRatio > 700 ? 1 : 1 / (1 + Math.exp(-logRatio));
      expected += post * (data.counts[p] ?? 0);
    });
    const next = Math.min(Math.max(expected / Math.max(total, 1), 1e-12), 1 - 1e-9);
    const done = Math.abs(next - share) < options.tolerance;
    share = next;
    if (done) break;
  }
  return { share, expectedMatches: expected };
}

function normaliseNonNull(levels: number[], floor: number): number[] {
  const out = [0];
  let sum = levels.slice(1).reduce((total, v) => total + v, 0);
  if (sum <= 0) sum = 1;
  for (const v of levels.slice(1)) out.push(Math.max(v / sum, floor));
  const again = out.reduce((total, v) => total + v, 0);
  return out.map((v, l) => (l === 0 ? 0 : v / again));
}

export function countTermFrequencies(records: readonly MatchRecord[]): TermFrequencies {
  const forename = new Map<string, number>();
  const surname = new Map<string, number>();
  const bump = (map: Map<string, number>, value: string): void => {
    if (value !== '') map.set(value, (map.get(value) ?? 0) + 1);
  };
  for (const r of records) {
    bump(forename, r.forename1);
    bump(surname, r.surname.compact);
  }
  return { forename, surname, total: records.length };
}

export function buildModel(
  comparisons: readonly ComparisonDefinition[],
  m: readonly (readonly number[])[],
  u: readonly (readonly number[])[],
  prior: number,
  termFrequencies: TermFrequencies | null,
): MatchModel {
  const params: ComparisonParameters[] = comparisons.map((c, ci) => ({
    name: c.name,
    levels: c.levels.map((level, li) => ({
      label: level.label,
      m: m[ci]?.[li] ?? 0,
      u: u[ci]?.[li] ?? 0,
      termFrequency: level.termFrequency ?? false,
      neutral: level.neutral ?? false,
    })),
  }));
  return { prior, comparisons: params, termFrequencies };
}
