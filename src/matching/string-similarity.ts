// Scratch flags reused across calls: the scorer runs these millions of times and allocation
// would dominate. Names and address tokens are short; longer strings grow the buffers once.
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

function ensureScratch(length: number): void {
  if (flagsA.length < length) {
    flagsA = new Uint8Array(length * 2);
    flagsB = new Uint8Array(length * 2);
  }
}

/** Jaro similarity in [0, 1]; two empty strings are identical. */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la <= 31 && lb <= 31) return jaroShort(a, b, la, lb);
  ensureScratch(Math.max(la, lb));
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const code = a.charCodeAt(i);
    const start = Math.max(0, i - window);
    const end = Math.min(lb - 1, i + window);
    for (let j = start; j <= end; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === code) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) halfTranspositions++;
    k++;
  }
  const t = halfTranspositions / 2;
  return (matches / la + matches / lb + (matches - t) / matches) / 3;
}

// Names and words fit in 31 characters: matched positions are then bits of two integers, with
// no scratch arrays to clear, which is most of the cost for strings this short.
function jaroShort(a: string, b: string, la: number, lb: number): number {
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matchedA = 0;
  let matchedB = 0;
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const code = a.charCodeAt(i);
    const start = i > window ? i - window : 0;
    const end = Math.min(lb - 1, i + window);
    for (let j = start; j <= end; j++) {
      if ((matchedB & (1 << j)) === 0 && b.charCodeAt(j) === code) {
        matchedA |= 1 << i;
        matchedB |= 1 << j;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if ((matchedA & (1 << i)) === 0) continue;
    while ((matchedB & (1 << k)) === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) halfTranspositions++;
    k++;
  }
  return (matches / la + matches / lb + (matches - halfTranspositions / 2) / matches) / 3;
}

/**
 * Jaro-Winkler with Winkler's constants (prefix scale 0.1 over at most 4 characters, boost only
 * above a Jaro of 0.7), the variant Splink and most record-linkage literature report bands for.
 */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j <= 0.7) return j;
  const limit = Math.min(4, a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

let rowPrev2 = new Int32Array(64);
let rowPrev = new Int32Array(64);
let rowCur = new Int32Array(64);

/**
 * Edit distance, returning `max + 1` as soon as the distance is known to exceed `max`: callers only
 * ever ask "at most one or two edits?", so the early exit keeps this cheap on dissimilar strings.
 * With `transpositions`, an adjacent swap costs one edit (optimal string alignment).
 */
function boundedEditDistance(a: string, b: string, max: number, transpositions: boolean): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (rowCur.length < lb + 1) {
    rowPrev2 = new Int32Array((lb + 1) * 2);
    rowPrev = new Int32Array((lb + 1) * 2);
    rowCur = new Int32Array((lb + 1) * 2);
  }
  for (let j = 0; j <= lb; j++) rowPrev[j] = j;
  for (let i = 1; i <= la; i++) {
    rowCur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let d = Math.min((rowPrev[j] ?? 0) + 1, (rowCur[j - 1] ?? 0) + 1, (rowPrev[j - 1] ?? 0) + cost);
      if (transpositions && i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        d = Math.min(d, (rowPrev2[j - 2] ?? 0) + 1);
      }
      rowCur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const spare = rowPrev2;
    rowPrev2 = rowPrev;
    rowPrev = rowCur;
    rowCur = spare;
  }
  return Math.min(rowPrev[lb] ?? 0, max + 1);
}

/** Optimal-string-alignment distance (Damerau-Levenshtein with adjacent swaps), bounded by `max`. */
export function damerauLevenshtein(a: string, b: string, max = Number.MAX_SAFE_INTEGER): number {
  return boundedEditDistance(a, b, max, true);
}

/** Plain Levenshtein (no transpositions), bounded the same way. */
export function levenshtein(a: string, b: string, max = Number.MAX_SAFE_INTEGER): number {
  return boundedEditDistance(a, b, max, false);
}

/** A 32-bit set of the characters in a string (folded mod 32): a cheap bound for Jaro. */
export function characterMask(s: string): number {
  let mask = 0;
  for (let i = 0; i < s.length; i++) mask |= 1 << (s.charCodeAt(i) & 31);
  return mask;
}

function hitsIn(s: string, mask: number): number {
  let hits = 0;
  for (let i = 0; i < s.length; i++) if ((mask >>> (s.charCodeAt(i) & 31)) & 1) hits++;
  return hits;
}

/**
 * Jaro-Winkler when it can reach `threshold`, otherwise 0. Matching characters can only be
 * characters the other string contains, which bounds Jaro from above without the quadratic
 * search; most unrelated pairs stop there. Masks may be passed in when precomputed.
 */
export function jaroWinklerAtLeast(
  a: string,
  b: string,
  threshold: number,
  maskA = characterMask(a),
  maskB = characterMask(b),
): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const m = Math.min(hitsIn(a, maskB), hitsIn(b, maskA));
  if (m === 0) return 0;
  const jaroBound = (m / la + m / lb + 1) / 3;
  let bound = jaroBound;
  if (jaroBound > 0.7) {
    const limit = Math.min(4, la, lb);
    let prefix = 0;
    while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
    bound = jaroBound + prefix * 0.1 * (1 - jaroBound);
  }
  if (bound < threshold) return 0;
  return jaroWinkler(a, b);
}

/**
 * Damerau-Levenshtein distance <= 1 in linear time: equal, one substitution, one adjacent
 * transposition, or one insertion/deletion. Typo checks on dates and identifiers ask only this.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (la === lb) {
    let i = 0;
    while (i < la && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    // First difference at i: the rest must match after a substitution or a swap.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      a.slice(i + 2) === b.slice(i + 2)
    );
  }
  if (Math.abs(la - lb) !== 1) return false;
  const [short, long] = la < lb ? [a, b] : [b, a];
  let i = 0;
  while (i < short.length && short.charCodeAt(i) === long.charCodeAt(i)) i++;
  return short.slice(i) === long.slice(i + 1);
}
