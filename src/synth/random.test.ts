import { describe, expect, it } from 'vitest';
import { Rng, WeightedTable, mix32, permuteMillion, zipfWeights } from './random.ts';

describe('Rng', () => {
  it('repeats exactly for the same seed and stream', () => {
    const a = new Rng('seed', 'stream');
    const b = new Rng('seed', 'stream');
    expect(Array.from({ length: 100 }, () => a.uint32())).toEqual(
      Array.from({ length: 100 }, () => b.uint32()),
    );
  });

  it('gives unrelated sequences for neighbouring seeds and for different streams', () => {
    const first = (rng: Rng): number[] => Array.from({ length: 20 }, () => rng.uint32());
    const base = first(new Rng('1', 'x'));
    expect(first(new Rng('2', 'x'))).not.toEqual(base);
    expect(first(new Rng('1', 'y'))).not.toEqual(base);
  });

  it('keeps below() and int() inside their ranges and reaches both ends', () => {
    const rng = new Rng('range', 'test');
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(rng.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('honours chance() probabilities', () => {
    const rng = new Rng('chance', 'test');
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (rng.chance(0.3)) hits++;
    expect(hits / 100_000).toBeCloseTo(0.3, 2);
  });
});

describe('WeightedTable', () => {
  it('draws items in proportion to their weights', () => {
    const table = new WeightedTable(['a', 'b', 'c'] as const, [1, 2, 7]);
    const rng = new Rng('weights', 'test');
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 100_000; i++) counts[table.pick(rng)]++;
    expect(counts.a / 100_000).toBeCloseTo(0.1, 1);
    expect(counts.b / 100_000).toBeCloseTo(0.2, 1);
    expect(counts.c / 100_000).toBeCloseTo(0.7, 1);
    expect(table.share(2)).toBeCloseTo(0.7, 10);
  });

  it('rejects empty tables and non-positive weights', () => {
    expect(() => new WeightedTable([], [])).toThrow(RangeError);
    expect(() => new WeightedTable(['a'], [0])).toThrow(RangeError);
  });

  it('builds Zipf weights that fall with rank', () => {
    const w = zipfWeights(5, 1, 0);
    expect(w).toEqual([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);
  });
});

describe('bijections', () => {
  it('permuteMillion maps [0, 1e6) onto itself without collisions', () => {
    const seen = new Uint8Array(1_000_000);
    for (let x = 0; x < 1_000_000; x++) seen[permuteMillion(x, 0xdeadbeef)] = 1;
    expect(seen.every((hit) => hit === 1)).toBe(true);
  });

  it('permuteMillion scatters consecutive inputs', () => {
    expect(permuteMillion(1, 7) - permuteMillion(0, 7)).not.toBe(1);
  });

  it('mix32 has no collisions over a large sample', () => {
    const seen = new Set<number>();
    for (let x = 0; x < 200_000; x++) seen.add(mix32(x));
    expect(seen.size).toBe(200_000);
  });
});
