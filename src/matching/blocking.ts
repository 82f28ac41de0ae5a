import { item } from './arrays.ts';
import type { MatchRecord } from './record.ts';

/**
 * A blocking rule names the pairs worth comparing: records with the same non-null key. Several
 * rules are unioned so a pair missed by one (a typo in the date of birth) is caught by another
 * (the same surname sound and birth year); each rule must stay selective on its own.
 */
export interface BlockingRule {
  name: string;
  key(record: MatchRecord): string | null;
}

function nonEmpty(...parts: string[]): boolean {
  return parts.every((p) => p !== '');
}

export const BLOCK_BY_DATE_OF_BIRTH: BlockingRule = {
  name: 'date of birth',
  key: (r) => (r.dobKey === '' ? null : r.dobKey),
};

export const BLOCK_BY_NAME_SOUNDS: BlockingRule = {
  // Sorted, so a forename and surname recorded the wrong way round still meet.
  name: 'forename sound + surname sound',
  key: (r) => {
    const f = r.forenameCodes[0];
    const s = r.surnameCodes[0];
    if (!nonEmpty(f, s)) return null;
    return f < s ? `${f}|${s}` : `${s}|${f}`;
  },
};

export const DEFAULT_BLOCKING_RULES: readonly BlockingRule[] = [
  { name: 'NHS number', key: (r) => (r.nhsNumber === '' ? null : r.nhsNumber) },
  { name: 'UPN', key: (r) => (r.upn === '' ? null : r.upn) },
  { name: 'other identifier', key: (r) => (r.otherIdentifier === '' ? null : r.otherIdentifier) },
  // The date of birth alone makes large blocks among children (a few thousand possible dates),
  // so it is paired with either initial: a typo rarely hits both.
  {
    name: 'date of birth + surname initial',
    key: (r) =>
      r.dobKey !== '' && r.surname.compact !== '' ? `${r.dobKey}|${r.surname.compact.charAt(0)}` : null,
  },
  {
    name: 'date of birth + forename initial',
    key: (r) => (r.dobKey !== '' && r.forename1 !== '' ? `${r.dobKey}|${r.forename1.charAt(0)}` : null),
  },
  {
    name: 'date of birth + postcode',
    key: (r) => (r.dobKey !== '' && r.postcode ? `${r.dobKey}|${r.postcode.compact}` : null),
  },
  {
    name: 'surname sound + birth year + forename initial',
    key: (r) =>
      r.dobKey !== '' && r.surnameCodes[0] !== '' && r.forename1 !== ''
        ? `${r.surnameCodes[0]}|${r.dobKey.slice(0, 4)}|${r.forename1.charAt(0)}`
        : null,
  },
  BLOCK_BY_NAME_SOUNDS,
  {
    name: 'postcode + forename initial',
    key: (r) => (r.postcode && r.forename1 !== '' ? `${r.postcode.compact}|${r.forename1.charAt(0)}` : null),
  },
  {
    name: 'postcode + house number',
    key: (r) => {
      const number = r.address?.numbers[0];
      return r.postcode && number !== undefined ? `${r.postcode.compact}|${number}` : null;
    },
  },
  {
    name: 'surname + forename initial + birth decade',
    key: (r) =>
      r.surname.compact !== '' && r.forename1 !== '' && r.dobKey !== ''
        ? `${r.surname.compact}|${r.forename1.charAt(0)}|${r.dobKey.slice(0, 3)}`
        : null,
  },
  {
    name: 'house number + street sound',
    key: (r) => {
      const number = r.address?.numbers[0];
      return number !== undefined && r.streetCode !== '' ? `${number}|${r.streetCode}` : null;
    },
  },
  {
    name: 'forename + birth month',
    key: (r) => (r.dobKey !== '' && r.forename1 !== '' ? `${r.forename1}|${r.dobKey.slice(0, 6)}` : null),
  },
];

export interface RuleStats {
  rule: string;
  /** New pairs this rule contributed (pairs already found by an earlier rule are not counted). */
  pairs: number;
  /** Blocks too large to compare in full, and the pairs they would have produced. */
  skippedBlocks: number;
  skippedPairs: number;
}

export interface CandidatePairs {
  /** Index into the left (or only) record list. */
  left: Int32Array;
  /** Index into the right record list (link) or the same list (dedupe). */
  right: Int32Array;
  count: number;
  stats: RuleStats[];
}

export interface BlockingOptions {
  /**
   * A block producing more pairs than this is skipped and counted: a key shared by thousands
   * (a missing-value placeholder, a very common name in one year) says little and costs much.
   */
  maxBlockPairs: number;
}

export const DEFAULT_BLOCKING: BlockingOptions = { maxBlockPairs: 20_000 };

class PairBuffer {
  left: Int32Array = new Int32Array(1 << 16);
  right: Int32Array = new Int32Array(1 << 16);
  count = 0;
  push(a: number, b: number): void {
    if (this.count === this.left.length) {
      const grow = (old: Int32Array): Int32Array => {
        const next = new Int32Array(old.length * 2);
        next.set(old);
        return next;
      };
      this.left = grow(this.left);
      this.right = grow(this.right);
    }
    this.left[this.count] = a;
    this.right[this.count] = b;
    this.count++;
  }
}

/** One rule's keys as small integers (-1 for none), shared between the two sides. */
interface RuleIndex {
  left: Int32Array;
  right: Int32Array;
  keyCount: number;
  /** Keys whose block was too large to compare: pairs sharing them were not emitted. */
  skipped: Uint8Array;
}

function indexRule(
  rule: BlockingRule,
  left: readonly MatchRecord[],
  right: readonly MatchRecord[] | null,
): RuleIndex {
  const ids = new Map<string, number>();
  const encode = (records: readonly MatchRecord[]): Int32Array => {
    const out = new Int32Array(records.length);
    records.forEach((r, i) => {
      // A post-adoption record is never linked, so it is never compared either.
      const key = r.postAdoption ? null : rule.key(r);
      if (key === null) {
        out[i] = -1;
        return;
      }
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
      }
      out[i] = id;
    });
    return out;
  };
  const leftIds = encode(left);
  const rightIds = right === null ? leftIds : encode(right);
  return { left: leftIds, right: rightIds, keyCount: ids.size, skipped: new Uint8Array(ids.size) };
}

/** Records grouped by key with a counting sort: members of key k are members[start[k]..start[k+1]). */
function bucket(ids: Int32Array, keyCount: number): { start: Int32Array; members: Int32Array } {
  const start = new Int32Array(keyCount + 1);
  for (const id of ids) if (id >= 0) start[id + 1] = (start[id + 1] ?? 0) + 1;
  for (let k = 0; k < keyCount; k++) start[k + 1] = (start[k + 1] ?? 0) + (start[k] ?? 0);
  const fill = start.slice(0, keyCount);
  const members = new Int32Array(start[keyCount] ?? 0);
  ids.forEach((id, i) => {
    if (id < 0) return;
    const at = fill[id] ?? 0;
    members[at] = i;
    fill[id] = at + 1;
  });
  return { start, members };
}

/**
 * Candidate pairs from every rule, each pair once: a pair is emitted by the first rule whose
 * key it shares, so later rules skip it without a set of seen pairs.
 * `right` null means dedupe (pairs within `left`); otherwise only pairs across the two lists.
 */
export function generateCandidates(
  left: readonly MatchRecord[],
  right: readonly MatchRecord[] | null,
  rules: readonly BlockingRule[] = DEFAULT_BLOCKING_RULES,
  options: BlockingOptions = DEFAULT_BLOCKING,
): CandidatePairs {
  const indexes = rules.map((rule) => indexRule(rule, left, right));
  const buffer = new PairBuffer();
  const stats: RuleStats[] = [];

  const seenEarlier = (ruleIndex: number, a: number, b: number): boolean => {
    for (let r = 0; r < ruleIndex; r++) {
      const index = item(indexes, r);
      const ka = index.left[a] ?? -1;
      if (ka >= 0 && ka === index.right[b] && index.skipped[ka] === 0) return true;
    }
    return false;
  };

  rules.forEach((rule, r) => {
    const stat: RuleStats = { rule: rule.name, pairs: 0, skippedBlocks: 0, skippedPairs: 0 };
    const index = item(indexes, r);
    const lefts = bucket(index.left, index.keyCount);
    const rights = right === null ? lefts : bucket(index.right, index.keyCount);
    for (let key = 0; key < index.keyCount; key++) {
      const l0 = lefts.start[key] ?? 0;
      const l1 = lefts.start[key + 1] ?? 0;
      const r0 = rights.start[key] ?? 0;
      const r1 = rights.start[key + 1] ?? 0;
      const nl = l1 - l0;
      const size = right === null ? (nl * (nl - 1)) / 2 : nl * (r1 - r0);
      if (size === 0) continue;
      if (size > options.maxBlockPairs) {
        index.skipped[key] = 1;
        stat.skippedBlocks++;
        stat.skippedPairs += size;
        continue;
      }
      for (let x = l0; x < l1; x++) {
        const a = lefts.members[x] ?? 0;
        for (let y = right === null ? x + 1 : r0; y < r1; y++) {
          const b = rights.members[y] ?? 0;
          if (r > 0 && seenEarlier(r, a, b)) continue;
          buffer.push(a, b);
          stat.pairs++;
        }
      }
    }
    stats.push(stat);
  });
  return {
    left: buffer.left.subarray(0, buffer.count),
    right: buffer.right.subarray(0, buffer.count),
    count: buffer.count,
    stats,
  };
}
