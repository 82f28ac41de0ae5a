import type { ComparisonDefinition, ComparisonName } from './comparisons.ts';

export interface LevelParameters {
  label: string;
  /** P(level | same person), over the non-null levels. */
  m: number;
  /** P(level | different people), over the non-null levels. */
  u: number;
  termFrequency: boolean;
  neutral: boolean;
}

export interface ComparisonParameters {
  name: ComparisonName;
  levels: LevelParameters[];
}

/** How often each value occurs among the records: rare exact matches weigh more. */
export interface TermFrequencies {
  forename: ReadonlyMap<string, number>;
  surname: ReadonlyMap<string, number>;
  /** Records counted, to turn counts into proportions. */
  total: number;
}

/**
 * Fellegi-Sunter parameters: everything the scorer needs to weigh one pair, estimated once and
 * reusable (incremental matching scores a new record against candidates with the same model).
 */
export interface MatchModel {
  /** lambda: probability that two records drawn at random are the same person. */
  prior: number;
  comparisons: ComparisonParameters[];
  termFrequencies: TermFrequencies | null;
}

export function bayesFactorWeight(m: number, u: number): number {
  return Math.log2(m / u);
}

export function probabilityToWeight(p: number): number {
  return Math.log2(p / (1 - p));
}

export function weightToProbability(w: number): number {
  const odds = 2 ** w;
  return Number.isFinite(odds) ? odds / (1 + odds) : 1;
}

/** A model with the starting m values and uniform u: the point estimation begins from. */
export function initialModel(comparisons: readonly ComparisonDefinition[], prior = 1e-4): MatchModel {
  return {
    prior,
    comparisons: comparisons.map((c) => ({
      name: c.name,
      levels: c.levels.map((level, i) => ({
        label: level.label,
        m: c.initialM[i] ?? 0,
        u: i === 0 ? 0 : 1 / (c.levels.length - 1),
        termFrequency: level.termFrequency ?? false,
        neutral: level.neutral ?? false,
      })),
    })),
    termFrequencies: null,
  };
}
