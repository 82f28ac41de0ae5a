import { boysForenames, girlsForenames, mensForenames, womensForenames } from './tables/forenames.ts';
import { surnames } from './tables/surnames.ts';
import { forenameVariants, twinNamePairs } from './tables/variants.ts';
import { rankedTable } from './random.ts';
import {
  doubleForename,
  pickSyntheticSurname,
  syntheticForename,
  syntheticSurname,
  syntheticSurnameSpace,
} from './synthetic-names.ts';
import type { Rng } from './random.ts';

export { forenameVariants, twinNamePairs };
export { syntheticSurname, syntheticSurnameSpace };

export type Sex = 'M' | 'F';

// Shares of names drawn from the synthetic long tails (synthetic-names.ts) rather than the lists.
const SYNTHETIC_SURNAME_SHARE = 0.38;
const SYNTHETIC_FORENAME_SHARE = 0.1;
const DOUBLE_FORENAME_SHARE = 0.03;

const boys = rankedTable(boysForenames, 1, 20);
const girls = rankedTable(girlsForenames, 1, 20);
const men = rankedTable(mensForenames, 0.9, 10);
const women = rankedTable(womensForenames, 0.9, 10);
const listedSurnames = rankedTable(surnames, 1, 15);

export function pickSurname(rng: Rng): string {
  if (!rng.chance(SYNTHETIC_SURNAME_SHARE)) return listedSurnames.pick(rng);
  return pickSyntheticSurname(rng);
}

export function pickForename(rng: Rng, sex: Sex): string {
  if (rng.chance(SYNTHETIC_FORENAME_SHARE)) return syntheticForename(rng, sex);
  const listed = (sex === 'M' ? boys : girls).pick(rng);
  return rng.chance(DOUBLE_FORENAME_SHARE) ? doubleForename(rng, listed, sex) : listed;
}

export function pickAdultForename(rng: Rng, sex: Sex): string {
  return (sex === 'M' ? men : women).pick(rng);
}

/** A twin's name chosen to resemble the co-twin's (Amelia/Amelie), or null if none is listed. */
export function similarTwinName(rng: Rng, sex: Sex): readonly [string, string] {
  return rng.pick(twinNamePairs[sex]);
}

// Derived once: which substitutes a record keeper plausibly writes for a given forename. From a
// full name, any of its listed forms; from a short or variant form, only back to the full name
// (a child registered as Liam is sometimes recorded as William, never as Bill).
const substitutes = new Map<string, string[]>();
for (const [full, forms] of Object.entries(forenameVariants)) {
  const fromFull = substitutes.get(full) ?? [];
  fromFull.push(...forms);
  substitutes.set(full, fromFull);
  for (const form of forms) {
    const fromForm = substitutes.get(form) ?? [];
    if (!fromForm.includes(full)) fromForm.push(full);
    substitutes.set(form, fromForm);
  }
}

export function hasForenameSubstitute(forename: string): boolean {
  return substitutes.has(forename);
}

/** A nickname or spelling variant a source might record instead of `forename`, if any is known. */
export function forenameSubstitute(rng: Rng, forename: string): string | null {
  const options = substitutes.get(forename);
  return options === undefined ? null : rng.pick(options);
}

/** Every name that shares a variant group with `forename` (undirected), for matching. */
export function relatedForenames(forename: string): readonly string[] {
  const related = new Set<string>();
  for (const [full, forms] of Object.entries(forenameVariants)) {
    if (full === forename || forms.includes(forename)) {
      related.add(full);
      for (const form of forms) related.add(form);
    }
  }
  related.delete(forename);
  return [...related];
}
