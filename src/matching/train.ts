import { BLOCK_BY_DATE_OF_BIRTH, BLOCK_BY_NAME_SOUNDS, generateCandidates } from './blocking.ts';
import type { BlockingOptions, BlockingRule } from './blocking.ts';
import type { ComparisonDefinition, ComparisonName } from './comparisons.ts';
import {
  DEFAULT_EM,
  aggregatePatterns,
  expectationMaximisation,
  sampleRandomPairCounts,
  uFromCounts,
} from './estimate.ts';
import type { EmOptions } from './estimate.ts';
import { item } from './arrays.ts';
import type { MatchRecord } from './record.ts';
import { comparisonVectors } from './score.ts';

/**
 * One EM run on the pairs a single blocking rule finds, as Splink trains: pairs sharing a date
 * of birth teach what names and addresses of one person look like, pairs sharing name sounds
 * teach the same of dates of birth. The comparisons the rule blocked on are left out of the
 * session that blocked on them. Training on every candidate pair at once instead lets EM settle
 * on whatever most candidates share (often just a town), not on "same person".
 */
export interface TrainingSession {
  rule: BlockingRule;
  fixed: readonly ComparisonName[];
}

export const DEFAULT_TRAINING: readonly TrainingSession[] = [
  { rule: BLOCK_BY_DATE_OF_BIRTH, fixed: ['dateOfBirth'] },
  { rule: BLOCK_BY_NAME_SOUNDS, fixed: ['forename', 'surname'] },
];

export interface TrainingOptions {
  seed: number;
  /** Random pairs drawn to estimate u. */
  uSamplePairs: number;
  /** Pairs per training session (a regular sample when a rule finds more). */
  sessionPairs: number;
  /** Sessions finding fewer pairs are skipped: too little to learn from. */
  minSessionPairs: number;
  em: EmOptions;
  blocking: BlockingOptions;
  sessions: readonly TrainingSession[];
}

export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = {
  seed: 20_081_125,
  uSamplePairs: 400_000,
  sessionPairs: 200_000,
  minSessionPairs: 30,
  em: DEFAULT_EM,
  blocking: { maxBlockPairs: 20_000 },
  sessions: DEFAULT_TRAINING,
};

export interface SessionReport {
  rule: string;
  pairs: number;
  iterations: number;
  converged: boolean;
  matchShare: number;
}

export interface TrainedParameters {
  m: number[][];
  u: number[][];
  sessions: SessionReport[];
}

function compareSample(
  comparisons: readonly ComparisonDefinition[],
  left: readonly MatchRecord[],
  right: readonly MatchRecord[],
  lefts: Int32Array,
  rights: Int32Array,
  count: number,
  limit: number,
): { vectors: Uint8Array; pairs: number } {
  const pairs = Math.min(count, limit);
  const stride = count / Math.max(pairs, 1);
  return { vectors: comparisonVectors(comparisons, left, right, lefts, rights, pairs, stride), pairs };
}

/**
 * Estimates u from random pairs and m by EM over the training sessions; m for a comparison is
 * the mean of the sessions that could learn it. When no session has enough pairs, EM runs over
 * `fallback` (the candidate pairs' comparison vectors).
 */
export function trainParameters(
  comparisons: readonly ComparisonDefinition[],
  left: readonly MatchRecord[],
  right: readonly MatchRecord[] | null,
  fallback: { vectors: Uint8Array; pairs: number },
  overrides: Partial<TrainingOptions> = {},
): TrainedParameters {
  const options = { ...DEFAULT_TRAINING_OPTIONS, ...overrides };
  const k = comparisons.length;
  const random = sampleRandomPairCounts(comparisons, left, right, {
    maxPairs: options.uSamplePairs,
    seed: options.seed,
  });
  const u = uFromCounts(random.counts, comparisons);

  const sums = comparisons.map((c) => new Array<number>(c.levels.length).fill(0));
  const learnt = new Array<number>(k).fill(0);
  const sessions: SessionReport[] = [];
  for (const session of options.sessions) {
    const found = generateCandidates(left, right, [session.rule], options.blocking);
    if (found.count < options.minSessionPairs) continue;
    const sample = compareSample(
      comparisons,
      left,
      right ?? left,
      found.left,
      found.right,
      found.count,
      options.sessionPairs,
    );
    const fixed = comparisons.map((c) => session.fixed.includes(c.name));
    const em = expectationMaximisation(
      comparisons,
      aggregatePatterns(sample.vectors, k, sample.pairs),
      u,
      options.em,
      fixed,
    );
    sessions.push({
      rule: session.rule.name,
      pairs: sample.pairs,
      iterations: em.iterations,
      converged: em.converged,
      matchShare: em.matchShare,
    });
    em.m.forEach((levels, c) => {
      if (fixed[c]) return;
      const sum = item(sums, c);
      levels.forEach((value, l) => (sum[l] = (sum[l] ?? 0) + value));
      learnt[c] = (learnt[c] ?? 0) + 1;
    });
  }

  let m: number[][];
  if (sessions.length === 0) {
    const em = expectationMaximisation(
      comparisons,
      aggregatePatterns(fallback.vectors, k, fallback.pairs),
      u,
      options.em,
    );
    sessions.push({
      rule: 'all candidate pairs',
      pairs: fallback.pairs,
      iterations: em.iterations,
      converged: em.converged,
      matchShare: em.matchShare,
    });
    m = em.m;
  } else {
    // A comparison no session could learn (every session blocked on it) keeps its start values.
    m = comparisons.map((c, ci) => {
      const n = learnt[ci] ?? 0;
      if (n === 0) return normaliseStart(c.initialM, options.em.minM);
      return item(sums, ci).map((v) => v / n);
    });
  }
  return { m, u, sessions };
}

function normaliseStart(initial: readonly number[], floor: number): number[] {
  let sum = 0;
  for (const v of initial.slice(1)) sum += Math.max(v, floor);
  return initial.map((v, l) => (l === 0 ? 0 : Math.max(v, floor) / sum));
}
