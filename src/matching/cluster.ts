/**
 * Grouping linked pairs into people. Plain connected components are dangerous: a chain of
 * individually plausible links (A~B, B~C) can join two different children (A and C). Here
 * edges are taken strongest first and two groups merge only when every pair across them
 * passes a check: no veto (twins, conflicting strong identifiers) and no pair scored as
 * clearly different people.
 */
export interface ClusterEdge {
  a: number;
  b: number;
  weight: number;
}

export interface PairJudgement {
  /** Evidence for the pair being one child, in bits; compared with minCrossWeight. */
  weight: number;
  vetoed: boolean;
  /**
   * Not vetoed, but perhaps two children (twins with a typo between their records): enough to
   * make a record that fits both groups ambiguous, not to keep the two apart.
   */
  perhapsTwo?: boolean;
}

export interface ClusterOptions {
  /** Scores any pair of records, compared by blocking or not. */
  judge(a: number, b: number): PairJudgement;
  /**
   * A merge is refused when any pair across the two groups weighs less than this: the pair
   * is positive evidence of two different people, whatever chain connects them.
   */
  minCrossWeight: number;
  /** Larger merges are refused rather than checked: no one child has thousands of records. */
  maxCheckedPairs: number;
  /**
   * A group is not joined to another when it links nearly as well (within this many bits) to a
   * third group that cannot be the same child. A group of nameless records is held back by any
   * link to such a group, however much weaker: it has nothing of its own to choose between twins.
   */
  ambiguityMargin: number;
  /**
   * A record that cannot itself tell twins apart (no forename). A group of only such records is
   * ambiguous between two groups that are perhaps two children, not only between two that are
   * certainly two.
   */
  nameless?: (record: number) => boolean;
  /**
   * Whether the group the merge would make explains away the veto between two of its records
   * (each fits the rest by a different detail). Without it every veto refuses the merge.
   */
  vetoExplained?: (x: number, y: number, merged: readonly number[]) => boolean;
  /**
   * The two groups, taken whole, are two people whatever their pairs say (each confirms its own
   * identifier). Without it only pairs decide.
   */
  groupsApart?: (one: readonly number[], other: readonly number[]) => boolean;
}

export interface ClusterResult {
  /** Group number of each record (the smallest record index in its group). */
  clusterOf: Int32Array;
  merges: number;
  refusedByVeto: number;
  refusedByWeight: number;
  refusedBySize: number;
  refusedAsAmbiguous: number;
}

export function clusterRecords(
  recordCount: number,
  edges: readonly ClusterEdge[],
  options: ClusterOptions,
): ClusterResult {
  const parent = new Int32Array(recordCount);
  for (let i = 0; i < recordCount; i++) parent[i] = i;
  const members = new Map<number, number[]>();
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root] ?? root;
    while (parent[x] !== root) {
      const next = parent[x] ?? root;
      parent[x] = root;
      x = next;
    }
    return root;
  };
  const membersOf = (root: number): number[] => members.get(root) ?? [root];

  const ordered = [...edges].sort((x, y) => y.weight - x.weight || x.a - y.a || x.b - y.b);
  const edgesOf = new Map<number, ClusterEdge[]>();
  for (const edge of ordered) {
    for (const end of [edge.a, edge.b]) {
      const list = edgesOf.get(end);
      if (list) list.push(edge);
      else edgesOf.set(end, [edge]);
    }
  }
  /**
   * A veto between x and y that the group they would join does not explain. The group is built only
   * when a veto needs it: most pairs carry none.
   */
  const vetoStands = (
    judgement: PairJudgement,
    x: number,
    y: number,
    group: () => readonly number[],
  ): boolean => judgement.vetoed && options.vetoExplained?.(x, y, group()) !== true;
  /**
   * Are the two groups two different children (or perhaps two, when `perhaps`), were they to be
   * one group with `beside`?
   */
  const twoChildren = (
    one: readonly number[],
    other: readonly number[],
    perhaps: boolean,
    beside: readonly number[],
  ): boolean => {
    // Too large to check is treated as a conflict: the merge waits for a person to look.
    if (one.length * other.length > options.maxCheckedPairs) return true;
    if (options.groupsApart?.(one, other) === true) return true;
    let merged: number[] | null = null;
    const group = (): number[] => (merged ??= [...one, ...other, ...beside]);
    for (const x of one) {
      for (const y of other) {
        const judgement = options.judge(x, y);
        if (perhaps && judgement.perhapsTwo === true) return true;
        if (vetoStands(judgement, x, y, group)) return true;
      }
    }
    return false;
  };
  /**
   * Most records of `one` are vetoed against `other`: a group that can never join the rival is not
   * torn between it and the target. (One vetoed record of a larger rival, perhaps one with a
   * replaced birthday, does not make the rest of it another child.)
   */
  const neverTogether = (one: readonly number[], other: readonly number[]): boolean => {
    if (one.length * other.length > options.maxCheckedPairs) return false;
    let merged: number[] | null = null;
    const group = (): number[] => (merged ??= [...one, ...other]);
    const vetoed = one.filter((x) => other.some((y) => vetoStands(options.judge(x, y), x, y, group)));
    return vetoed.length * 2 > one.length;
  };
  const nameless = options.nameless;
  /** Does `group` link, nearly as strongly as `weight`, to a group that cannot join `target`? */
  const ambiguous = (
    group: readonly number[],
    groupRoot: number,
    targetRoot: number,
    weight: number,
  ): boolean => {
    const target = membersOf(targetRoot);
    const perhaps = nameless !== undefined && group.every(nameless);
    const rivals: number[][] = [];
    const checked = new Set<number>();
    for (const member of group) {
      for (const edge of edgesOf.get(member) ?? []) {
        // A nameless group cannot say which of two children it is, however well it scores.
        if (!perhaps && edge.weight < weight - options.ambiguityMargin) break;
        const other = edge.a === member ? edge.b : edge.a;
        const root = find(other);
        if (root === groupRoot || root === targetRoot || checked.has(root)) continue;
        checked.add(root);
        const rival = membersOf(root);
        if (neverTogether(rival, group)) continue;
        if (twoChildren(rival, target, perhaps, group)) return true;
        rivals.push(rival);
      }
    }
    // A group that fits two children fits neither: joined to a third group (another record
    // as uncertain as itself) it would carry one twin's details onto the other.
    return rivals.some((one, i) =>
      rivals.slice(i + 1).some((other) => twoChildren(one, other, perhaps, [...group, ...target])),
    );
  };
  /** Every pair across the two groups but the edge's own: a veto standing, or too little weight. */
  const pairsVerdict = (
    left: readonly number[],
    right: readonly number[],
    edge: ClusterEdge,
  ): 'ok' | 'veto' | 'weight' => {
    let merged: number[] | null = null;
    const group = (): number[] => (merged ??= [...left, ...right]);
    for (const x of left) {
      for (const y of right) {
        if (x === edge.a && y === edge.b) continue;
        const judgement = options.judge(x, y);
        // An explained veto says nothing of the weight either: the judge gave it none.
        if (judgement.vetoed) {
          if (vetoStands(judgement, x, y, group)) return 'veto';
          continue;
        }
        if (judgement.weight < options.minCrossWeight) return 'weight';
      }
    }
    return 'ok';
  };
  let merges = 0;
  let refusedAsAmbiguous = 0;
  let refusedByVeto = 0;
  let refusedByWeight = 0;
  let refusedBySize = 0;
  for (const edge of ordered) {
    const ra = find(edge.a);
    const rb = find(edge.b);
    if (ra === rb) continue;
    const left = membersOf(ra);
    const right = membersOf(rb);
    if (left.length * right.length > options.maxCheckedPairs) {
      refusedBySize++;
      continue;
    }
    const verdict = options.groupsApart?.(left, right) === true ? 'veto' : pairsVerdict(left, right, edge);
    if (verdict === 'veto') {
      refusedByVeto++;
      continue;
    }
    if (verdict === 'weight') {
      refusedByWeight++;
      continue;
    }
    if (ambiguous(left, ra, rb, edge.weight) || ambiguous(right, rb, ra, edge.weight)) {
      refusedAsAmbiguous++;
      continue;
    }
    const [root, child] = left.length >= right.length ? [ra, rb] : [rb, ra];
    parent[child] = root;
    members.set(root, [...membersOf(root), ...membersOf(child)]);
    members.delete(child);
    merges++;
  }
  const clusterOf = new Int32Array(recordCount);
  const smallest = new Map<number, number>();
  for (let i = 0; i < recordCount; i++) {
    const root = find(i);
    const first = smallest.get(root) ?? i;
    smallest.set(root, first);
    clusterOf[i] = first;
  }
  return { clusterOf, merges, refusedByVeto, refusedByWeight, refusedBySize, refusedAsAmbiguous };
}
