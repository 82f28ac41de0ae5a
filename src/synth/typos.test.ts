import { describe, expect, it } from 'vitest';
import { Rng } from './random.ts';
import { typo } from './typos.ts';

/** Damerau-Levenshtein (optimal string alignment) distance, small inputs only. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

describe('typo', () => {
  it('makes exactly one keying error and keeps the first letter', () => {
    const rng = new Rng('typos', 'test');
    for (const name of ['Olivia', 'Muhammad', 'Smith', "O'Brien", 'Khan-Smith', 'Zoë']) {
      for (let i = 0; i < 200; i++) {
        const result = typo(rng, name);
        expect(result).not.toBe(name);
        expect(result.charAt(0)).toBe(name.charAt(0));
        expect(distance(name, result)).toBe(1);
      }
    }
  });

  it('leaves names too short to mistype plausibly alone', () => {
    expect(typo(new Rng('typos', 'short'), 'Li')).toBe('Li');
  });
});
