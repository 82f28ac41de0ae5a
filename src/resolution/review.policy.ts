import type { Principal, Role } from '../access/access.model.ts';

/**
 * Who may read and decide the clerical review queue. Pure: the service works out what guards a
 * review and asks here.
 *
 * - Data managers resolve uncertain matches (the design's "who uses it"): they read and decide every
 *   pair that involves no shielded child.
 * - A pair that involves a shielded child (flagged when it was queued, shielded since, or a feed row
 *   that was ever a candidate for a shielded child) belongs to the shielders and management team of
 *   that child's responsible LA alone: its values may be where the child now lives.
 * - Nobody else reads the queue. Auditors see every decision, its reviewer and reason in the audit
 *   trail, and read the children themselves through the record view under an investigation; the
 *   queue's live values are for the people who decide.
 *
 * Reading and deciding follow one rule: whoever may look may decide, and the other way round.
 * A refusal about a review answers "not found", so the queue never tells anyone that a pair they may
 * not see, shielded or not, exists. Only a caller whose roles may see no review at all is told they
 * are forbidden: that says nothing about any child.
 */

/** The parts of a caller the rules read. */
export type Reviewer = Pick<Principal, 'roles' | 'la'>;

/**
 * What guards one review. `shieldedLas` lists, for each shielded child the pair involves or may
 * involve, the LA whose shielders and management team decide it (null when the child has none, in
 * which case nobody can until one is set). Empty when no shielded child is involved.
 */
export interface ReviewGuard {
  readonly shieldedLas: readonly (string | null)[];
}

export type ReviewDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly answer: 'not-found' | 'forbidden'; readonly rule: string };

const REVIEW_ROLES: readonly Role[] = ['data_manager', 'shielder', 'la_management'];

const MANAGING_ROLES: readonly Role[] = ['shielder', 'la_management'];

/** Role-only: may the caller see any review at all? Checked before anything is looked up. */
export function decideReviewCaller(reviewer: Reviewer): ReviewDecision {
  return reviewer.roles.some((role) => REVIEW_ROLES.includes(role))
    ? { allowed: true }
    : { allowed: false, answer: 'forbidden', rule: 'review.roles' };
}

/** Shielder or LA management of `la`. */
export function managesLa(reviewer: Reviewer, la: string | null): boolean {
  return la !== null && reviewer.la === la && reviewer.roles.some((role) => MANAGING_ROLES.includes(role));
}

/** May the caller read this review's values and decide it? */
export function decideReview(reviewer: Reviewer, guard: ReviewGuard): ReviewDecision {
  const caller = decideReviewCaller(reviewer);
  if (!caller.allowed) return caller;
  if (guard.shieldedLas.length === 0) {
    return reviewer.roles.includes('data_manager')
      ? { allowed: true }
      : { allowed: false, answer: 'not-found', rule: 'review.data-managers' };
  }
  // Every shielded child involved must be the caller's to manage: one LA's team never sees the
  // values of a row that may be another LA's shielded child.
  return guard.shieldedLas.every((la) => managesLa(reviewer, la))
    ? { allowed: true }
    : { allowed: false, answer: 'not-found', rule: 'review.shielded-la-team' };
}

/**
 * The LAs the queue may hold reviews for, for a caller who may only see shielded pairs; undefined
 * when the caller may see unshielded pairs (and so needs every review checked).
 */
export function shieldedScopeOf(reviewer: Reviewer): readonly string[] | undefined {
  if (reviewer.roles.includes('data_manager')) return undefined;
  return reviewer.la !== null && reviewer.roles.some((role) => MANAGING_ROLES.includes(role))
    ? [reviewer.la]
    : [];
}

/** One pair a review's guard looks at, with its children's shields as they are now. */
export interface PairShield {
  readonly reviewShielded: boolean;
  readonly reviewLa: string | null;
  readonly children: readonly { readonly shielded: boolean; readonly la: string | null }[];
}

/**
 * The guard of a review from its pair and, for a feed row, every pair the row was queued with: a
 * row that may be a shielded child's is handled as that child is, whichever candidate is looked at.
 * A pair queued as shielded stays with the LA team even if the shield has been lifted since; a child
 * shielded since it was queued brings its LA's team in.
 */
export function guardOf(pairs: readonly PairShield[]): ReviewGuard {
  const las = new Set<string | null>();
  for (const pair of pairs) {
    const shieldedChildren = pair.children.filter((child) => child.shielded);
    if (pair.reviewShielded && shieldedChildren.length === 0) las.add(pair.reviewLa);
    for (const child of shieldedChildren) las.add(child.la ?? pair.reviewLa);
  }
  return { shieldedLas: [...las] };
}
