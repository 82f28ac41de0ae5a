import { describe, expect, it } from 'vitest';
import { item } from './arrays.ts';
import type { ComparisonDefinition, ComparisonName } from './comparisons.ts';
import {
  aggregatePatterns,
  countTermFrequencies,
  estimateMatchShare,
  expectationMaximisation,
  uFromCounts,
} from './estimate.ts';
import { seededRandom } from './random.ts';
import { prepareRecord } from './record.ts';

// Three made-up comparisons with a null level and three informative ones each.
const TRUE_M = [
  [0, 0.85, 0.1, 0.05],
  [0, 0.7, 0.2, 0.1],
  [0, 0.9, 0.05, 0.05],
];
const TRUE_U = [
  [0, 0.01, 0.04, 0.95],
  [0, 0.05, 0.15, 0.8],
  [0, 0.002, 0.02, 0.978],
];

function fakeComparison(name: ComparisonName): ComparisonDefinition {
  return {
    name,
    fields: [],
    levels: [{ label: 'null' }, { label: 'exact' }, { label: 'close' }, { label: 'else' }],
    initialM: [0, 0.6, 0.2, 0.2],
    initialU: [0, 0.1, 0.2, 0.7],
    compare: () => 0,
  };
}

const COMPARISONS = [fakeComparison('forename'), fakeComparison('surname'), fakeComparison('dateOfBirth')];

function draw(random: () => number, probabilities: readonly number[]): number {
  let r = random();
  for (let l = 1; l < probabilities.length; l++) {
    r -= probabilities[l] ?? 0;
    if (r < 0) return l;
  }
  return probabilities.length - 1;
}

function simulate(pairs: number, matchShare: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const vectors = new Uint8Array(pairs * 3);
  for (let p = 0; p < pairs; p++) {
    const match = random() < matchShare;
    for (let c = 0; c < 3; c++) {
      // One value in ten is missing, whatever the pair.
      vectors[p * 3 + c] = random() < 0.1 ? 0 : draw(random, item(match ? TRUE_M : TRUE_U, c));
    }
  }
  return vectors;
}

describe('expectationMaximisation', () => {
  it('recovers known m probabilities and the match share from unlabelled pairs', () => {
    const vectors = simulate(50_000, 0.2, 7);
    const result = expectationMaximisation(COMPARISONS, aggregatePatterns(vectors, 3, 50_000), TRUE_U);
    expect(result.converged).toBe(true);
    expect(result.matchShare).toBeCloseTo(0.2, 2);
    for (let c = 0; c < 3; c++) {
      for (let l = 1; l < 4; l++) {
        expect(Math.abs(item(item(result.m, c), l) - item(item(TRUE_M, c), l))).toBeLessThan(0.02);
      }
    }
  });

  it('leaves a fixed comparison at its starting values and ignores it', () => {
    const vectors = simulate(20_000, 0.3, 8);
    const result = expectationMaximisation(
      COMPARISONS,
      aggregatePatterns(vectors, 3, 20_000),
      TRUE_U,
      undefined,
      [false, false, true],
    );
    expect(result.m[2]).toEqual([0, 0.6, 0.2, 0.2]);
    expect(Math.abs(item(item(result.m, 0), 1) - 0.85)).toBeLessThan(0.03);
  });

  it('keeps every non-null m at or above the floor', () => {
    const vectors = simulate(5_000, 0.5, 9).map((level, i) => (i % 3 === 2 && level === 2 ? 1 : level));
    const result = expectationMaximisation(COMPARISONS, aggregatePatterns(vectors, 3, 5_000), TRUE_U);
    expect(Math.min(...item(result.m, 2).slice(1))).toBeGreaterThanOrEqual(0.00099);
  });
});

describe('estimateMatchShare', () => {
  it('finds the share of matches once m and u are known', () => {
    const vectors = simulate(50_000, 0.05, 10);
    const logFactor = (pattern: Uint8Array): number => {
      let sum = 0;
      for (let c = 0; c < 3; c++) {
        const l = pattern[c] ?? 0;
        if (l > 0) sum += Math.log(item(item(TRUE_M, c), l) / item(item(TRUE_U, c), l));
      }
      return sum;
    };
    const { share } = estimateMatchShare(aggregatePatterns(vectors, 3, 50_000), logFactor);
    expect(share).toBeCloseTo(0.05, 2);
  });
});

describe('uFromCounts', () => {
  it('follows the counts when there are many, and the typical u when there are few', () => {
    const many = uFromCounts([Float64Array.from([5, 1_000, 4_000, 95_000])], COMPARISONS);
    expect(many[0]?.[1]).toBeCloseTo(0.01, 2);
    const few = uFromCounts([Float64Array.from([0, 1, 0, 2])], COMPARISONS);
    expect(few[0]?.[1]).toBeCloseTo(0.1, 2);
    expect(
      item(few, 0)
        .slice(1)
        .reduce((s, v) => s + v, 0),
    ).toBeCloseTo(1, 9);
  });
});

describe('countTermFrequencies', () => {
  it('counts first forenames and surnames', () => {
    const records = ['Jack Smith', 'jack smith', 'Oliver Smith'].map((n) => {
      const [forename = '', surname = ''] = n.split(' ');
      return prepareRecord({ forename, surname }, 'YYYY-MM-DD');
    });
    const tf = countTermFrequencies(records);
    expect(tf.forename.get('jack')).toBe(2);
    expect(tf.surname.get('smith')).toBe(3);
    expect(tf.total).toBe(3);
  });
});
