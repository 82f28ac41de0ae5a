import type { Rng } from './random.ts';

// Neighbouring keys on a UK QWERTY keyboard: most real substitutions are a finger slipping sideways.
const NEIGHBOURS: Readonly<Record<string, string>> = {
  q: 'wa',
  w: 'qeas',
  e: 'wrsd',
  r: 'etdf',
  t: 'ryfg',
  y: 'tugh',
  u: 'yihj',
  i: 'uojk',
  o: 'ipkl',
  p: 'ol',
  a: 'qwsz',
  s: 'awedxz',
  d: 'serfcx',
  f: 'drtgvc',
  g: 'ftyhbv',
  h: 'gyujnb',
  j: 'huikmn',
  k: 'jiolm',
  l: 'kop',
  z: 'asx',
  x: 'zsdc',
  c: 'xdfv',
  v: 'cfgb',
  b: 'vghn',
  n: 'bhjm',
  m: 'njk',
};

function isLetter(c: string): boolean {
  return c.toLowerCase() !== c.toUpperCase();
}

function neighbourOf(rng: Rng, c: string): string {
  const lower = c.toLowerCase();
  // Accented and other letters off the main block: any other letter stands in.
  const options = NEIGHBOURS[lower] ?? 'aeinorst'.replace(lower, '');
  const replacement = options.charAt(rng.below(options.length));
  return c === lower ? replacement : replacement.toUpperCase();
}

/**
 * One keying error: a neighbouring-key substitution, a dropped letter, a doubled or stray letter,
 * or two letters swapped. The first letter is left alone because people rarely get it wrong
 * (and blocking on it is common), which keeps the error profile like the real one.
 * Returns the input unchanged only when it is too short to alter plausibly.
 */
export function typo(rng: Rng, text: string): string {
  if (text.length < 3) return text;
  for (let attempt = 0; attempt < 10; attempt++) {
    const i = rng.int(1, text.length - 1);
    const c = text.charAt(i);
    if (!isLetter(c)) continue;
    let result: string;
    const kind = rng.below(4);
    if (kind === 0) result = text.slice(0, i) + neighbourOf(rng, c) + text.slice(i + 1);
    else if (kind === 1) result = text.slice(0, i) + text.slice(i + 1);
    else if (kind === 2) {
      const inserted = rng.chance(0.5) ? c : neighbourOf(rng, c);
      result = text.slice(0, i) + inserted + text.slice(i);
    } else {
      const next = text.charAt(i + 1);
      if (!isLetter(next)) continue;
      result = text.slice(0, i) + next + c + text.slice(i + 2);
    }
    if (result !== text) return result;
  }
  return text;
}
