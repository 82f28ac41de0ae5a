import { DEFAULT_BLOCKING, DEFAULT_BLOCKING_RULES, generateCandidates } from './blocking.ts';
import type { BlockingOptions, BlockingRule, RuleStats } from './blocking.ts';
import { clusterRecords } from './cluster.ts';
import { groupConsensus, groupExplainsVeto, identifiersConfirmTwo } from './group-consensus.ts';
import type { ClusterEdge, PairJudgement } from './cluster.ts';
import type { ComparisonDefinition } from './comparisons.ts';
import {
  INDEX_TWINS,
  decidePair,
  mayBeTwins,
  shareTheirForename,
  thresholdsFromProbabilities,
  vetoFor,
} from './decide.ts';
import type { Thresholds, TwinsPolicy } from './decide.ts';
import {
  DEFAULT_EM,
  aggregatePatterns,
  buildModel,
  countTermFrequencies,
  estimateMatchShare,
} from './estimate.ts';
import type { EmOptions } from './estimate.ts';
import { weightToProbability } from './model.ts';
import type { MatchModel } from './model.ts';
import { namelessRecords } from './nameless.ts';
import type { MatchRecord } from './record.ts';
import { comparisonVectors, compileModel, weightOfLevels } from './score.ts';
import { item } from './arrays.ts';
import { trainParameters } from './train.ts';
import type { SessionReport } from './train.ts';
import type { CompiledModel } from './score.ts';

export type LinkageMode = 'dedupe' | 'link';

export interface LinkageOptions {
  /** Auto-link at or above this match probability. */
  linkProbability: number;
  seed: number;
  /** Random pairs drawn to estimate u. */
  uSamplePairs: number;
  em: EmOptions;
  blocking: BlockingOptions;
  rules: readonly BlockingRule[];
  /**
   * Two groups are not merged when the evidence of a pair across them (its match weight less
   * the prior, in bits) is below this: strong evidence of two people outweighs a chain of
   * links (see cluster.ts). The prior is left out so the rule means the same for any file size.
   */
  minCrossEvidence: number;
  /**
   * Let the group a merge would make explain a veto between two of its records (see
   * group-consensus.ts). For files of people, whose duplicates carry replaced values; not for the
   * index's own children, where each record is already a child and a veto stands.
   */
  explainVetoesByGroup: boolean;
  twins: TwinsPolicy;
  onStage?: (stage: string) => void;
}

export const DEFAULT_LINKAGE: LinkageOptions = {
  linkProbability: 0.99,
  seed: 20_081_125,
  uSamplePairs: 400_000,
  em: DEFAULT_EM,
  blocking: DEFAULT_BLOCKING,
  rules: DEFAULT_BLOCKING_RULES,
  minCrossEvidence: -10,
  explainVetoesByGroup: false,
  twins: INDEX_TWINS,
};

export interface LinkedPair {
  /** Index into the left records (dedupe: the lower index of the pair). */
  left: number;
  /** Index into the right records (dedupe: into the same list). */
  right: number;
  weight: number;
  probability: number;
}

export interface LinkageStats {
  records: number;
  rightRecords: number;
  candidatePairs: number;
  blocking: RuleStats[];
  training: SessionReport[];
  prior: number;
  linkedPairs: number;
  reviewPairs: number;
  vetoedPairs: Record<string, number>;
  clusters: number;
  refusedMerges: { veto: number; weight: number; size: number; ambiguous: number };
  outputPairs: number;
  seconds: Record<string, number>;
}

export interface LinkageResult {
  pairs: LinkedPair[];
  model: MatchModel;
  thresholds: Thresholds;
  stats: LinkageStats;
}

/**
 * Offline linkage, the same engine the index will use: block, compare, estimate u from random
 * pairs and m by EM, score with term frequencies, apply the safety rules, cluster safely.
 * `right` null deduplicates `left`; otherwise only pairs across the two lists are linked.
 */
export function runLinkage(
  comparisons: readonly ComparisonDefinition[],
  left: readonly MatchRecord[],
  right: readonly MatchRecord[] | null,
  overrides: Partial<LinkageOptions> = {},
): LinkageResult {
  const options = { ...DEFAULT_LINKAGE, ...overrides };
  const seconds: Record<string, number> = {};
  let clock = performance.now();
  const stage = (name: string): void => {
    const now = performance.now();
    seconds[name] = Math.round(now - clock) / 1000;
    clock = now;
    options.onStage?.(name);
  };
  const rightSide = right ?? left;
  const k = comparisons.length;

  const candidates = generateCandidates(left, right, options.rules, options.blocking);
  stage('blocking');

  const vectors = comparisonVectors(
    comparisons,
    left,
    rightSide,
    candidates.left,
    candidates.right,
    candidates.count,
  );
  stage('comparing');

  const trained = trainParameters(
    comparisons,
    left,
    right,
    { vectors, pairs: candidates.count },
    {
      seed: options.seed,
      uSamplePairs: options.uSamplePairs,
      em: options.em,
    },
  );
  const { m, u } = trained;
  // The prior is the expected number of matching candidate pairs over all possible pairs.
  const logFactor = m.map((levels, c) =>
    levels.map((mv, l) => (l === 0 || !(mv > 0) ? 0 : Math.log(mv / (u[c]?.[l] ?? mv)))),
  );
  const share = estimateMatchShare(aggregatePatterns(vectors, k, candidates.count), (pattern) =>
    logFactor.reduce((sum, levels, c) => sum + (levels[pattern[c] ?? 0] ?? 0), 0),
  );
  const totalPairs = right === null ? (left.length * (left.length - 1)) / 2 : left.length * right.length;
  const prior = Math.min(0.5, Math.max(share.expectedMatches, 1) / Math.max(totalPairs, 1));
  const allRecords = right === null ? left : [...left, ...right];
  const model = buildModel(comparisons, m, u, prior, countTermFrequencies(allRecords));
  const compiled = compileModel(model, comparisons);
  const thresholds = thresholdsFromProbabilities(options.linkProbability);
  stage('estimating');

  // Dedupe clusters indices of `left`; link clusters left then right, offset by left.length.
  const offset = right === null ? 0 : left.length;
  const recordAt = (i: number): MatchRecord =>
    i < left.length ? item(left, i) : item(rightSide, i - offset);
  // Every pair is scored before any is decided: whether a record is alone under its forename (see
  // TwinsPolicy) must be known before the twins rule reads any pair of it.
  const readsLoneNames = options.twins.retypedLoneNameIsOnePerson;
  const weights = new Float64Array(candidates.count);
  const namedAlike = new Set<MatchRecord>();
  for (let p = 0; p < candidates.count; p++) {
    const a = item(left, candidates.left[p] ?? -1);
    const b = item(rightSide, candidates.right[p] ?? -1);
    const weight = weightOfLevels(compiled, vectors, a, p * k);
    weights[p] = weight;
    if (readsLoneNames && weight >= thresholds.reviewWeight && shareTheirForename(a, b)) {
      namedAlike.add(a);
      namedAlike.add(b);
    }
  }
  const twins: TwinsPolicy = readsLoneNames
    ? { ...options.twins, loneName: (record) => !namedAlike.has(record) }
    : options.twins;
  const edges: ClusterEdge[] = [];
  const vetoedPairs: Record<string, number> = {};
  let reviewPairs = 0;
  for (let p = 0; p < candidates.count; p++) {
    const i = candidates.left[p] ?? -1;
    const j = candidates.right[p] ?? -1;
    const a = item(left, i);
    const b = item(rightSide, j);
    const weight = weights[p] ?? -Infinity;
    if (weight < thresholds.reviewWeight) continue;
    const decision = decidePair(a, b, weight, thresholds, compiled.model.termFrequencies, twins);
    if (decision.veto) vetoedPairs[decision.veto.rule] = (vetoedPairs[decision.veto.rule] ?? 0) + 1;
    if (decision.decision === 'review') reviewPairs++;
    if (decision.decision !== 'link') continue;
    edges.push({ a: i, b: j + offset, weight });
  }
  stage('scoring');

  const frequencies = compiled.model.termFrequencies;
  const judge = (x: number, y: number): PairJudgement => {
    const a = recordAt(x);
    const b = recordAt(y);
    if (vetoFor(a, b, frequencies, twins)) return { weight: -Infinity, vetoed: true };
    return {
      weight: pairWeight(compiled, a, b) - compiled.priorWeight,
      vetoed: false,
      perhapsTwo: mayBeTwins(a, b, frequencies, twins),
    };
  };
  const vetoExplained = (x: number, y: number, merged: readonly number[]): boolean => {
    const a = recordAt(x);
    const b = recordAt(y);
    const veto = vetoFor(a, b, frequencies, twins);
    return (
      veto !== null && groupExplainsVeto(veto.rule, a, b, groupConsensus(merged.map(recordAt)), frequencies)
    );
  };
  const isNameless = namelessRecords(allRecords);
  const clustering = clusterRecords(left.length + (right === null ? 0 : right.length), edges, {
    judge,
    minCrossWeight: options.minCrossEvidence,
    maxCheckedPairs: 100_000,
    ambiguityMargin: thresholds.linkWeight,
    nameless: (x) => isNameless[x] === true,
    groupsApart: (one, other) => identifiersConfirmTwo(one.map(recordAt), other.map(recordAt)),
    ...(options.explainVetoesByGroup ? { vetoExplained } : {}),
  });
  const groups = new Map<number, number[]>();
  clustering.clusterOf.forEach((cluster, i) => {
    const list = groups.get(cluster);
    if (list) list.push(i);
    else groups.set(cluster, [i]);
  });
  const pairs: LinkedPair[] = [];
  let clusters = 0;
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    clusters++;
    for (const [x, i] of members.entries()) {
      for (const j of members.slice(x + 1)) {
        if (right !== null && i >= offset === j >= offset) continue;
        const weight = pairWeight(compiled, recordAt(i), recordAt(j));
        pairs.push({
          left: i,
          right: right === null ? j : j - offset,
          weight,
          probability: weightToProbability(weight),
        });
      }
    }
  }
  stage('clustering');

  return {
    pairs,
    model,
    thresholds,
    stats: {
      records: left.length,
      rightRecords: right?.length ?? 0,
      candidatePairs: candidates.count,
      blocking: candidates.stats,
      training: trained.sessions,
      prior,
      linkedPairs: edges.length,
      reviewPairs,
      vetoedPairs,
      clusters,
      refusedMerges: {
        veto: clustering.refusedByVeto,
        weight: clustering.refusedByWeight,
        size: clustering.refusedBySize,
        ambiguous: clustering.refusedAsAmbiguous,
      },
      outputPairs: pairs.length,
      seconds,
    },
  };
}

function pairWeight(compiled: CompiledModel, a: MatchRecord, b: MatchRecord): number {
  const levels = compiled.comparisons.map((c) => c.compare(a, b));
  return weightOfLevels(compiled, levels, a);
}
