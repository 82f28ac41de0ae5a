import type { Notes } from './apply-plan.ts';
import type { RowOutcome, ScoredCandidate } from './outcome.ts';

/** What becomes of each row of a chunk, and the pairs it queues for review: pure, from the outcomes. */

export type AppliedStatus = 'linked' | 'created' | 'review';

export interface RowResolution {
  readonly id: number;
  readonly status: AppliedStatus;
  readonly childId: string | null;
  readonly resolution: Readonly<Record<string, unknown>> & { readonly rule: string };
}

export interface ReviewPair {
  readonly feedRowId: number;
  readonly childId: string;
  readonly weight: number;
  readonly probability: number;
  readonly explanation: unknown;
  readonly reason: string;
  readonly shielded: boolean;
  readonly responsibleLa: string | null;
}

function notesOf(notes: Notes, rowId: number): Record<string, unknown> {
  const schemes = notes.get(rowId);
  // Which identifiers were not recorded, never their values.
  return schemes === undefined ? {} : { identifiersNotAdded: schemes };
}

/**
 * Each row's resolution, in the order of the outcomes: a new row whose group was not created (no
 * date of birth, a post-adoption row without an LA) goes to review with the reason.
 */
export function rowResolutions(
  outcomes: readonly RowOutcome[],
  created: { readonly childOf: ReadonlyMap<number, string>; readonly refused: ReadonlyMap<number, string> },
  notes: Notes,
): { resolutions: RowResolution[]; reviews: ReviewPair[] } {
  const { childOf: createdChild, refused } = created;
  const reviews: ReviewPair[] = [];
  const resolutions: RowResolution[] = [];
  for (const outcome of outcomes) {
    const rowId = outcome.rowId;
    switch (outcome.kind) {
      case 'link':
        resolutions.push({
          id: rowId,
          status: 'linked',
          childId: outcome.childId,
          resolution: {
            rule: outcome.rule,
            weight: outcome.weight,
            probability: outcome.probability,
            ...notesOf(notes, rowId),
          },
        });
        break;
      case 'new': {
        const childId = createdChild.get(rowId);
        const reason = refused.get(rowId);
        resolutions.push(
          childId === undefined
            ? {
                id: rowId,
                status: 'review',
                childId: null,
                resolution: {
                  rule: `review:${reason ?? 'not-created'}`,
                  weight: null,
                  probability: null,
                  candidates: 0,
                },
              }
            : {
                id: rowId,
                status: 'created',
                childId,
                resolution: { rule: outcome.rule, weight: null, probability: null, ...notesOf(notes, rowId) },
              },
        );
        break;
      }
      case 'review': {
        const top = outcome.pairs.reduce<ScoredCandidate | undefined>(
          (best, pair) => (best === undefined || pair.weight > best.weight ? pair : best),
          undefined,
        );
        for (const pair of outcome.pairs) {
          reviews.push({
            feedRowId: rowId,
            childId: pair.childId,
            weight: pair.weight,
            probability: pair.probability,
            explanation: pair.explanation,
            reason: outcome.reason,
            shielded: pair.shielded,
            responsibleLa: pair.responsibleLa,
          });
        }
        resolutions.push({
          id: rowId,
          status: 'review',
          childId: null,
          resolution: {
            rule: `review:${outcome.reason}`,
            weight: top?.weight ?? null,
            probability: top?.probability ?? null,
            candidates: outcome.pairs.length,
          },
        });
        break;
      }
    }
  }
  return { resolutions, reviews };
}
