import type { ComparisonName } from '../matching/comparisons.ts';
import { aggregatePatterns, buildModel, DEFAULT_EM, expectationMaximisation } from '../matching/estimate.ts';
import type { MatchModel } from '../matching/model.ts';
import { prepareRecord } from '../matching/record.ts';
import { compareAll } from '../matching/score.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import { INDEX_DATE_FORMAT, type IndexRecord } from './index-records.ts';
import { INDEX_COMPARISONS, prepareRow, vetoForIndexPair } from './resolve-decide.ts';

/** Rows of a batch m is learnt from, at most, and at least (with candidates) for it to be tried. */
export const M_SAMPLE_ROWS = 5_000;
export const M_MIN_ROWS = 1_000;

/**
 * The share of the sampled rows EM must find a match for. A batch whose rows mostly find their
 * child in the index shows how one child's records agree across sources; one whose candidates are
 * mostly other children (a source of new children, siblings found by address) would teach EM what
 * a household shares, and m is left as it was.
 */
export const M_MIN_MATCHED_ROWS = 0.5;

/**
 * Identifiers keep their m: two different valid numbers are a veto rather than a weight, and too
 * few rows of a batch carry one for their levels to be learnt.
 */
const M_KEPT: ReadonlySet<ComparisonName> = new Set(['nhsNumber', 'upn', 'otherIdentifier']);

export interface MSample {
  readonly fields: NormalisedFields;
  /** The children blocking found for the row; not the one already holding its source record. */
  readonly candidates: readonly IndexRecord[];
}

export interface LearntM {
  readonly model: MatchModel;
  readonly rows: number;
  readonly pairs: number;
  /** EM's share of the pairs that are the same child. */
  readonly matchShare: number;
}

/**
 * m (how one child's records agree) estimated by EM from feed rows against the children blocking
 * found for them, with u (chance agreement) and the term frequencies kept from `model`: how often
 * a child's address, postcode, town or name differs between two sources is a fact of the data,
 * which the engine's starting values can only guess (they cost a child who has moved about eight
 * bits). Blocking is a union of rules that each leave out a different field (date of birth with a
 * name, both names with a nearby date, postcode with the surname), so a child's own record is found
 * whichever one field disagrees, and the m learnt for a field is not the blocking's.
 *
 * Pairs a safety rule keeps apart (twins, siblings, two valid NHS numbers) are left out: they are
 * known to be two children. Returns null when too few rows have candidates, EM does not converge,
 * or the rows do not mostly find their child (see M_MIN_MATCHED_ROWS).
 */
export function learnM(model: MatchModel, samples: readonly MSample[]): LearntM | null {
  const k = INDEX_COMPARISONS.length;
  const frequencies = model.termFrequencies;
  const vectors: number[] = [];
  let rows = 0;
  for (const sample of samples) {
    const row = prepareRow(sample.fields);
    let paired = false;
    for (const candidate of sample.candidates) {
      const child = prepareRecord(candidate.raw, INDEX_DATE_FORMAT);
      if (vetoForIndexPair(row, child, frequencies) !== null) continue;
      vectors.push(...compareAll(row, child, INDEX_COMPARISONS));
      paired = true;
    }
    if (paired) rows += 1;
  }
  const pairs = vectors.length / k;
  if (rows < M_MIN_ROWS) return null;
  const u = model.comparisons.map((c) => c.levels.map((level) => level.u));
  const fixed = INDEX_COMPARISONS.map((c) => M_KEPT.has(c.name));
  const em = expectationMaximisation(
    INDEX_COMPARISONS,
    aggregatePatterns(Uint8Array.from(vectors), k, pairs),
    u,
    DEFAULT_EM,
    fixed,
  );
  if (!em.converged || em.expectedMatches < M_MIN_MATCHED_ROWS * rows) return null;
  const m = INDEX_COMPARISONS.map((c, ci) =>
    fixed[ci] === true ? (model.comparisons[ci]?.levels.map((level) => level.m) ?? []) : (em.m[ci] ?? []),
  );
  return {
    model: buildModel(INDEX_COMPARISONS, m, u, model.prior, frequencies),
    rows,
    pairs,
    matchShare: em.matchShare,
  };
}
