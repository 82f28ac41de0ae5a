import { describe, expect, it } from 'vitest';
import { boysForenames, girlsForenames, mensForenames, womensForenames } from './tables/forenames.ts';
import { surnames } from './tables/surnames.ts';
import {
  forenameSubstitute,
  forenameVariants,
  pickForename,
  pickSurname,
  relatedForenames,
  syntheticSurname,
  syntheticSurnameSpace,
  twinNamePairs,
} from './names.ts';
import { Rng } from './random.ts';

describe('name lists', () => {
  it.each(Object.entries({ boysForenames, girlsForenames, mensForenames, womensForenames, surnames }))(
    '%s has hundreds of distinct, trimmed entries',
    (_, names) => {
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toBe(name.trim());
      expect(names.length).toBeGreaterThanOrEqual(90);
    },
  );

  it('offers tens of thousands of synthetic surnames, almost all distinct', () => {
    const distinct = new Set(Array.from({ length: syntheticSurnameSpace }, (_, i) => syntheticSurname(i)));
    expect(distinct.size).toBeGreaterThan(20_000);
    expect(distinct.size / syntheticSurnameSpace).toBeGreaterThan(0.99);
    for (const name of distinct) expect(name).toMatch(/^[A-Z][a-z]+$/);
  });
});

describe('name frequencies', () => {
  it('are skewed: a few common names and a long tail of rare ones', () => {
    const rng = new Rng('names', 'test');
    const counts = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const name = pickSurname(rng);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top10 = sorted.slice(0, 10).reduce((sum, n) => sum + n, 0) / 50_000;
    const singletons = sorted.filter((n) => n === 1).length;
    expect(top10).toBeGreaterThan(0.05);
    expect(top10).toBeLessThan(0.25);
    expect(singletons / counts.size).toBeGreaterThan(0.3);
    expect(counts.size).toBeGreaterThan(5_000);
  });

  it('draws forenames by sex from different lists', () => {
    const rng = new Rng('forenames', 'test');
    const boys = new Set(Array.from({ length: 2000 }, () => pickForename(rng, 'M')));
    expect(boys.has('Oliver') || boys.has('Muhammad')).toBe(true);
    expect(boys.has('Olivia')).toBe(false);
  });
});

describe('forenameVariants', () => {
  it('links the classic nicknames and spellings the matching engine needs', () => {
    expect(forenameVariants.William).toEqual(expect.arrayContaining(['Will', 'Bill', 'Liam']));
    expect(forenameVariants.Elizabeth).toEqual(expect.arrayContaining(['Beth', 'Lizzie']));
    expect(forenameVariants.Muhammad).toEqual(expect.arrayContaining(['Mohammed', 'Mohammad']));
    expect(forenameVariants.Jayden).toContain('Jaiden');
    expect(forenameVariants.Sophie).toContain('Sofia');
  });

  it('is undirected through relatedForenames', () => {
    expect(relatedForenames('Bill')).toContain('William');
    expect(relatedForenames('William')).toContain('Bill');
    expect(relatedForenames('Mohammed')).toEqual(expect.arrayContaining(['Muhammad', 'Mohammad']));
    expect(relatedForenames('Zebedee')).toEqual([]);
  });

  it('never lists twins’ similar names as the same name', () => {
    for (const [a, b] of [...twinNamePairs.F, ...twinNamePairs.M]) {
      expect(relatedForenames(a)).not.toContain(b);
    }
  });

  it('substitutes full names with short forms, and short forms only with the full name', () => {
    const rng = new Rng('nicknames', 'test');
    expect(forenameVariants.William).toContain(forenameSubstitute(rng, 'William'));
    for (let i = 0; i < 50; i++) expect(forenameSubstitute(rng, 'Liam')).toBe('William');
    expect(forenameSubstitute(rng, 'Zebedee')).toBeNull();
  });
});
