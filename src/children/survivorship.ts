/**
 * Survivorship: which of several sources' values for one field of a child is the current one.
 * The source with the higher precedence for the field wins; between equals, the value received
 * most recently. Losing values are not thrown away: they stay in the record's history with their
 * provenance, so a merge or a correction can bring them back.
 */

export type SourceKind = 'national' | 'local' | 'manual';

/** Ranks when a source's declaration does not rank a field: users' own entries, then national feeds. */
export const DEFAULT_RANK: Readonly<Record<SourceKind, number>> = { manual: 30, national: 20, local: 10 };

export interface SourcePrecedence {
  readonly kind: string;
  /** Field name to rank, from the source's declaration. */
  readonly precedence: Readonly<Record<string, number>>;
}

/** The rank of a source for one field (child record field names: 'name', 'address', 'gender', ...). */
export function sourceRank(source: SourcePrecedence, field: string): number {
  const declared = source.precedence[field];
  if (declared !== undefined) return declared;
  const byKind: Readonly<Record<string, number | undefined>> = DEFAULT_RANK;
  return byKind[source.kind] ?? 0;
}

export interface SurvivorCandidate {
  readonly rank: number;
  readonly receivedAt: Date;
}

/** True when `challenger` should replace `current` as the field's current value. */
export function outranks(challenger: SurvivorCandidate, current: SurvivorCandidate): boolean {
  if (challenger.rank !== current.rank) return challenger.rank > current.rank;
  return challenger.receivedAt.getTime() >= current.receivedAt.getTime();
}

/** The surviving candidate: highest rank, then most recently received (the later wins a tie). */
export function survivor<T extends SurvivorCandidate>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const candidate of candidates) if (best === undefined || outranks(candidate, best)) best = candidate;
  return best;
}
