import { DEFAULT_BLOCKING, DEFAULT_BLOCKING_RULES, generateCandidates } from '../matching/blocking.ts';
import { clusterRecords, type ClusterEdge } from '../matching/cluster.ts';
import {
  comparisonsFor,
  MIDDLE_NAMES_COMPARISON,
  type ComparisonDefinition,
} from '../matching/comparisons.ts';
import {
  decidePair,
  forenamesClearlyDiffer,
  bornApart,
  forenameIsOtherName,
  forenamesAreTwoNames,
  namesUnrelated,
  onlyForenameAndBirthShared,
  strongIdentifierConflict,
  thresholdsFromProbabilities,
  vetoFor,
  type Thresholds,
  type Veto,
} from '../matching/decide.ts';
import {
  buildModel,
  countTermFrequencies,
  sampleRandomPairCounts,
  uFromCounts,
} from '../matching/estimate.ts';
import { explainPair } from '../matching/explain.ts';
import type { MatchModel, TermFrequencies } from '../matching/model.ts';
import { prepareRecord, type MatchRecord, type RawPerson } from '../matching/record.ts';
import { compileModel, scorePair, type CompiledModel } from '../matching/score.ts';
import { FIELD_NAMES } from '../matching/source-definition.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import { INDEX_DATE_FORMAT, INDEX_FIELDS, type IndexRecord } from './index-records.ts';
import {
  withoutValues,
  type RowOutcome,
  type ScoredCandidate,
  type ScoredUnder,
  type WaitingRow,
} from './outcome.ts';
import { rowPairKey } from './pair-key.ts';
import type { PairDecision } from './resolution.table.ts';

/**
 * Deciding what each waiting feed row is: a child already in the index (link), a child the index
 * does not hold yet (new), or a question for a person (review). Pure: the rows, their candidates
 * and the remembered decisions are read by the caller, and the outcomes applied by it.
 *
 * Order of the rules, first that applies:
 * 1. a remembered decision: 'not_a_match' removes the candidate, 'link' links (unless rule 2 holds);
 * 2. a shielded candidate scoring at least the review threshold, sharing an NHS number or UPN, or
 *    holding the row's own source record: review ('shielded-candidate'), so nothing visible is
 *    created or updated beside a shielded child until a shielder decides (the 2009 lesson);
 * 3. the row's own source record, then NHS number or UPN with the date of birth: link, unless a
 *    safety veto stands between them;
 * 4. Fellegi-Sunter: the best candidate at or above the link threshold links when no other
 *    candidate is in the review band; a candidate in the band sends the row to review; otherwise
 *    the row is a new child. A vetoed candidate is a different child (a twin, a sibling, another
 *    NHS number) and is neither linked nor asked about, except two conflicting identifiers on a
 *    pair that otherwise scores as a link, with no clean link beside it (see doubtfulVeto).
 *    A pair the score would link goes to review instead when the forename names another child
 *    (clearly different, or another name in its own right), or when only forename and date of
 *    birth agree with the surname and home elsewhere: at national scale each is a twin or a
 *    namesake often enough that a person decides.
 * 5. A row that would link elsewhere or become a new child while a candidate holds its NHS number
 *    or UPN goes to review ('identifier-in-use'): one number cannot belong to two children.
 *
 * A post-adoption row is never linked to, nor reviewed against, any record but its own
 * post-adoption record (the same source record): the pre-adoption identity must not be found from it.
 */

export const INDEX_COMPARISONS: readonly ComparisonDefinition[] = [
  ...comparisonsFor(INDEX_FIELDS),
  MIDDLE_NAMES_COMPARISON,
];

/**
 * An index smaller than this is treated as this large when setting the prior: a young index is
 * still expected to grow towards every child in the country, and a tiny one must not make a
 * handful of agreeing fields look conclusive. 10,000 is the order of one local authority's
 * children of one year group.
 */
export const MIN_PRIOR_POPULATION = 10_000;

/**
 * The prior for incremental matching: a row is about one child, so any one child in the index is
 * its match with probability about 1 / (children in the index). The training file's own prior
 * (matches among all its pairs) says nothing about the index.
 */
export function incrementalPrior(indexedChildren: number): number {
  return 1 / Math.max(indexedChildren, MIN_PRIOR_POPULATION);
}

function normalised(levels: readonly number[]): number[] {
  const sum = levels.slice(1).reduce((total, v) => total + v, 0);
  return levels.map((v, l) => (l === 0 || sum === 0 ? 0 : v / sum));
}

/**
 * The model used before any has been trained (a first small batch): the matching engine's own
 * starting values, initialM (how one child's records agree) and initialU (how often two children
 * agree by chance, from the population of children) in src/matching/comparisons.ts, without term
 * frequencies. They are the published Splink defaults the engine starts EM from, adjusted there to
 * children's data; a trained model replaces them as soon as a batch of 1,000 rows arrives.
 */
export function defaultModel(): MatchModel {
  return buildModel(
    INDEX_COMPARISONS,
    INDEX_COMPARISONS.map((c) => normalised(c.initialM)),
    INDEX_COMPARISONS.map((c) => normalised(c.initialU)),
    incrementalPrior(0),
    null,
  );
}

/**
 * Trains a model on one batch's rows: u (how often two different children agree by chance) from
 * random pairs of its rows, and the term frequencies of forenames and surnames. m (how one child's
 * records agree) stays at the engine's starting values: a batch comes from one source, which holds
 * each child about once, so EM over its pairs learns what siblings share instead. Measured on a
 * Synthetic England NHS batch of 3,000 children, EM put "different valid NHS numbers" at -0.9 bits
 * (default -6.6) and "forenames clearly different" at -0.5 (default -5.0): a household model.
 * m is learnt later, from a batch whose rows find their children in the index (learn-m.ts).
 */
export function trainModel(fields: readonly NormalisedFields[], seed = 20_081_125): MatchModel {
  const records = fields.map(prepareRow);
  const random = sampleRandomPairCounts(INDEX_COMPARISONS, records, null, {
    maxPairs: U_SAMPLE_PAIRS,
    seed,
  });
  return buildModel(
    INDEX_COMPARISONS,
    INDEX_COMPARISONS.map((c) => normalised(c.initialM)),
    uFromCounts(random.counts, INDEX_COMPARISONS),
    incrementalPrior(0),
    countTermFrequencies(records),
  );
}

/** Random pairs drawn for u, as the offline engine draws. */
const U_SAMPLE_PAIRS = 400_000;

export interface Matcher {
  readonly compiled: CompiledModel;
  readonly thresholds: Thresholds;
}

/**
 * The model with parameters for every index comparison, in INDEX_COMPARISONS' order. A model
 * stored before a comparison was added lacks it; the comparison then scores with the engine's
 * starting values until a new model is trained.
 */
export function withIndexComparisons(model: MatchModel): MatchModel {
  const complete =
    model.comparisons.length === INDEX_COMPARISONS.length &&
    INDEX_COMPARISONS.every((c, ci) => model.comparisons[ci]?.name === c.name);
  // Every chunk compiles its matcher through here: a complete model is returned as it is.
  if (complete) return model;
  const starting = defaultModel();
  const comparisons = INDEX_COMPARISONS.map((c, ci) => {
    const params = model.comparisons.find((p) => p.name === c.name) ?? starting.comparisons[ci];
    if (params === undefined) throw new Error(`no parameters for comparison "${c.name}"`);
    return params;
  });
  return { ...model, comparisons };
}

/** The model compiled with the prior of an index holding `indexedChildren` children. */
export function matcherFor(model: MatchModel, indexedChildren: number): Matcher {
  return {
    compiled: compileModel(
      { ...withIndexComparisons(model), prior: incrementalPrior(indexedChildren) },
      INDEX_COMPARISONS,
    ),
    thresholds: thresholdsFromProbabilities(),
  };
}

export function rowPerson(fields: NormalisedFields): RawPerson {
  const person: RawPerson = {};
  for (const field of FIELD_NAMES) {
    const value = fields[field];
    if (value !== undefined) person[field] = value;
  }
  if (fields.postAdoption === true) person.postAdoption = true;
  const middleNames = fields.extra?.middle_names ?? fields.extra?.other_given_names;
  if (middleNames !== undefined) person.middleNames = middleNames;
  return person;
}

export function prepareRow(fields: NormalisedFields): MatchRecord {
  return prepareRecord(rowPerson(fields), INDEX_DATE_FORMAT);
}

/** Candidates blocking found for one row. */
export interface RowCandidateIds {
  readonly childIds: ReadonlySet<string>;
  /** The child holding the row's own source record. */
  readonly sourceRecordChild: string | null;
}

export interface ChunkInput {
  /** In row order. */
  readonly rows: readonly WaitingRow[];
  readonly candidates: ReadonlyMap<number, RowCandidateIds>;
  readonly index: ReadonlyMap<string, IndexRecord>;
  /** match_decision by pair key (rowPairKey). */
  readonly remembered: ReadonlyMap<string, PairDecision>;
  readonly matcher: Matcher;
}

export interface ChunkDecision {
  /** One per decided row, in row order. */
  readonly outcomes: RowOutcome[];
  /**
   * Rows left waiting for the next chunk: each looks like a row decided 'new' earlier in this
   * chunk but not clearly enough to join it, or would link to a child another row of the chunk
   * links to under another NHS number or UPN. Once that child is in the index, or holds that
   * number, the row is decided against it like any other candidate (and can go to review, which
   * needs a child to point at).
   */
  readonly deferred: number[];
}

/** The pair keys to look up in match_decision before deciding a chunk. */
export function candidatePairKeys(
  rows: readonly WaitingRow[],
  candidates: ReadonlyMap<number, RowCandidateIds>,
): string[] {
  const keys: string[] = [];
  for (const row of rows) {
    for (const childId of candidates.get(row.id)?.childIds ?? []) {
      keys.push(rowPairKey(row.sourceName, row.sourceRecordId, childId));
    }
  }
  return keys;
}

/** A row scored against one child, with the decision on the pair alone. */
export interface Scored extends IndexEntry {
  readonly weight: number;
  readonly probability: number;
  readonly decision: ReturnType<typeof decidePair>;
  /** Scored under another of the child's details than its current ones. */
  readonly under?: ScoredUnder;
}

/** A child of the index prepared for matching. */
export interface IndexEntry {
  readonly child: IndexRecord;
  readonly record: MatchRecord;
  /**
   * The child under each of its other names (otherNames), and at each other postcode its rows give
   * (otherPostcodes, with no street), otherwise as `record`.
   */
  readonly otherwise?: readonly { readonly record: MatchRecord; readonly under: ScoredUnder }[];
}

export function indexEntry(child: IndexRecord): IndexEntry {
  const record = prepareRecord(child.raw, INDEX_DATE_FORMAT);
  const names = child.otherNames ?? [];
  const postcodes = child.otherPostcodes ?? [];
  if (names.length === 0 && postcodes.length === 0) return { child, record };
  const underOtherNames = names.map(({ forename, middleNames, surname }) => {
    const raw: RawPerson = { ...child.raw, forename, surname };
    if (middleNames === null) delete raw.middleNames;
    else raw.middleNames = middleNames;
    return raw;
  });
  const atOtherPostcodes = postcodes.map((postcode) => {
    const raw: RawPerson = { ...child.raw, postcode };
    delete raw.address;
    delete raw.town;
    return raw;
  });
  const prepare = (under: ScoredUnder) => (raw: RawPerson) => ({
    record: prepareRecord(raw, INDEX_DATE_FORMAT),
    under,
  });
  const otherwise = [
    ...underOtherNames.map(prepare('another-name')),
    ...atOtherPostcodes.map(prepare('another-postcode')),
  ];
  return { child, record, otherwise };
}

/**
 * One row against one child, as every candidate of a chunk is scored. A child is scored under
 * its current details and, where that is better, under another name it still holds (a former
 * surname that a school still uses, a first name one source spells another way) or at another
 * postcode its rows give (the school's, when the address came from a source that had not heard
 * of a move). The current details' safety rules stand: a row vetoed against them (a twin's) is
 * vetoed whatever the others say, and the others are used only when they raise no veto of their own.
 */
export function scoreAgainst(matcher: Matcher, row: MatchRecord, entry: IndexEntry): Scored {
  const current = scoreUnder(matcher, row, entry, entry.record);
  if (current.decision.veto !== null) return current;
  let best = current;
  for (const { record, under } of entry.otherwise ?? []) {
    const scored = { ...scoreUnder(matcher, row, entry, record), under };
    if (scored.decision.veto === null && scored.weight > best.weight) best = scored;
  }
  return best;
}

function scoreUnder(matcher: Matcher, row: MatchRecord, entry: IndexEntry, record: MatchRecord): Scored {
  const score = scorePair(matcher.compiled, row, record);
  return {
    ...entry,
    record,
    weight: score.weight,
    probability: score.probability,
    decision: decideIndexPair(row, record, score.weight, matcher),
  };
}

function sharesStrongIdentifier(a: MatchRecord, b: MatchRecord): boolean {
  return (a.nhsNumber !== '' && a.nhsNumber === b.nhsNumber) || (a.upn !== '' && a.upn === b.upn);
}

function identifierRule(a: MatchRecord, b: MatchRecord): string | null {
  if (a.dobKey === '' || a.dobKey !== b.dobKey) return null;
  if (a.nhsNumber !== '' && a.nhsNumber === b.nhsNumber) return 'nhs-number+dob';
  if (a.upn !== '' && a.upn === b.upn) return 'upn+dob';
  return null;
}

/** Prepares each index record once per chunk: many rows share candidates. */
class IndexRecords {
  private readonly prepared = new Map<string, IndexEntry>();
  constructor(private readonly index: ReadonlyMap<string, IndexRecord>) {}
  get(childId: string): IndexEntry | null {
    const prepared = this.prepared.get(childId);
    if (prepared !== undefined) return prepared;
    const child = this.index.get(childId);
    if (child === undefined) return null;
    const entry = indexEntry(child);
    this.prepared.set(childId, entry);
    return entry;
  }
}

/** A scored pair as a review stores it: levels and weights, no values. */
export function scoredCandidate(matcher: Matcher, row: MatchRecord, scored: Scored): ScoredCandidate {
  const waterfall = explainPair(matcher.compiled, row, scored.record, matcher.thresholds);
  return {
    childId: scored.child.childId,
    weight: scored.weight,
    probability: scored.probability,
    shielded: scored.child.shielded,
    responsibleLa: scored.child.responsibleLa,
    explanation: {
      ...withoutValues(waterfall),
      ...(scored.under === undefined ? {} : { scoredUnder: scored.under }),
    },
  };
}

type Verdict =
  | { readonly kind: 'link'; readonly to: Scored | null; readonly childId: string; readonly rule: string }
  | { readonly kind: 'new'; readonly rule: string }
  | { readonly kind: 'review'; readonly reason: string; readonly pairs: readonly Scored[] };

/**
 * A veto that a person should look at: two valid identifiers disagree while everything else
 * agrees well enough to link (a mistyped number that still passes its check, a re-issued one).
 * (same date of birth, forenames not clearly different). Twins and siblings are two children: asking a
 * person about every sibling of every child would bury the real questions.
 */
function doubtfulVeto(row: MatchRecord, s: Scored, thresholds: Thresholds): boolean {
  const veto = s.decision.veto;
  return (
    veto !== null &&
    veto.rule === 'strong-identifier-conflict' &&
    s.weight >= thresholds.linkWeight &&
    row.dobKey !== '' &&
    row.dobKey === s.record.dobKey &&
    !forenamesClearlyDiffer(row.forename1, s.record.forename1)
  );
}

/**
 * Far ahead of every other contender: a sibling or a duplicate scoring in the review band (or
 * even above the link threshold) beside a near-certain match does not make the row doubtful.
 * The row is one child at most, so the candidates' odds share one posterior; the best must hold
 * the link probability of it, and lead the next by a factor of about a thousand.
 */
function decisive(best: Scored, contenders: readonly Scored[], thresholds: Thresholds): boolean {
  let othersOdds = 2 ** -best.weight;
  for (const s of contenders) {
    if (s === best) continue;
    if (best.weight - s.weight < DECISIVE_LEAD) return false;
    othersOdds += 2 ** (s.weight - best.weight);
  }
  return -Math.log2(othersOdds) >= thresholds.linkWeight;
}

/** log2 of the lead over the next contender: ten bits, odds of about 1,000 to 1. */
const DECISIVE_LEAD = 10;

const UNRELATED_NAMES: Veto = {
  rule: 'different-person-details',
  reason: 'forename and surname both clearly different: only the household and date of birth agree',
};

const MIDDLE_NAME =
  'the forename of one is a middle name of the other, everything else agreeing: one child called by a middle name, or twins';

const OTHER_FORENAME =
  'the forenames are two different names and no identifier is shared: perhaps a twin or another child of the same surname and birthday';

const OTHER_SURNAME =
  'the surname is clearly different and no home or identifier is shared: perhaps another child of the same forename and birthday';

const BORN_APART: Veto = {
  rule: 'different-person-details',
  reason: 'dates of birth clearly different and no identifier in common: perhaps a brother or sister',
};

/** Rules an index of children adds to the engine's vetoes (see namesUnrelated and bornApart). */
function childIndexVeto(a: MatchRecord, b: MatchRecord): Veto | null {
  if (namesUnrelated(a, b)) return UNRELATED_NAMES;
  if (bornApart(a, b)) return BORN_APART;
  return null;
}

/** Every veto that keeps a feed row and an index child apart: the engine's and the index's own. */
export function vetoForIndexPair(
  a: MatchRecord,
  b: MatchRecord,
  frequencies: TermFrequencies | null,
): Veto | null {
  return vetoFor(a, b, frequencies) ?? childIndexVeto(a, b);
}

function indexVeto(a: MatchRecord, b: MatchRecord, matcher: Matcher): Veto | null {
  return vetoForIndexPair(a, b, matcher.compiled.model.termFrequencies);
}

function decideIndexPair(
  a: MatchRecord,
  b: MatchRecord,
  weight: number,
  matcher: Matcher,
): ReturnType<typeof decidePair> {
  const { thresholds } = matcher;
  const decided = decidePair(a, b, weight, thresholds, matcher.compiled.model.termFrequencies);
  // Called by a middle name, a child looks like its own twin. Only a person can tell the two
  // apart, so the pair is asked about rather than left to make a second record of the child.
  if (decided.veto?.rule === 'twins' && forenameIsOtherName(a, b) && weight >= thresholds.reviewWeight) {
    return { decision: 'review', veto: null, deterministic: null, hold: MIDDLE_NAME };
  }
  if (decided.veto !== null) return decided;
  const veto = childIndexVeto(a, b);
  if (veto === null) {
    // A national index holds many children of one surname and birthday; when the forename names
    // another child, a person decides rather than the score.
    if (decided.decision !== 'link') return decided;
    if (forenamesAreTwoNames(a, b, matcher.compiled.model.termFrequencies)) {
      return {
        ...decided,
        decision: 'review',
        hold: forenameIsOtherName(a, b) ? MIDDLE_NAME : OTHER_FORENAME,
      };
    }
    if (onlyForenameAndBirthShared(a, b)) return { ...decided, decision: 'review', hold: OTHER_SURNAME };
    return decided;
  }
  return { decision: weight >= thresholds.reviewWeight ? 'review' : 'new', veto, deterministic: null };
}

function byWeight(a: Scored, b: Scored): number {
  return b.weight - a.weight || (a.child.childId < b.child.childId ? -1 : 1);
}

/** Why a row with candidates in the review band waits for a person: the first hold that applies. */
function bandReason(band: readonly Scored[], nothingLinks: boolean): string {
  const holds = new Set(band.map((s) => s.decision.hold));
  if (holds.has(MIDDLE_NAME)) return 'middle-name';
  if (holds.has(OTHER_FORENAME)) return 'other-forename';
  if (holds.has(OTHER_SURNAME)) return 'other-surname';
  const held = band.some((s) => s.decision.hold !== undefined);
  return held && nothingLinks ? 'household-only' : 'review-band';
}

/** The verdict on one row against the index alone. */
function judgeRow(
  row: WaitingRow,
  record: MatchRecord,
  found: RowCandidateIds | undefined,
  index: IndexRecords,
  input: ChunkInput,
): Verdict {
  const { remembered, matcher } = input;
  const { thresholds } = matcher;
  const sourceRecordChild = found?.sourceRecordChild ?? null;
  const scored: Scored[] = [];
  let rememberedLink: string | null = null;
  for (const childId of found?.childIds ?? []) {
    const decision = remembered.get(rowPairKey(row.sourceName, row.sourceRecordId, childId));
    if (decision === 'not_a_match') continue;
    const entry = index.get(childId);
    if (entry === null) continue;
    // Only its own post-adoption record may be put beside a post-adoption row.
    if (record.postAdoption && !(childId === sourceRecordChild && entry.record.postAdoption)) continue;
    if (decision === 'link') rememberedLink ??= childId;
    scored.push(scoreAgainst(matcher, record, entry));
  }
  scored.sort(byWeight);

  const shielded = scored.filter(
    (s) =>
      s.child.shielded &&
      (s.weight >= thresholds.reviewWeight ||
        sharesStrongIdentifier(record, s.record) ||
        s.child.childId === sourceRecordChild ||
        s.child.childId === rememberedLink),
  );
  // A person linked this record to that child before; a shielded child is still only ever
  // changed by a shielder's own decision, never automatically.
  if (rememberedLink !== null && shielded.length === 0) {
    return { kind: 'link', to: null, childId: rememberedLink, rule: 'remembered' };
  }
  if (shielded.length > 0) {
    const others = scored.filter((s) => !s.child.shielded && s.weight >= thresholds.reviewWeight);
    return { kind: 'review', reason: 'shielded-candidate', pairs: [...shielded, ...others] };
  }
  if (record.postAdoption) {
    // Its own (unshielded) post-adoption record cannot exist: post-adoption records are shielded.
    return { kind: 'new', rule: 'post-adoption' };
  }

  const holders = scored.filter((s) => sharesStrongIdentifier(record, s.record));
  const guard = (verdict: Verdict): Verdict => {
    if (verdict.kind === 'review') return verdict;
    const target = verdict.kind === 'link' ? verdict.childId : null;
    const clash = holders.filter((s) => s.child.childId !== target);
    if (clash.length === 0) return verdict;
    const linked = verdict.kind === 'link' && verdict.to !== null ? [verdict.to] : [];
    return { kind: 'review', reason: 'identifier-in-use', pairs: [...linked, ...clash] };
  };

  const own = scored.find((s) => s.child.childId === sourceRecordChild);
  if (own !== undefined) {
    const veto = own.decision.veto;
    if (veto === null)
      return guard({ kind: 'link', to: own, childId: own.child.childId, rule: 'source-record' });
    return { kind: 'review', reason: `veto:${veto.rule}`, pairs: [own] };
  }

  const deterministic = scored
    .map((s) => ({ s, rule: s.decision.veto === null ? identifierRule(record, s.record) : null }))
    .filter((d): d is { s: Scored; rule: string } => d.rule !== null);
  const first = deterministic[0];
  if (first !== undefined) {
    if (deterministic.length > 1) {
      return { kind: 'review', reason: 'conflicting-identifiers', pairs: deterministic.map((d) => d.s) };
    }
    return guard({ kind: 'link', to: first.s, childId: first.s.child.childId, rule: first.rule });
  }

  const links = scored.filter((s) => s.decision.decision === 'link');
  const band = scored.filter((s) => s.decision.decision === 'review' && s.decision.veto === null);
  const vetoed = scored.filter((s) => doubtfulVeto(record, s, thresholds));
  const best = links[0];
  if (
    best !== undefined &&
    best.decision.hold === undefined &&
    decisive(best, [...links, ...band], thresholds)
  ) {
    return guard({ kind: 'link', to: best, childId: best.child.childId, rule: 'probabilistic' });
  }
  if (links.length > 1) return { kind: 'review', reason: 'ambiguous', pairs: [...links, ...band] };
  if (best !== undefined || band.length > 0) {
    return {
      kind: 'review',
      reason: bandReason(band, best === undefined),
      pairs: [...links, ...band],
    };
  }
  const firstVeto = vetoed[0]?.decision.veto;
  if (firstVeto !== undefined && firstVeto !== null) {
    return { kind: 'review', reason: `veto:${firstVeto.rule}`, pairs: vetoed };
  }
  return guard({ kind: 'new', rule: 'new' });
}

interface NewRow {
  readonly row: WaitingRow;
  readonly record: MatchRecord;
}

/**
 * Rows that are new to the index, grouped into children: the same blocking, scoring, vetoes and
 * safe clustering as offline dedupe. A pair left uncertain across two groups, or two groups
 * sharing an NHS number or UPN, defers the later row to the next chunk.
 */
function groupNewRows(
  rows: readonly NewRow[],
  matcher: Matcher,
): { group: Map<number, number>; deferred: Set<number> } {
  const group = new Map<number, number>();
  const deferred = new Set<number>();
  const grouped = rows.filter((r) => !r.record.postAdoption);
  for (const r of rows) if (r.record.postAdoption) group.set(r.row.id, r.row.rowNumber);
  if (grouped.length === 0) return { group, deferred };
  const records = grouped.map((r) => r.record);
  const { compiled, thresholds } = matcher;
  const candidates = generateCandidates(records, null, DEFAULT_BLOCKING_RULES, DEFAULT_BLOCKING);
  const edges: ClusterEdge[] = [];
  const uncertain: [number, number][] = [];
  const pairsOf: [number, number][] = [];
  for (let p = 0; p < candidates.count; p++) {
    const i = candidates.left[p] ?? 0;
    const j = candidates.right[p] ?? 0;
    const a = records[i];
    const b = records[j];
    if (a === undefined || b === undefined) continue;
    pairsOf.push([i, j]);
    const { weight } = scorePair(compiled, a, b);
    const decision = decideIndexPair(a, b, weight, matcher);
    const sameIds = decision.veto === null && identifierRule(a, b) !== null;
    if (decision.decision === 'link' || sameIds) edges.push({ a: i, b: j, weight });
    else if (decision.decision === 'review' && decision.veto === null) uncertain.push([i, j]);
  }
  const clustering = clusterRecords(records.length, edges, {
    judge: (x, y) => {
      const a = records[x];
      const b = records[y];
      if (a === undefined || b === undefined || indexVeto(a, b, matcher) !== null)
        return { weight: -Infinity, vetoed: true };
      return { weight: scorePair(compiled, a, b).weight - compiled.priorWeight, vetoed: false };
    },
    minCrossWeight: -10,
    maxCheckedPairs: 10_000,
    ambiguityMargin: thresholds.linkWeight,
  });
  const cluster = (i: number): number => clustering.clusterOf[i] ?? i;
  const later = (i: number, j: number): number => {
    const a = grouped[i]?.row.rowNumber ?? 0;
    const b = grouped[j]?.row.rowNumber ?? 0;
    return a > b ? i : j;
  };
  for (const [i, j] of uncertain) if (cluster(i) !== cluster(j)) deferred.add(later(i, j));
  for (const [i, j] of pairsOf) {
    const a = records[i];
    const b = records[j];
    if (a && b && cluster(i) !== cluster(j) && sharesStrongIdentifier(a, b)) deferred.add(later(i, j));
  }
  grouped.forEach((r, i) => {
    if (deferred.has(i)) return;
    // The group is named by its earliest row, so it is unique within the batch.
    group.set(r.row.id, grouped[cluster(i)]?.row.rowNumber ?? r.row.rowNumber);
  });
  return { group, deferred: new Set([...deferred].map((i) => grouped[i]?.row.id ?? -1)) };
}

/**
 * Rows of one chunk that would link to the same child while carrying two different NHS numbers or
 * UPNs: two people (twins, one record per school in the census) whom the child could not yet tell
 * apart, since neither number was on it when the chunk was read. The best-scoring row links; the
 * others wait for the next chunk, where the child holds that row's number and the safety rule for
 * conflicting identifiers decides them, as it would had they come a chunk later.
 */
function linksClaimingOneChildTwice(
  verdicts: readonly { row: WaitingRow; record: MatchRecord; verdict: Verdict }[],
): number[] {
  const byChild = new Map<string, { row: WaitingRow; record: MatchRecord; weight: number }[]>();
  for (const { row, record, verdict } of verdicts) {
    if (verdict.kind !== 'link') continue;
    const weight = verdict.to?.weight ?? Infinity;
    byChild.set(verdict.childId, [...(byChild.get(verdict.childId) ?? []), { row, record, weight }]);
  }
  const waiting: number[] = [];
  for (const links of byChild.values()) {
    if (links.length < 2) continue;
    const kept: MatchRecord[] = [];
    for (const link of links.sort((a, b) => b.weight - a.weight || a.row.rowNumber - b.row.rowNumber)) {
      if (kept.some((record) => strongIdentifierConflict(record, link.record) !== null))
        waiting.push(link.row.id);
      else kept.push(link.record);
    }
  }
  return waiting;
}

export function decideChunk(input: ChunkInput): ChunkDecision {
  const { matcher } = input;
  const index = new IndexRecords(input.index);
  const verdicts = input.rows.map((row) => {
    const record = prepareRow(row.fields);
    const verdict = judgeRow(row, record, input.candidates.get(row.id), index, input);
    return { row, record, verdict };
  });
  const fresh = verdicts.filter((v) => v.verdict.kind === 'new');
  const { group, deferred } = groupNewRows(fresh, matcher);
  for (const id of linksClaimingOneChildTwice(verdicts)) deferred.add(id);
  const outcomes: RowOutcome[] = [];
  for (const { row, record, verdict } of verdicts) {
    switch (verdict.kind) {
      case 'link':
        if (deferred.has(row.id)) break;
        outcomes.push({
          kind: 'link',
          rowId: row.id,
          childId: verdict.childId,
          rule: verdict.rule,
          weight: verdict.to?.weight ?? null,
          probability: verdict.to?.probability ?? null,
        });
        break;
      case 'new': {
        if (deferred.has(row.id)) break;
        outcomes.push({
          kind: 'new',
          rowId: row.id,
          group: group.get(row.id) ?? row.rowNumber,
          rule: verdict.rule,
        });
        break;
      }
      case 'review': {
        const seen = new Set<string>();
        const pairs = verdict.pairs.filter((s) => !seen.has(s.child.childId) && seen.add(s.child.childId));
        outcomes.push({
          kind: 'review',
          rowId: row.id,
          reason: verdict.reason,
          pairs: pairs.map((s) => scoredCandidate(matcher, record, s)),
        });
        break;
      }
    }
  }
  return { outcomes, deferred: [...deferred] };
}

/** A link the chunk decided that a person must look at first. */
export interface HeldLink {
  readonly row: WaitingRow;
  readonly child: IndexRecord;
}

/** Each held link turned into a review of the same pair, for `reason`. */
export function holdLinks(
  outcomes: readonly RowOutcome[],
  held: readonly HeldLink[],
  reason: string,
  matcher: Matcher,
): RowOutcome[] {
  const byRow = new Map(held.map((h) => [h.row.id, h]));
  return outcomes.map((outcome) => {
    const link = byRow.get(outcome.rowId);
    if (link === undefined || outcome.kind !== 'link') return outcome;
    const row = prepareRow(link.row.fields);
    const pair = scoredCandidate(matcher, row, scoreAgainst(matcher, row, indexEntry(link.child)));
    return { kind: 'review', rowId: outcome.rowId, reason, pairs: [pair] };
  });
}
