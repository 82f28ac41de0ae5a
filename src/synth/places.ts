import { localAuthorities } from './tables/local-authorities.ts';
import type { LocalAuthorityData, Region } from './tables/local-authorities.ts';
import { saints, streetEndings, streetStems } from './tables/streets.ts';
import { Rng, WeightedTable, itemAt } from './random.ts';

export interface School {
  /** Position in allSchools: a dense key for per-school counters. */
  readonly index: number;
  readonly urn: number;
  /** DfE establishment number, unique within the LA (2xxx primary, 4xxx secondary). */
  readonly establishment: number;
  readonly name: string;
  readonly laCode: number;
  readonly phase: 'primary' | 'secondary';
}

export interface LocalAuthority {
  readonly code: number;
  readonly name: string;
  readonly region: Region;
  readonly districts: readonly { readonly town: string; readonly outward: string }[];
  readonly primaries: readonly School[];
  readonly secondaries: readonly School[];
  readonly gpPractices: readonly string[];
}

export interface Address {
  /** "Flat 3" or "" */
  readonly flat: string;
  /** House number and street, e.g. "27 Oak Road". */
  readonly street: string;
  readonly town: string;
  readonly postcode: string;
  readonly laCode: number;
}

// Royal Mail's inward-code unit letters: never C, I, K, M, O or V.
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

// The NHS organisation-code letter that practices in each region start with.
const practiceLetter: Readonly<Record<Region, string>> = {
  London: 'F',
  'West Midlands': 'M',
  'North West': 'P',
  Yorkshire: 'B',
  'North East': 'A',
  'South West': 'L',
  'South East': 'J',
  'East of England': 'D',
  'East Midlands': 'C',
};

function schoolName(rng: Rng, phase: School['phase'], town: string): string {
  const stem = rng.pick(streetStems);
  const roll = rng.float();
  if (phase === 'primary') {
    if (roll < 0.15) return `St ${rng.pick(saints)} CofE Primary School`;
    if (roll < 0.27) return `St ${rng.pick(saints)} Catholic Primary School`;
    if (roll < 0.4) return `${stem} Primary Academy`;
    if (roll < 0.5) return `${stem} Infant and Junior School`;
    return `${stem} Primary School`;
  }
  if (roll < 0.3) return `${town} Academy`;
  if (roll < 0.5) return `${stem} High School`;
  if (roll < 0.6) return `St ${rng.pick(saints)} Catholic High School`;
  if (roll < 0.8) return `${stem} Academy`;
  return `${stem} School`;
}

/**
 * Schools, practices and districts are the fixed geography of the synthetic England: they come
 * from a constant stream, not the run's seed, so every seed describes the same country.
 */
function buildAuthorities(): LocalAuthority[] {
  const rng = new Rng('synthetic-england', 'geography');
  const schools: School[] = [];
  return localAuthorities.map((data: LocalAuthorityData, laIndex) => {
    const districts = Object.entries(data.areas).flatMap(([town, outwards]) =>
      outwards.map((outward) => ({ town, outward })),
    );
    const makeSchools = (phase: School['phase'], count: number, base: number): School[] =>
      Array.from({ length: count }, (_, i) => {
        const school: School = {
          index: schools.length,
          urn: 100000 + schools.length,
          establishment: base + i,
          name: schoolName(rng, phase, rng.pick(districts).town),
          laCode: data.code,
          phase,
        };
        schools.push(school);
        return school;
      });
    const primaries = makeSchools(
      'primary',
      Math.min(999, Math.max(4, Math.round(data.children * 1.3))),
      2000,
    );
    const secondaries = makeSchools(
      'secondary',
      Math.min(999, Math.max(2, Math.round(data.children / 4))),
      4000,
    );
    const practiceCount = Math.min(150, Math.max(5, Math.round(data.children / 3)));
    const letter = practiceLetter[data.region];
    const gpPractices = Array.from(
      { length: practiceCount },
      (_, k) => `${letter}${String(80000 + laIndex * 150 + k).padStart(5, '0')}`,
    );
    return {
      code: data.code,
      name: data.name,
      region: data.region,
      districts,
      primaries,
      secondaries,
      gpPractices,
    };
  });
}

export const authorities: readonly LocalAuthority[] = buildAuthorities();
export const allSchools: readonly School[] = authorities.flatMap((la) => [
  ...la.primaries,
  ...la.secondaries,
]);

const authorityTable = new WeightedTable(
  authorities,
  localAuthorities.map((la) => la.children),
);
const streetEndingTable = new WeightedTable(
  streetEndings.map((e) => e.ending),
  streetEndings.map((e) => e.weight),
);

export function pickAuthority(rng: Rng): LocalAuthority {
  return authorityTable.pick(rng);
}

const authoritiesByCode = new Map(authorities.map((la) => [la.code, la]));

export function authorityByCode(code: number): LocalAuthority {
  const la = authoritiesByCode.get(code);
  if (la === undefined) throw new RangeError(`no synthetic local authority has code ${code}`);
  return la;
}

export function randomInward(rng: Rng): string {
  return `${rng.below(10)}${INWARD_LETTERS.charAt(rng.below(20))}${INWARD_LETTERS.charAt(rng.below(20))}`;
}

export function pickAddress(rng: Rng, la: LocalAuthority): Address {
  const district = rng.pick(la.districts);
  // Squaring skews towards low numbers: most streets are short.
  const houseNumber = 1 + Math.floor(180 * rng.float() ** 2);
  const flat = rng.chance(0.14) ? `Flat ${1 + rng.below(24)}` : '';
  return {
    flat,
    street: `${houseNumber} ${rng.pick(streetStems)} ${streetEndingTable.pick(rng)}`,
    town: district.town,
    postcode: `${district.outward} ${randomInward(rng)}`,
    laCode: la.code,
  };
}

export function schoolAt(index: number): School {
  return itemAt(allSchools, index);
}
