import type { Gender } from '../children/child.model.ts';
import { nameKey } from '../children/search-keys.ts';
import type { WaitingRow } from './outcome.ts';

/**
 * What a feed row says about a child, in the shape of the child record's tables. Pure: the
 * repository decides what to write from these.
 */

export interface Provenance {
  readonly sourceName: string;
  /** Null on values users entered through ContactPoint itself. */
  readonly batchId: number | null;
  readonly receivedAt: Date;
}

export interface RowName {
  readonly forename: string;
  readonly middleNames: string | null;
  readonly surname: string;
  readonly forenameKey: string;
  readonly surnameKey: string;
}

export interface RowAddress {
  readonly line1: string;
  readonly town: string | null;
  readonly postcode: string | null;
}

export function provenanceOf(row: WaitingRow, receivedAt?: Date): Provenance {
  return { sourceName: row.sourceName, batchId: row.batchId, receivedAt: receivedAt ?? row.receivedAt };
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** The row's name, when it gives both parts (the record's name rows need both). */
export function rowName(row: WaitingRow): RowName | undefined {
  const forename = present(row.fields.forename);
  const surname = present(row.fields.surname);
  if (forename === undefined || surname === undefined) return undefined;
  const forenameKey = nameKey(forename);
  const surnameKey = nameKey(surname);
  // A name made only of punctuation has no key to search or compare by.
  if (forenameKey === '' || surnameKey === '') return undefined;
  return {
    forename,
    // The school census calls them middle names, NHS demographics other given names.
    middleNames:
      present(row.fields.extra?.middle_names) ?? present(row.fields.extra?.other_given_names) ?? null,
    surname,
    forenameKey,
    surnameKey,
  };
}

/**
 * The row's address. An address row needs its first line: a postcode on its own stays in the feed
 * row (which the child's lineage keeps) rather than becoming an address nobody could visit.
 */
export function rowAddress(row: WaitingRow): RowAddress | undefined {
  const line1 = present(row.fields.address);
  if (line1 === undefined) return undefined;
  return { line1, town: present(row.fields.town) ?? null, postcode: present(row.fields.postcode) ?? null };
}

export interface RowSchool {
  readonly urn: string;
  readonly name: string;
}

/**
 * The school the row says the child is on roll at: the school census gives its URN and name. A
 * URN that is not one (six or seven digits) stays in the feed row rather than naming a school no
 * practitioner could find.
 */
export function rowSchool(row: WaitingRow): RowSchool | undefined {
  const urn = present(row.fields.extra?.school_urn);
  const name = present(row.fields.extra?.school_name);
  if (urn === undefined || name === undefined || !/^[0-9]{6,7}$/.test(urn)) return undefined;
  return { urn, name };
}

const GENDER_CODES: Readonly<Record<string, Gender>> = {
  female: 'female',
  f: 'female',
  girl: 'female',
  '2': 'female',
  male: 'male',
  m: 'male',
  boy: 'male',
  '1': 'male',
  other: 'other',
  unknown: 'unknown',
};

/** Validation normalises gender; codes a source may still send (NHS 1/2, M/F) are read the same way. */
export function rowGender(row: WaitingRow): Gender {
  const value = present(row.fields.gender)?.toLowerCase();
  return (value === undefined ? undefined : GENDER_CODES[value]) ?? 'unknown';
}

/** The local authority code the row gives (local feeds and the school census carry one). */
export function rowLaCode(row: WaitingRow): string | undefined {
  const code = present(row.fields.extra?.la_code);
  return code !== undefined && /^[0-9]{3}$/.test(code) ? code : undefined;
}

export function isPostAdoption(row: WaitingRow): boolean {
  return row.fields.postAdoption === true;
}

/** Names are one name when their search keys are: case, accents and punctuation are not a change. */
export function sameName(
  a: { readonly forenameKey: string; readonly surnameKey: string },
  b: { readonly forenameKey: string; readonly surnameKey: string },
): boolean {
  return a.forenameKey === b.forenameKey && a.surnameKey === b.surnameKey;
}

/** An address line folded for comparison: case and punctuation do not matter. */
export function lineKey(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function agree(a: string | null, b: string | null, key: (value: string) => string): boolean {
  // A part one side does not give is not a difference: a feed without towns restates an address.
  return a === null || b === null || key(a) === key(b);
}

/** Addresses are one address when their first lines read the same and no given part differs. */
export function sameAddress(
  a: { readonly line1: string; readonly town: string | null; readonly postcode: string | null },
  b: { readonly line1: string; readonly town: string | null; readonly postcode: string | null },
): boolean {
  return (
    lineKey(a.line1) === lineKey(b.line1) &&
    agree(a.town, b.town, lineKey) &&
    agree(a.postcode, b.postcode, (postcode) => postcode.replace(/\s+/g, ''))
  );
}
