import type { MatchRecord } from './record.ts';
import type { FieldName } from './source-definition.ts';
import { damerauLevenshtein, jaroWinkler, jaroWinklerAtLeast, withinOneEdit } from './string-similarity.ts';
import type { NormalisedAddress } from './normalise.ts';

/**
 * Comparison levels per field, after Splink 4's published defaults: each comparison sorts a
 * pair into exactly one level, the first that applies, with level 0 meaning "a value is
 * missing" (no evidence either way). The model gives every other level its own m and u.
 * Departures from the defaults: forenames also agree through a nickname table, a forename and
 * surname recorded the wrong way round is a level of its own, a date with day and month
 * transposed is one too, and postcode and town are compared together (see comparePlace).
 */
export const COMPARISON_NAMES = [
  'forename',
  'surname',
  'dateOfBirth',
  'gender',
  'address',
  'place',
  'region',
  'nhsNumber',
  'upn',
  'otherIdentifier',
  'middleNames',
] as const;

export type ComparisonName = (typeof COMPARISON_NAMES)[number];

export interface LevelDefinition {
  label: string;
  /** Weight of an exact match is adjusted for how common the value is (rare names say more). */
  termFrequency?: boolean;
  /** Evidence already counted by another comparison: the level contributes nothing. */
  neutral?: boolean;
}

export interface ComparisonDefinition {
  name: ComparisonName;
  /** The source fields the comparison reads; it is used when any of them is mapped. */
  fields: readonly FieldName[];
  levels: readonly LevelDefinition[];
  /** Starting m probabilities for estimation, one per level (the null level's is ignored). */
  initialM: readonly number[];
  /**
   * Typical u probabilities in a population of children: what a handful of records cannot
   * estimate for themselves. Random-pair counts outweigh them as soon as there are many.
   */
  initialU: readonly number[];
  compare(a: MatchRecord, b: MatchRecord): number;
}

function sharePhonetic(a: readonly [number, number], b: readonly [number, number]): boolean {
  const pa = a[0];
  const pb = b[0];
  if (pa === 0 || pb === 0) return false;
  const aa = a[1];
  const ab = b[1];
  return pa === pb || pa === ab || aa === pb || (aa !== 0 && aa === ab);
}

function shareGroup(a: readonly number[], b: readonly number[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  for (const g of a) if (b.includes(g)) return true;
  return false;
}

/** Both names cross-match: "john smith" recorded as forename "smith", surname "john". */
export function namesSwapped(a: MatchRecord, b: MatchRecord): boolean {
  const fa = a.forename1;
  const fb = b.forename1;
  const sa = a.surname.compact;
  const sb = b.surname.compact;
  if (fa === '' || fb === '' || sa === '' || sb === '') return false;
  if (fa === fb || sa === sb) return false;
  return (
    (fa === sb || jaroWinklerAtLeast(fa, sb, 0.88, a.forenameMask, b.surnameMask) >= 0.88) &&
    (sa === fb || jaroWinklerAtLeast(sa, fb, 0.88, a.surnameMask, b.forenameMask) >= 0.88)
  );
}

export const enum ForenameLevel {
  Null = 0,
  Exact,
  Swapped,
  Variant,
  Jw92,
  Jw88,
  Phonetic,
  Jw70,
  Else,
}

function compareForename(a: MatchRecord, b: MatchRecord): ForenameLevel {
  const x = a.forename1;
  const y = b.forename1;
  if (x === '' || y === '') return ForenameLevel.Null;
  if (x === y) return ForenameLevel.Exact;
  const jw = jaroWinklerAtLeast(x, y, 0.7, a.forenameMask, b.forenameMask);
  if (jw < 0.92 && namesSwapped(a, b)) return ForenameLevel.Swapped;
  if (shareGroup(a.forenameGroups, b.forenameGroups)) return ForenameLevel.Variant;
  if (jw >= 0.92) return ForenameLevel.Jw92;
  if (jw >= 0.88) return ForenameLevel.Jw88;
  if (sharePhonetic(a.forenameSounds, b.forenameSounds)) return ForenameLevel.Phonetic;
  if (jw >= 0.7) return ForenameLevel.Jw70;
  return ForenameLevel.Else;
}

export const enum SurnameLevel {
  Null = 0,
  Exact,
  Swapped,
  DoubleBarrelPart,
  Jw92,
  Jw88,
  Phonetic,
  Jw70,
  Else,
}

function compareSurname(a: MatchRecord, b: MatchRecord): SurnameLevel {
  const x = a.surname.compact;
  const y = b.surname.compact;
  if (x === '' || y === '') return SurnameLevel.Null;
  if (x === y) return SurnameLevel.Exact;
  const jw = jaroWinklerAtLeast(x, y, 0.7, a.surnameMask, b.surnameMask);
  // The swap is counted once, under forename, which saw the same pair of names.
  if (jw < 0.92 && a.forename1 !== b.forename1 && namesSwapped(a, b)) {
    if (jaroWinklerAtLeast(a.forename1, b.forename1, 0.92, a.forenameMask, b.forenameMask) < 0.92) {
      return SurnameLevel.Swapped;
    }
  }
  if (a.surname.parts.length > 1 || b.surname.parts.length > 1) {
    for (const part of a.surname.parts) {
      if (part.length > 1 && b.surname.parts.includes(part)) return SurnameLevel.DoubleBarrelPart;
    }
  }
  if (jw >= 0.92) return SurnameLevel.Jw92;
  if (jw >= 0.88) return SurnameLevel.Jw88;
  if (sharePhonetic(a.surnameSounds, b.surnameSounds)) return SurnameLevel.Phonetic;
  if (jw >= 0.7) return SurnameLevel.Jw70;
  return SurnameLevel.Else;
}

export const enum DobLevel {
  Null = 0,
  Exact,
  OneEdit,
  DayMonthSwapped,
  Within1Month,
  Within1Year,
  Within10Years,
  Else,
}

function compareDob(a: MatchRecord, b: MatchRecord): DobLevel {
  if (a.dobKey === '' || b.dobKey === '') return DobLevel.Null;
  if (a.dobKey === b.dobKey) return DobLevel.Exact;
  if (withinOneEdit(a.dobKey, b.dobKey)) return DobLevel.OneEdit;
  const x = a.dob;
  const y = b.dob;
  if (x === null || y === null) return DobLevel.Else;
  if (x.y === y.y && x.m === y.d && x.d === y.m) return DobLevel.DayMonthSwapped;
  const days = Math.abs(a.dobDay - b.dobDay);
  if (days <= 31) return DobLevel.Within1Month;
  if (days <= 366) return DobLevel.Within1Year;
  if (days <= 3653) return DobLevel.Within10Years;
  return DobLevel.Else;
}

export const enum PostcodeLevel {
  Null = 0,
  Exact,
  Sector,
  District,
  Area,
  Else,
}

/**
 * UK postcodes agree by unit, sector, district and area. Anything else (FEBRL's Australian
 * four digits, a mistyped code) degrades to character prefixes, with one edit counted as
 * "sector" so a single typo is not mistaken for a different place.
 */
function comparePostcode(a: MatchRecord, b: MatchRecord): PostcodeLevel {
  const x = a.postcode;
  const y = b.postcode;
  if (x === null || y === null) return PostcodeLevel.Null;
  if (x.compact === y.compact) return PostcodeLevel.Exact;
  if (x.uk !== null && y.uk !== null) {
    if (x.uk.sector === y.uk.sector) return PostcodeLevel.Sector;
    if (withinOneEdit(x.compact, y.compact)) return PostcodeLevel.Sector;
    if (x.uk.district === y.uk.district) return PostcodeLevel.District;
    if (x.uk.area === y.uk.area) return PostcodeLevel.Area;
    return PostcodeLevel.Else;
  }
  if (withinOneEdit(x.compact, y.compact)) return PostcodeLevel.Sector;
  if (x.compact.slice(0, 2) === y.compact.slice(0, 2)) return PostcodeLevel.District;
  if (y.compact.startsWith(x.compact.charAt(0))) return PostcodeLevel.Area;
  return PostcodeLevel.Else;
}

export const enum AddressLevel {
  Null = 0,
  Exact,
  NumberAndStreet,
  Street,
  Partial,
  NumberOnly,
  Else,
}

/**
 * Share of distinctive words that find a close partner (Jaro-Winkler >= 0.85) in the other
 * address, in either order: swapped address lines and a typo in one word still score high.
 */
export function softTokenOverlap(x: NormalisedAddress, y: NormalisedAddress): number {
  const a = x.names;
  const b = y.names;
  if (a.length === 0 || b.length === 0) return 0;
  let total = 0;
  a.forEach((word, i) => (total += bestPartner(word, x.nameMasks[i] ?? 0, y)));
  b.forEach((word, j) => (total += bestPartner(word, y.nameMasks[j] ?? 0, x)));
  return total / (a.length + b.length);
}

function bestPartner(word: string, mask: number, other: NormalisedAddress): number {
  let best = 0;
  const names = other.names;
  for (let k = 0; k < names.length; k++) {
    const candidate = names[k] ?? '';
    if (candidate === word) return 1;
    const s = jaroWinklerAtLeast(word, candidate, 0.85, mask, other.nameMasks[k]);
    if (s > best) best = s;
  }
  return best >= 0.85 ? best : 0;
}

function shareNumber(a: readonly string[], b: readonly string[]): boolean {
  for (const n of a) if (b.includes(n)) return true;
  return false;
}

function compareAddress(a: MatchRecord, b: MatchRecord): AddressLevel {
  const x = a.address;
  const y = b.address;
  if (x === null || y === null) return AddressLevel.Null;
  if (x.key === y.key) return AddressLevel.Exact;
  const number = shareNumber(x.numbers, y.numbers);
  let street = softTokenOverlap(x, y);
  // A space inserted or lost inside a name ("brentwood vlge" / "brentwoodvlge") splits tokens.
  if (street < 0.8 && x.joined !== '' && y.joined !== '') {
    if (jaroWinklerAtLeast(x.joined, y.joined, 0.92) >= 0.92) street = 0.8;
  }
  if (street >= 0.8) return number ? AddressLevel.NumberAndStreet : AddressLevel.Street;
  if (street >= 0.5) return AddressLevel.Partial;
  if (number) return AddressLevel.NumberOnly;
  return AddressLevel.Else;
}

export const enum TownLevel {
  Null = 0,
  Exact,
  Jw92,
  Jw80,
  Else,
}

function compareTown(a: MatchRecord, b: MatchRecord): TownLevel {
  if (a.town === '' || b.town === '') return TownLevel.Null;
  if (a.town === b.town) return TownLevel.Exact;
  const jw = jaroWinklerAtLeast(a.town, b.town, 0.8, a.townMask, b.townMask);
  if (jw >= 0.92) return TownLevel.Jw92;
  if (jw >= 0.8) return TownLevel.Jw80;
  return TownLevel.Else;
}

export const enum PlaceLevel {
  Null = 0,
  PostcodeAndTown,
  PostcodeOnly,
  TownAndNearPostcode,
  TownOnly,
  NearPostcode,
  District,
  Else,
}

/**
 * Postcode and town together. They are one fact told twice (a postcode lies in one town), so
 * scoring them as two independent comparisons would count the same evidence twice and make
 * everyone in one town look alike; one comparison with joint levels counts it once.
 */
function comparePlace(a: MatchRecord, b: MatchRecord): PlaceLevel {
  const postcode = comparePostcode(a, b);
  const town = compareTown(a, b);
  if (postcode === PostcodeLevel.Null && town === TownLevel.Null) return PlaceLevel.Null;
  const townAgrees = town === TownLevel.Exact || town === TownLevel.Jw92;
  if (postcode === PostcodeLevel.Exact) {
    return townAgrees || town === TownLevel.Null ? PlaceLevel.PostcodeAndTown : PlaceLevel.PostcodeOnly;
  }
  if (townAgrees) {
    return postcode === PostcodeLevel.Sector || postcode === PostcodeLevel.Null
      ? PlaceLevel.TownAndNearPostcode
      : PlaceLevel.TownOnly;
  }
  if (postcode === PostcodeLevel.Sector) return PlaceLevel.NearPostcode;
  if (postcode === PostcodeLevel.District || postcode === PostcodeLevel.Area || town === TownLevel.Jw80) {
    return PlaceLevel.District;
  }
  return PlaceLevel.Else;
}

export const enum ExactLevel {
  Null = 0,
  Exact,
  Else,
}

function compareGender(a: MatchRecord, b: MatchRecord): ExactLevel {
  if (a.gender === '' || b.gender === '') return ExactLevel.Null;
  return a.gender === b.gender ? ExactLevel.Exact : ExactLevel.Else;
}

function compareRegion(a: MatchRecord, b: MatchRecord): ExactLevel {
  if (a.region === '' || b.region === '') return ExactLevel.Null;
  return a.region === b.region ? ExactLevel.Exact : ExactLevel.Else;
}

/** Strong identifiers carry a check digit: two different valid values are two people. */
export const enum StrongIdLevel {
  Null = 0,
  Exact,
  Conflict,
}

function compareNhs(a: MatchRecord, b: MatchRecord): StrongIdLevel {
  if (a.nhsNumber === '' || b.nhsNumber === '') return StrongIdLevel.Null;
  return a.nhsNumber === b.nhsNumber ? StrongIdLevel.Exact : StrongIdLevel.Conflict;
}

function compareUpn(a: MatchRecord, b: MatchRecord): StrongIdLevel {
  if (a.upn === '' || b.upn === '') return StrongIdLevel.Null;
  return a.upn === b.upn ? StrongIdLevel.Exact : StrongIdLevel.Conflict;
}

/** An identifier without a check digit can be mistyped, so near agreement is evidence too. */
export const enum OtherIdLevel {
  Null = 0,
  Exact,
  OneEdit,
  TwoEdits,
  Else,
}

const NEARBY_IN_SEQUENCE = 10;

/** Two different numbers of one length a few apart: issued one after the other, as to twins. */
export function nearbyInSequence(x: string, y: string): boolean {
  if (x === y || x.length !== y.length || !/^\d+$/.test(x) || !/^\d+$/.test(y)) return false;
  return Math.abs(Number(x) - Number(y)) < NEARBY_IN_SEQUENCE;
}

/**
 * Numbers a few apart say nothing either way: a slip of the last digit, or the number issued next,
 * to a twin. Scored as a typo, a twin's record whose name was lost linked to the other twin by the
 * number one along more strongly than to its own twin by the number itself.
 */
function compareOtherId(a: MatchRecord, b: MatchRecord): OtherIdLevel {
  const x = a.otherIdentifier;
  const y = b.otherIdentifier;
  if (x === '' || y === '') return OtherIdLevel.Null;
  if (x === y) return OtherIdLevel.Exact;
  if (nearbyInSequence(x, y)) return OtherIdLevel.Null;
  if (withinOneEdit(x, y)) return OtherIdLevel.OneEdit;
  if (damerauLevenshtein(x, y, 2) <= 2) return OtherIdLevel.TwoEdits;
  return OtherIdLevel.Else;
}

export const enum MiddleNamesLevel {
  Null = 0,
  Exact,
  SameFirst,
  Shared,
  Else,
}

/**
 * A person's other given names (middle names, and the later words of a forename): twins, and
 * two children of one name and birthday, are seldom given the same ones.
 */
function compareMiddleNames(a: MatchRecord, b: MatchRecord): MiddleNamesLevel {
  const x = a.otherForenames;
  const y = b.otherForenames;
  const [x1] = x;
  const [y1] = y;
  if (x1 === undefined || y1 === undefined) return MiddleNamesLevel.Null;
  if (x.length === y.length && x.every((name, i) => name === y[i])) return MiddleNamesLevel.Exact;
  if (x1 === y1) return MiddleNamesLevel.SameFirst;
  if (x.some((name) => y.includes(name)) || jaroWinkler(x1, y1) >= 0.92) return MiddleNamesLevel.Shared;
  return MiddleNamesLevel.Else;
}

/**
 * Middle names come from a source's extra columns, not a field of their own, so no source
 * definition maps them and comparisonsFor never picks this comparison: the index, whose feeds
 * carry them (NHS demographics, the school census), adds it itself.
 */
export const MIDDLE_NAMES_COMPARISON: ComparisonDefinition = {
  name: 'middleNames',
  fields: [],
  levels: [
    { label: 'other given names missing' },
    { label: 'same other given names' },
    { label: 'same first other given name' },
    { label: 'one shared, or the first mistyped' },
    { label: 'all other' },
  ],
  initialM: [0, 0.85, 0.05, 0.05, 0.05],
  initialU: [0, 0.01, 0.003, 0.012, 0.975],
  compare: compareMiddleNames,
};

const NAME_LEVELS_TAIL: readonly LevelDefinition[] = [
  { label: 'Jaro-Winkler >= 0.92' },
  { label: 'Jaro-Winkler >= 0.88' },
  { label: 'shared Double Metaphone code' },
  { label: 'Jaro-Winkler >= 0.70' },
  { label: 'all other' },
];

export const ALL_COMPARISONS: readonly ComparisonDefinition[] = [
  {
    name: 'forename',
    fields: ['forename'],
    levels: [
      { label: 'forename missing' },
      { label: 'exact', termFrequency: true },
      { label: 'forename and surname swapped' },
      { label: 'recorded variant or nickname' },
      ...NAME_LEVELS_TAIL,
    ],
    initialM: [0, 0.8, 0.01, 0.02, 0.06, 0.03, 0.02, 0.03, 0.03],
    initialU: [0, 0.005, 0.00001, 0.001, 0.001, 0.0008, 0.003, 0.025, 0.96419],
    compare: compareForename,
  },
  {
    name: 'surname',
    fields: ['surname'],
    levels: [
      { label: 'surname missing' },
      { label: 'exact', termFrequency: true },
      { label: 'swapped with forename (counted there)', neutral: true },
      { label: 'one part of a double surname' },
      ...NAME_LEVELS_TAIL,
    ],
    initialM: [0, 0.8, 0.01, 0.02, 0.06, 0.03, 0.02, 0.03, 0.03],
    initialU: [0, 0.004, 0.00001, 0.00002, 0.0007, 0.0003, 0.001, 0.012, 0.98197],
    compare: compareSurname,
  },
  {
    name: 'dateOfBirth',
    fields: ['dateOfBirth'],
    levels: [
      { label: 'date of birth missing' },
      { label: 'exact' },
      { label: 'one character different' },
      { label: 'day and month transposed' },
      { label: 'within a month' },
      { label: 'within a year' },
      { label: 'within ten years' },
      { label: 'all other' },
    ],
    initialM: [0, 0.8, 0.1, 0.01, 0.02, 0.02, 0.02, 0.03],
    initialU: [0, 0.00015, 0.001, 0.00001, 0.001, 0.02, 0.2, 0.77784],
    compare: compareDob,
  },
  {
    name: 'gender',
    fields: ['gender'],
    levels: [{ label: 'gender missing' }, { label: 'same' }, { label: 'different' }],
    initialM: [0, 0.95, 0.05],
    initialU: [0, 0.5, 0.5],
    compare: compareGender,
  },
  {
    name: 'address',
    fields: ['address'],
    levels: [
      { label: 'address missing' },
      { label: 'exact' },
      { label: 'house number and street agree' },
      { label: 'street agrees' },
      { label: 'partly agrees' },
      { label: 'house number only' },
      { label: 'all other' },
    ],
    initialM: [0, 0.6, 0.15, 0.1, 0.05, 0.03, 0.07],
    initialU: [0, 0.00001, 0.000005, 0.0003, 0.004, 0.013, 0.982685],
    compare: compareAddress,
  },
  {
    name: 'place',
    fields: ['postcode', 'town'],
    levels: [
      { label: 'postcode and town missing' },
      { label: 'same postcode and town' },
      { label: 'same postcode, different town' },
      { label: 'same town, postcode close or missing' },
      { label: 'same town, different postcode' },
      { label: 'postcode sector or one character apart' },
      { label: 'same district or area' },
      { label: 'all other' },
    ],
    initialM: [0, 0.75, 0.05, 0.08, 0.03, 0.03, 0.02, 0.04],
    initialU: [0, 0.0003, 0.0001, 0.00002, 0.0001, 0.004, 0.1, 0.89548],
    compare: comparePlace,
  },
  {
    name: 'region',
    fields: ['region'],
    levels: [{ label: 'region missing' }, { label: 'same' }, { label: 'different' }],
    initialM: [0, 0.9, 0.1],
    initialU: [0, 0.2, 0.8],
    compare: compareRegion,
  },
  {
    name: 'nhsNumber',
    fields: ['nhsNumber'],
    levels: [
      { label: 'NHS number missing or invalid' },
      { label: 'same NHS number' },
      { label: 'different valid NHS numbers' },
    ],
    initialM: [0, 0.99, 0.01],
    initialU: [0, 0.0000001, 0.9999999],
    compare: compareNhs,
  },
  {
    name: 'upn',
    fields: ['upn'],
    levels: [{ label: 'UPN missing or invalid' }, { label: 'same UPN' }, { label: 'different valid UPNs' }],
    initialM: [0, 0.99, 0.01],
    initialU: [0, 0.0000001, 0.9999999],
    compare: compareUpn,
  },
  {
    name: 'otherIdentifier',
    fields: ['otherIdentifier'],
    levels: [
      { label: 'identifier missing, or two numbers a few apart' },
      { label: 'exact' },
      { label: 'one character different' },
      { label: 'two characters different' },
      { label: 'all other' },
    ],
    initialM: [0, 0.85, 0.07, 0.03, 0.05],
    initialU: [0, 0.000001, 0.00001, 0.0002, 0.999789],
    compare: compareOtherId,
  },
  MIDDLE_NAMES_COMPARISON,
];

/** The comparisons a source can feed: those whose fields it maps. */
export function comparisonsFor(fields: Iterable<FieldName>): ComparisonDefinition[] {
  const mapped = new Set(fields);
  return ALL_COMPARISONS.filter((c) => c.fields.some((f) => mapped.has(f)));
}
