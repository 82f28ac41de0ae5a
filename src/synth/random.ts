/**
 * Seeded randomness for the synthetic population. Math.random cannot be seeded, and the same
 * seed must always write byte-identical files, so everything random flows through Rng.
 */

/** cyrb128: spreads a seed string over 128 bits so neighbouring seeds ("1", "2") look unrelated. */
export function hashSeed(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A bijection on 32-bit integers (lowbias32): distinct inputs always give distinct outputs. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A keyed bijection on [0, 1,000,000): a four-round Feistel network on two base-1000 halves.
 * It turns a counter into a scattered six-digit number that is still guaranteed unique, which
 * lets identifiers be unique by construction instead of by remembering every one issued.
 */
export function permuteMillion(x: number, key: number): number {
  if (!Number.isInteger(x) || x < 0 || x >= 1_000_000) {
    throw new RangeError(`permuteMillion needs an integer in [0, 1000000), got ${x}`);
  }
  let left = Math.floor(x / 1000);
  let right = x % 1000;
  for (let round = 1; round <= 4; round++) {
    const f = mix32((right + Math.imul(round, 0x9e3779b9)) ^ key) % 1000;
    const next = (left + f) % 1000;
    left = right;
    right = next;
  }
  return left * 1000 + right;
}

/** sfc32: small, fast, and passes PractRand; plenty for synthetic data (not for secrets). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `stream` names an independent sequence, so adding draws to one part never shifts another. */
  constructor(seed: string, stream: string) {
    [this.a, this.b, this.c, this.d] = hashSeed(`${seed}\u0000${stream}`);
    // The first outputs of sfc32 still echo the seed; discarding them decorrelates streams.
    for (let i = 0; i < 15; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return itemAt(items, this.below(items.length));
  }
}

/** Indexed read that fails loudly instead of yielding undefined from an empty or short table. */
export function itemAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`index ${index} outside a table of ${items.length}`);
  return item;
}

/**
 * Weighted choice in O(log n): cumulative weights plus binary search, so tables of thousands of
 * names cost the same per draw as tables of ten.
 */
export class WeightedTable<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(items: readonly T[], weights: readonly number[]) {
    if (items.length === 0 || items.length !== weights.length) {
      throw new RangeError('WeightedTable needs one positive weight per item and at least one item');
    }
    this.items = items;
    this.cumulative = new Float64Array(items.length);
    let running = 0;
    weights.forEach((weight, i) => {
      if (!(weight > 0)) throw new RangeError(`weight ${i} must be positive, got ${weight}`);
      running += weight;
      this.cumulative[i] = running;
    });
    this.total = running;
  }

  get size(): number {
    return this.items.length;
  }

  pick(rng: Rng): T {
    return itemAt(this.items, this.pickIndex(rng));
  }

  pickIndex(rng: Rng): number {
    const target = rng.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] ?? Infinity) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Probability of the item at index, for tests and documentation. */
  share(index: number): number {
    const upTo = this.cumulative[index] ?? 0;
    const before = index > 0 ? (this.cumulative[index - 1] ?? 0) : 0;
    return (upTo - before) / this.total;
  }
}

/**
 * Zipf-Mandelbrot weights 1/(rank + offset)^exponent. Real name frequencies follow this shape:
 * a handful of very common names, then a long tail; the offset flattens the very top so the
 * commonest name is not implausibly dominant.
 */
export function zipfWeights(n: number, exponent: number, offset: number): number[] {
  return Array.from({ length: n }, (_, i) => 1 / (i + 1 + offset) ** exponent);
}

/** Build a table from entries already in popularity order. */
export function rankedTable<T>(items: readonly T[], exponent: number, offset: number): WeightedTable<T> {
  return new WeightedTable(items, zipfWeights(items.length, exponent, offset));
}
