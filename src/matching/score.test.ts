import { describe, expect, it } from 'vitest';
import { item } from './arrays.ts';
import { ALL_COMPARISONS, comparisonsFor } from './comparisons.ts';
import { thresholdsFromProbabilities } from './decide.ts';
import { buildModel } from './estimate.ts';
import { explainPair, renderWaterfall } from './explain.ts';
import { weightToProbability } from './model.ts';
import { prepareRecord } from './record.ts';
import type { RawPerson } from './record.ts';
import { compileModel, scorePair } from './score.ts';

const comparisons = comparisonsFor(['forename', 'surname', 'dateOfBirth', 'address', 'postcode']);

function modelWith(prior: number, tf: boolean) {
  const m = comparisons.map((c) => {
    const sum = c.initialM.slice(1).reduce((s, v) => s + v, 0);
    return c.initialM.map((v) => v / sum);
  });
  const u = comparisons.map((c) => [...c.initialU]);
  const frequencies = tf
    ? {
        forename: new Map([['jack', 50]]),
        surname: new Map([
          ['smith', 100],
          ['zyx', 1],
        ]),
        total: 1000,
      }
    : null;
  return compileModel(buildModel(comparisons, m, u, prior, frequencies), comparisons);
}

const person = (raw: RawPerson) => prepareRecord(raw, 'YYYY-MM-DD');
const JACK: RawPerson = {
  forename: 'Jack',
  surname: 'Smith',
  dateOfBirth: '2015-03-01',
  address: '12 High Street',
  postcode: 'LS1 4AB',
};

describe('scorePair', () => {
  it('adds the log2 Bayes factors of each level to the prior log odds', () => {
    const compiled = modelWith(0.001, false);
    const a = person(JACK);
    const b = person({ ...JACK, forename: 'Jakc' });
    const score = scorePair(compiled, a, b);
    let expected = Math.log2(0.001 / 0.999);
    score.levels.forEach((level, c) => {
      const p = item(item(compiled.model.comparisons, c).levels, level);
      if (level > 0 && !p.neutral) expected += Math.log2(p.m / p.u);
    });
    expect(score.weight).toBeCloseTo(expected, 9);
    expect(score.probability).toBeCloseTo(weightToProbability(expected), 12);
  });

  it('adds nothing for a missing value', () => {
    const compiled = modelWith(0.001, false);
    const withDate = scorePair(compiled, person(JACK), person(JACK)).weight;
    const withoutDate = scorePair(compiled, person(JACK), person({ ...JACK, dateOfBirth: '' })).weight;
    const dateWeight = item(
      item(
        compiled.weights,
        comparisons.findIndex((c) => c.name === 'dateOfBirth'),
      ),
      1,
    );
    expect(withDate - withoutDate).toBeCloseTo(dateWeight, 9);
  });

  it('weighs an exact match on a rare surname more than on a common one', () => {
    const compiled = modelWith(0.001, true);
    const common = scorePair(compiled, person(JACK), person(JACK)).weight;
    const rare = scorePair(
      compiled,
      person({ ...JACK, surname: 'Zyx' }),
      person({ ...JACK, surname: 'Zyx' }),
    ).weight;
    expect(rare).toBeGreaterThan(common + 3);
  });
});

describe('explainPair', () => {
  it('gives each comparison its level, weight and the running total ending at the score', () => {
    const compiled = modelWith(0.001, true);
    const a = person(JACK);
    const b = person({ ...JACK, forename: 'Oliver', dateOfBirth: '2015-03-10' });
    const waterfall = explainPair(compiled, a, b, thresholdsFromProbabilities(0.99));
    expect(waterfall.steps.map((s) => s.comparison)).toEqual(comparisons.map((c) => c.name));
    const forename = item(waterfall.steps, 0);
    expect(forename).toMatchObject({ label: 'all other', values: ['jack', 'oliver'] });
    expect(forename.weight).toBeLessThan(0);
    const last = item(waterfall.steps, waterfall.steps.length - 1);
    expect(last.cumulative).toBeCloseTo(waterfall.weight, 9);
    expect(waterfall.weight).toBeCloseTo(scorePair(compiled, a, b).weight, 9);
    expect(waterfall.steps.find((s) => s.comparison === 'surname')?.termFrequencyAdjustment).toBeLessThan(0);
  });

  it('reports a veto with its reason, and renders as text', () => {
    const compiled = modelWith(0.001, false);
    const waterfall = explainPair(
      compiled,
      person(JACK),
      person({ ...JACK, forename: 'Oliver' }),
      thresholdsFromProbabilities(0.99),
    );
    expect(waterfall.veto?.rule).toBe('twins');
    expect(waterfall.decision).toBe('review');
    const text = renderWaterfall(waterfall);
    expect(text).toContain('prior');
    expect(text).toContain('"jack" vs "oliver"');
    expect(text).toMatch(/vetoed: same surname, date of birth and address/);
    expect(text.split('\n')).toHaveLength(comparisons.length + 2);
  });

  it('covers every comparison the engine knows', () => {
    const all = compileModel(
      buildModel(
        ALL_COMPARISONS,
        ALL_COMPARISONS.map((c) => [...c.initialM]),
        ALL_COMPARISONS.map((c) => [...c.initialU]),
        0.01,
        null,
      ),
      ALL_COMPARISONS,
    );
    const waterfall = explainPair(all, person(JACK), person(JACK), thresholdsFromProbabilities(0.99));
    expect(waterfall.steps).toHaveLength(ALL_COMPARISONS.length);
    expect(waterfall.decision).toBe('link');
  });
});
