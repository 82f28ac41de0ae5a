import { validateNhsNumber } from '../children/identifiers/nhs-number.ts';
import { validateUpn } from '../children/identifiers/upn.ts';
import { doubleMetaphone } from './double-metaphone.ts';
import { forenameGroups } from './forename-variants.ts';
import {
  dateKey,
  dayNumber,
  normaliseAddress,
  normaliseIdentifier,
  normaliseName,
  normalisePostcodeValue,
  normaliseText,
  isValidDate,
  parseDateParts,
} from './normalise.ts';
import type { CalendarDate, NormalisedAddress, NormalisedName, NormalisedPostcode } from './normalise.ts';
import type { FieldName } from './source-definition.ts';
import { characterMask } from './string-similarity.ts';

/** Raw field values for one person, as a source supplies them (any may be missing). */
export type RawPerson = Partial<Record<FieldName, string>> & { postAdoption?: boolean; middleNames?: string };

/**
 * One person's details normalised once, with everything a comparison or blocking key needs
 * precomputed, so scoring a pair never re-parses text.
 */
export interface MatchRecord {
  forename: NormalisedName;
  /** First forename word: the one matched, nicknames included. */
  forename1: string;
  /** The person's other given names: later forename words and middle names. */
  otherForenames: readonly string[];
  forenameGroups: readonly number[];
  forenameCodes: readonly [string, string];
  /** The codes as small integers (0 for none): comparing them is cheaper than comparing text. */
  forenameSounds: readonly [number, number];
  /** characterMask of forename1, surname.compact and town: precomputed for Jaro-Winkler bounds. */
  forenameMask: number;
  surnameMask: number;
  townMask: number;
  surname: NormalisedName;
  surnameCodes: readonly [string, string];
  surnameSounds: readonly [number, number];
  /** A date of birth that exists; null when missing or impossible. */
  dob: CalendarDate | null;
  /**
   * "YYYYMMDD" as written, even for an impossible date (month 95 is one typo away from 05),
   * or "" when missing or unreadable.
   */
  dobKey: string;
  dobDay: number;
  gender: string;
  address: NormalisedAddress | null;
  /** Sound of the first word of the address (usually the street name), for blocking. */
  streetCode: string;
  town: string;
  postcode: NormalisedPostcode | null;
  region: string;
  /** Check-digit-valid NHS number, or "" (an invalid one cannot prove two people differ). */
  nhsNumber: string;
  upn: string;
  otherIdentifier: string;
  /**
   * Every detail but the forename and identifiers, as written (case and punctuation aside, before
   * abbreviations are expanded or typos forgiven): tells a record copied from another from one
   * that was typed again. Kept only for a file's records (prepareFileRecord), where the twins rule
   * reads it; the index's records go without.
   */
  detailsAsWritten?: string;
  postAdoption: boolean;
}

// Codes seen so far, numbered: the same code always gets the same number in one process.
const SOUND_IDS = new Map<string, number>();

function soundId(code: string): number {
  if (code === '') return 0;
  let n = SOUND_IDS.get(code);
  if (n === undefined) {
    n = SOUND_IDS.size + 1;
    SOUND_IDS.set(code, n);
  }
  return n;
}

function soundIds(codes: readonly [string, string]): readonly [number, number] {
  return [soundId(codes[0]), soundId(codes[1])];
}

function codes(word: string): readonly [string, string] {
  if (word === '') return ['', ''];
  const { primary, alternate } = doubleMetaphone(word);
  return [primary, alternate];
}

function normaliseGender(raw: string): string {
  const g = normaliseText(raw);
  if (g === '') return '';
  if (g === 'm' || g === 'male' || g === 'boy' || g === '1') return 'm';
  if (g === 'f' || g === 'female' || g === 'girl' || g === '2') return 'f';
  return '';
}

export function prepareRecord(raw: RawPerson, dateFormat: string): MatchRecord {
  const forename = normaliseName(raw.forename ?? '');
  const surname = normaliseName(raw.surname ?? '');
  const forename1 = forename.parts[0] ?? '';
  const dobParts = parseDateParts(raw.dateOfBirth ?? '', dateFormat);
  const dob = dobParts && isValidDate(dobParts.y, dobParts.m, dobParts.d) ? dobParts : null;
  const town = normaliseText(raw.town ?? '');
  const forenameCodes = codes(forename1);
  const surnameCodes = codes(surname.compact);
  const address = normaliseAddress(raw.address ?? '');
  const nhs = raw.nhsNumber ? validateNhsNumber(raw.nhsNumber) : null;
  const upn = raw.upn ? validateUpn(raw.upn) : null;
  return {
    forename,
    forename1,
    otherForenames: [...forename.parts.slice(1), ...normaliseName(raw.middleNames ?? '').parts],
    forenameGroups: forenameGroups(forename1),
    forenameCodes,
    forenameSounds: soundIds(forenameCodes),
    forenameMask: characterMask(forename1),
    surnameMask: characterMask(surname.compact),
    townMask: characterMask(town),
    surname,
    surnameCodes,
    surnameSounds: soundIds(surnameCodes),
    dob,
    dobKey: dobParts ? dateKey(dobParts) : '',
    dobDay: dob ? dayNumber(dob) : 0,
    gender: normaliseGender(raw.gender ?? ''),
    address,
    streetCode: codes(address?.names[0] ?? '')[0],
    town,
    postcode: normalisePostcodeValue(raw.postcode ?? ''),
    region: normaliseText(raw.region ?? ''),
    nhsNumber: nhs?.ok ? nhs.value : '',
    upn: upn?.ok ? upn.value : '',
    otherIdentifier: normaliseIdentifier(raw.otherIdentifier ?? ''),
    postAdoption: raw.postAdoption ?? false,
  };
}

/** A record of a file of people, which also keeps its details as written (see MatchRecord). */
export function prepareFileRecord(raw: RawPerson, dateFormat: string): MatchRecord {
  const record = prepareRecord(raw, dateFormat);
  record.detailsAsWritten = [
    raw.surname,
    raw.dateOfBirth,
    raw.address,
    raw.town,
    raw.postcode,
    raw.region,
    raw.gender,
  ]
    .map((value) => normaliseText(value ?? ''))
    .join('|');
  return record;
}
