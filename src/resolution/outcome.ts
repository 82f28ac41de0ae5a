import type { NormalisedFields } from '../ingest/validate-row.ts';
import type { Waterfall, WaterfallStep } from '../matching/explain.ts';

/** An accepted feed row waiting to be resolved, as resolution reads it. */
export interface WaitingRow {
  readonly id: number;
  readonly batchId: number;
  readonly rowNumber: number;
  readonly sourceName: string;
  readonly sourceRecordId: string;
  readonly receivedAt: Date;
  /** Normalised by validation: dateOfBirth 'YYYY-MM-DD', nhsNumber, upn, postcode 'SW1A 1AA', ... */
  readonly fields: NormalisedFields;
}

/**
 * A waterfall as stored with a review: levels and weights only. The compared values are read
 * through the access policy when someone looks, so a shielded child's whereabouts are never copied.
 */
export type StoredExplanation = Omit<Waterfall, 'steps'> & {
  steps: Omit<WaterfallStep, 'values'>[];
  /**
   * The child was scored under another of its details than the current ones (resolve-decide.ts
   * scoreAgainst): its levels are against that name or postcode, which the reviewer finds in the
   * child's history.
   */
  scoredUnder?: ScoredUnder;
};

export type ScoredUnder = 'another-name' | 'another-postcode';

export function withoutValues(waterfall: Waterfall): StoredExplanation {
  const steps = waterfall.steps.map((step) => {
    const stored: Partial<WaterfallStep> = { ...step };
    delete stored.values;
    return stored as Omit<WaterfallStep, 'values'>;
  });
  return { ...waterfall, steps };
}

/** One scored pair of a row and a candidate child, kept for review and lineage. */
export interface ScoredCandidate {
  readonly childId: string;
  readonly weight: number;
  readonly probability: number;
  readonly shielded: boolean;
  readonly responsibleLa: string | null;
  readonly explanation: StoredExplanation;
}

/**
 * What resolution decided for one row. The decision is pure (src/resolution/resolve-decide.ts);
 * applying it is the repository's (src/resolution/apply.repository.ts).
 *
 * - link: the row is the child `childId`; its values join the record under survivorship.
 * - new: no child in the index is this row; rows of one batch with the same `group` are one new child.
 * - review: a person decides; `pairs` go to match_review with `reason`. When a shielded child is
 *   among them, nothing visible is created or updated until a shielder decides.
 */
export type RowOutcome =
  | {
      readonly kind: 'link';
      readonly rowId: number;
      readonly childId: string;
      /** 'source-record', 'nhs-number+dob', 'upn+dob', 'probabilistic', 'remembered' */
      readonly rule: string;
      readonly weight: number | null;
      readonly probability: number | null;
    }
  | {
      readonly kind: 'new';
      readonly rowId: number;
      readonly group: number;
      readonly rule: string;
    }
  | {
      readonly kind: 'review';
      readonly rowId: number;
      /** 'review-band', 'shielded-candidate', 'veto:twins', 'veto:strong-identifier-conflict', ... */
      readonly reason: string;
      readonly pairs: readonly ScoredCandidate[];
    };
