import { describe, expect, it } from 'vitest';
import {
  characterMask,
  damerauLevenshtein,
  jaro,
  jaroWinkler,
  jaroWinklerAtLeast,
  levenshtein,
  withinOneEdit,
} from './string-similarity.ts';
import { seededRandom } from './random.ts';

/** Textbook Jaro, written for clarity, to check the optimised one against. */
function referenceJaro(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const matchedA = new Array<boolean>(a.length).fill(false);
  const matchedB = new Array<boolean>(b.length).fill(false);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j <= Math.min(b.length - 1, i + window); j++) {
      if (!matchedB[j] && a[i] === b[j]) {
        matchedA[i] = matchedB[j] = true;
        m++;
        break;
      }
    }
  }
  if (m === 0) return 0;
  const sa = Array.from(a).filter((_, i) => matchedA[i]);
  const sb = Array.from(b).filter((_, j) => matchedB[j]);
  const t = sa.filter((c, i) => c !== sb[i]).length / 2;
  return (m / a.length + m / b.length + (m - t) / m) / 3;
}

function randomWord(random: () => number, maxLength: number, alphabet = 'abcdeilmnorst'): string {
  const length = Math.floor(random() * maxLength);
  let word = '';
  for (let i = 0; i < length; i++) word += alphabet.charAt(Math.floor(random() * alphabet.length));
  return word;
}

describe('jaroWinkler', () => {
  it.each([
    ['MARTHA', 'MARHTA', 0.961],
    ['DWAYNE', 'DUANE', 0.84],
    ['DIXON', 'DICKSONX', 0.813],
    ['JELLYFISH', 'SMELLYFISH', 0.896],
  ])('%s / %s is %d (the published values)', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3);
    expect(jaroWinkler(b, a)).toBeCloseTo(expected, 3);
  });

  it('is 1 for equal strings and 0 with nothing in common or an empty side', () => {
    expect(jaroWinkler('smith', 'smith')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', 'abc')).toBe(0);
    expect(jaroWinkler('', '')).toBe(1);
  });

  it('agrees with a plain implementation on short and long strings', () => {
    const random = seededRandom(1);
    for (let n = 0; n < 3000; n++) {
      const a = randomWord(random, n % 2 === 0 ? 12 : 45);
      const b = randomWord(random, n % 2 === 0 ? 12 : 45);
      expect(jaro(a, b)).toBeCloseTo(referenceJaro(a, b), 12);
    }
  });
});

describe('jaroWinklerAtLeast', () => {
  it('returns the exact value whenever it reaches the threshold, and 0 only below it', () => {
    const random = seededRandom(2);
    for (let n = 0; n < 5000; n++) {
      const a = randomWord(random, 10);
      const b = random() < 0.5 ? randomWord(random, 10) : a.slice(0, -1) + 'x';
      for (const threshold of [0.7, 0.85, 0.92]) {
        const exact = jaroWinkler(a, b);
        const bounded = jaroWinklerAtLeast(a, b, threshold, characterMask(a), characterMask(b));
        if (exact >= threshold) expect(bounded).toBe(exact);
        else expect(bounded === 0 || bounded === exact).toBe(true);
      }
    }
  });
});

describe('damerauLevenshtein (optimal string alignment)', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['jack', 'jakc', 1],
    ['ca', 'abc', 3],
    ['', 'abc', 3],
    ['19770501', '19770105', 2],
    ['smith', 'smith', 0],
  ])('%s / %s is %i', (a, b, expected) => {
    expect(damerauLevenshtein(a, b)).toBe(expected);
    expect(damerauLevenshtein(b, a)).toBe(expected);
  });

  it('stops at max + 1 once the distance is known to exceed max', () => {
    expect(damerauLevenshtein('kitten', 'sitting', 1)).toBe(2);
    expect(damerauLevenshtein('abcdef', 'uvwxyz', 2)).toBe(3);
    expect(damerauLevenshtein('abc', 'abcdefg', 2)).toBe(3);
  });

  it('counts a transposition as one edit where plain Levenshtein counts two', () => {
    expect(damerauLevenshtein('2493383', '2439383')).toBe(1);
    expect(levenshtein('2493383', '2439383')).toBe(2);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
  });
});

describe('withinOneEdit', () => {
  it('agrees with the bounded distance on random strings', () => {
    const random = seededRandom(3);
    for (let n = 0; n < 5000; n++) {
      const a = randomWord(random, 9, 'abc');
      const b = random() < 0.5 ? randomWord(random, 9, 'abc') : a;
      expect(withinOneEdit(a, b)).toBe(damerauLevenshtein(a, b, 1) <= 1);
    }
  });

  it.each([
    ['20150301', '20150310', true],
    ['20150301', '20150391', true],
    ['20150301', '2015031', true],
    ['20150301', '20160401', false],
  ])('%s / %s: %s', (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected);
  });
});
