import { describe, expect, it } from 'vitest';
import { clusterRecords } from './cluster.ts';
import type { ClusterEdge, ClusterOptions, PairJudgement } from './cluster.ts';

/** Judgements from a table; pairs not in it are neutral. */
function judge(table: Record<string, PairJudgement>): ClusterOptions['judge'] {
  return (a, b) => table[`${Math.min(a, b)}-${Math.max(a, b)}`] ?? { weight: 0, vetoed: false };
}

const options = (table: Record<string, PairJudgement>): ClusterOptions => ({
  judge: judge(table),
  minCrossWeight: -10,
  maxCheckedPairs: 10_000,
  ambiguityMargin: 6.6,
});

describe('clusterRecords', () => {
  it('joins records linked directly or through a chain', () => {
    const edges: ClusterEdge[] = [
      { a: 0, b: 1, weight: 20 },
      { a: 1, b: 2, weight: 18 },
      { a: 3, b: 4, weight: 15 },
    ];
    const { clusterOf, merges } = clusterRecords(6, edges, options({}));
    expect([...clusterOf]).toEqual([0, 0, 0, 3, 3, 5]);
    expect(merges).toBe(3);
  });

  it('never chains two twins together: A~B strong, B~C strong, A and C twins', () => {
    const edges: ClusterEdge[] = [
      { a: 0, b: 1, weight: 40 },
      { a: 1, b: 2, weight: 25 },
    ];
    const result = clusterRecords(3, edges, options({ '0-2': { weight: -Infinity, vetoed: true } }));
    expect(result.clusterOf[0]).not.toBe(result.clusterOf[2]);
    // B goes with A, which it fits far better; C stays apart.
    expect(result.clusterOf[0]).toBe(result.clusterOf[1]);
    expect(result.refusedByVeto).toBe(1);
  });

  it('refuses a merge when a pair across the groups is strongly against it', () => {
    const edges: ClusterEdge[] = [
      { a: 0, b: 1, weight: 30 },
      { a: 1, b: 2, weight: 12 },
    ];
    const result = clusterRecords(3, edges, options({ '0-2': { weight: -25, vetoed: false } }));
    expect(result.clusterOf[2]).toBe(2);
    expect(result.refusedByWeight).toBe(1);
  });

  it('leaves out a record that fits two incompatible people about equally well', () => {
    // 2 (no forename) links to twin 0 and twin 1 alike; 0 and 1 can never be one child.
    const edges: ClusterEdge[] = [
      { a: 0, b: 2, weight: 30 },
      { a: 1, b: 2, weight: 29 },
    ];
    const result = clusterRecords(3, edges, options({ '0-1': { weight: -Infinity, vetoed: true } }));
    expect([...result.clusterOf]).toEqual([0, 1, 2]);
    expect(result.refusedAsAmbiguous).toBe(2);
  });

  it('joins that record to the one person it fits far better', () => {
    const edges: ClusterEdge[] = [
      { a: 0, b: 2, weight: 40 },
      { a: 1, b: 2, weight: 20 },
    ];
    const result = clusterRecords(3, edges, options({ '0-1': { weight: -Infinity, vetoed: true } }));
    expect(result.clusterOf[2]).toBe(0);
    expect(result.clusterOf[1]).toBe(1);
  });

  it('leaves out a record without a name that fits two groups which are perhaps twins', () => {
    // 2 has no forename; 0 and 1 are twins with a typo between them (not vetoed, perhaps two).
    const edges: ClusterEdge[] = [
      { a: 0, b: 2, weight: 30 },
      { a: 1, b: 2, weight: 29 },
    ];
    const table = { '0-1': { weight: 20, vetoed: false, perhapsTwo: true } };
    const nameless = (record: number): boolean => record === 2;
    const result = clusterRecords(3, edges, { ...options(table), nameless });
    expect([...result.clusterOf]).toEqual([0, 1, 2]);
    // A record with a name of its own decides for itself: only a veto makes it ambiguous.
    const named = clusterRecords(3, edges, options(table));
    expect(named.clusterOf[2]).toBe(0);
  });

  it('does not join a record that fits two children to a third record instead', () => {
    // 3 fits twin 0 and twin 1 (vetoed apart) about equally, and 4, a record as uncertain as
    // itself, almost as well: joining 3 and 4 would carry one twin's record onto the other's.
    const edges: ClusterEdge[] = [
      { a: 0, b: 3, weight: 30 },
      { a: 1, b: 3, weight: 29 },
      { a: 3, b: 4, weight: 27 },
    ];
    const result = clusterRecords(5, edges, options({ '0-1': { weight: -Infinity, vetoed: true } }));
    expect([...result.clusterOf]).toEqual([0, 1, 2, 3, 4]);
  });

  it('joins groups across a veto the merged group explains, and only then', () => {
    // 0-1-2 one person; 3 links to them but is vetoed against 2 (twins rule, pairwise).
    const edges: ClusterEdge[] = [
      { a: 0, b: 1, weight: 50 },
      { a: 0, b: 2, weight: 45 },
      { a: 0, b: 3, weight: 40 },
    ];
    const table = { '2-3': { weight: -Infinity, vetoed: true } };
    expect(clusterRecords(4, edges, options(table)).clusterOf[3]).toBe(3);
    const explained = clusterRecords(4, edges, {
      ...options(table),
      vetoExplained: (x, y, merged) => [x, y].sort().join() === '2,3' && merged.length === 4,
    });
    expect([...explained.clusterOf]).toEqual([0, 0, 0, 0]);
  });

  it('joins a record to its group though the group also fits a record it can never join', () => {
    // 0, 1 and 3 one person; 2 has a replaced forename: vetoed against 0 and 3 (twins rule), not
    // against 1, which links to it nearly as well as to 3. 2 is no rival for 0-1: they cannot meet.
    const edges: ClusterEdge[] = [
      { a: 0, b: 1, weight: 38 },
      { a: 0, b: 3, weight: 34.5 },
      { a: 1, b: 3, weight: 33.8 },
      { a: 1, b: 2, weight: 29 },
    ];
    const veto = { weight: -Infinity, vetoed: true };
    const result = clusterRecords(4, edges, options({ '0-2': veto, '2-3': veto }));
    expect([...result.clusterOf]).toEqual([0, 0, 2, 0]);
  });

  it('still counts a rival whose records are mostly joinable as a rival', () => {
    // 4 has no name and fits 0 and the group 1-2-3 alike; 0 and 1 are twins. Only 3 (a replaced
    // birthday) is vetoed against 4: the rest of the group could be 4, so 4 is torn.
    const edges: ClusterEdge[] = [
      { a: 1, b: 2, weight: 41 },
      { a: 1, b: 3, weight: 31 },
      { a: 2, b: 3, weight: 31 },
      { a: 0, b: 4, weight: 22.4 },
      { a: 1, b: 4, weight: 22.4 },
      { a: 2, b: 4, weight: 17.8 },
    ];
    const veto = { weight: -Infinity, vetoed: true };
    const table = { '0-1': veto, '0-3': veto, '3-4': veto };
    const result = clusterRecords(5, edges, { ...options(table), nameless: (r) => r === 4 });
    expect(result.clusterOf[4]).toBe(4);
    expect(result.clusterOf[0]).toBe(0);
  });

  it('holds a record without a name out of two children’s groups however unevenly it fits them', () => {
    const edges: ClusterEdge[] = [
      { a: 0, b: 2, weight: 30 },
      { a: 1, b: 2, weight: 20 },
    ];
    const table = { '0-1': { weight: -Infinity, vetoed: true } };
    const result = clusterRecords(3, edges, { ...options(table), nameless: (r) => r === 2 });
    expect([...result.clusterOf]).toEqual([0, 1, 2]);
  });

  it('does not depend on the order edges are given in', () => {
    const edges: ClusterEdge[] = [
      { a: 0, b: 1, weight: 10 },
      { a: 2, b: 3, weight: 10 },
      { a: 1, b: 2, weight: 9 },
      { a: 4, b: 0, weight: 11 },
    ];
    const table = { '0-3': { weight: -Infinity, vetoed: true } };
    const forward = clusterRecords(5, edges, options(table)).clusterOf;
    const backward = clusterRecords(5, [...edges].reverse(), options(table)).clusterOf;
    expect([...backward]).toEqual([...forward]);
  });
});
