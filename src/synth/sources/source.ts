import { observe, observeDuplicate } from '../defects.ts';
import type { Defect, DefectRates, Observation } from '../defects.ts';
import { opaqueRecordNumber } from '../identifiers.ts';
import type { Child } from '../population.ts';
import { Rng, hashSeed } from '../random.ts';

export type SourceName = 'dwp_benefits' | 'nhs_demographics' | 'school_census' | 'local_children_services';

export interface SourceRow {
  /** The value of the source's first column: unique within the source, never the child id. */
  readonly recordId: string;
  readonly fields: readonly string[];
  readonly defects: readonly Defect[];
}

export interface SourceProfile {
  readonly kind: 'national' | 'local';
  readonly description: string;
  /** Probability that a child in each group appears (at least once) in the feed. */
  readonly coverage: Readonly<Record<string, number>>;
  readonly defects: DefectRates;
}

export interface Source {
  readonly name: SourceName;
  readonly fileName: string;
  readonly columns: readonly string[];
  readonly profile: SourceProfile;
  rowsFor(child: Child): readonly SourceRow[];
}

/** The per-source randomness and row numbering every feed needs. */
export class SourceContext {
  readonly rng: Rng;
  private readonly key: number;
  private counter = 0;

  constructor(seed: string, name: SourceName) {
    this.rng = new Rng(seed, `source:${name}`);
    this.key = hashSeed(`${seed}\u0000record-id:${name}`)[0];
  }

  nextRecordNumber(): string {
    return opaqueRecordNumber(this.counter++, this.key);
  }

  /** The child as this source saw it, plus, at the duplicate rate, a second differing sighting. */
  sightings(child: Child, rates: DefectRates): Observation[] {
    const first = observe(this.rng, child, rates);
    const duplicate = rates.duplicate ?? 0;
    if (duplicate > 0 && this.rng.chance(duplicate)) return [first, observeDuplicate(this.rng, child, rates)];
    return [first];
  }
}

/** Flat and street on separate lines when there is a flat, so line 1 is never blank. */
export function addressLines(observation: Observation): [string, string, string] {
  const { flat, street, town } = observation.address;
  return flat === '' ? [street, town, ''] : [flat, street, town];
}
