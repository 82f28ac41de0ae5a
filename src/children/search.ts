import type { JsonObject } from '../audit/audit.model.ts';
import { ChildAccessError } from '../access/policy/child-access.errors.ts';
import { GENDERS, type Gender, type IsoDate } from './child.model.ts';
import { isIsoDate } from './child.validation.ts';
import { validateContactPointId } from './identifiers/contactpoint-id.ts';
import { validateNhsNumber } from './identifiers/nhs-number.ts';
import { normalisePostcode } from './identifiers/postcode.ts';
import { validateUpn } from './identifiers/upn.ts';
import { nameKey } from './search-keys.ts';

/**
 * The rules a search must meet before it runs (DESIGN.md: search needs enough identifying detail to
 * find one child and cannot be used to browse). Pure: the service runs what this accepts.
 *
 * Enough to identify one child is one of:
 * - surname and date of birth (forename, gender and postcode narrow it further);
 * - surname, forename and postcode;
 * - one identifier: NHS number, UPN or ContactPoint ID, each with a valid check character.
 */

/** At most this many results; beyond it the caller is asked to refine the search. */
export const SEARCH_RESULT_CAP = 10;

export interface SearchInput {
  readonly surname?: string | undefined;
  readonly forename?: string | undefined;
  readonly dateOfBirth?: string | undefined;
  readonly postcode?: string | undefined;
  readonly gender?: string | undefined;
  readonly nhsNumber?: string | undefined;
  readonly upn?: string | undefined;
  readonly contactPointId?: string | undefined;
}

export type IdentifierSearch =
  | { readonly kind: 'identifier'; readonly scheme: 'nhs_number' | 'upn'; readonly value: string }
  | { readonly kind: 'identifier'; readonly scheme: 'contactpoint_id'; readonly value: string };

export interface NameSearch {
  readonly kind: 'name';
  readonly surname: string;
  readonly surnameKey: string;
  readonly forename: string | null;
  readonly forenameKey: string | null;
  readonly dateOfBirth: IsoDate | null;
  /** Normalised, e.g. 'SW1A 1AA'. */
  readonly postcode: string | null;
  readonly gender: Gender | null;
}

export type SearchCriteria = IdentifierSearch | NameSearch;

/** The characters other systems treat as wildcards; a name here is matched whole. */
const WILDCARDS = /[%*_?]/;

export const NOT_ENOUGH_MESSAGE =
  'Give enough to identify one child: surname and date of birth; or surname, forename and postcode; or an NHS number, UPN or ContactPoint ID';

function invalid(rule: string, message: string): ChildAccessError {
  return new ChildAccessError('INVALID_INPUT', message, rule);
}

function given(value: string | undefined): string | null {
  const text = value?.trim() ?? '';
  return text === '' ? null : text;
}

export function parseSearch(input: SearchInput, today: IsoDate): SearchCriteria {
  const fields = Object.entries(input) as [keyof SearchInput, string | undefined][];
  for (const [, value] of fields) {
    if (value !== undefined && value.length > 100)
      throw invalid('search.length', 'Each search field is at most 100 characters');
    if (value !== undefined && WILDCARDS.test(value)) {
      throw invalid(
        'search.no-wildcards',
        'Wildcards (% * _ ?) are not allowed: enter names in full, with the date of birth or postcode',
      );
    }
  }
  const nhsNumber = given(input.nhsNumber);
  const upn = given(input.upn);
  const contactPointId = given(input.contactPointId);
  const identifiers = [nhsNumber, upn, contactPointId].filter((v) => v !== null);
  if (identifiers.length > 1) throw invalid('search.one-identifier', 'Search by one identifier at a time');
  if (nhsNumber !== null) {
    const result = validateNhsNumber(nhsNumber);
    if (!result.ok) throw invalid(result.rule, `NHS number is not valid: ${result.message}`);
    return { kind: 'identifier', scheme: 'nhs_number', value: result.value };
  }
  if (upn !== null) {
    const result = validateUpn(upn);
    if (!result.ok) throw invalid(result.rule, `UPN is not valid: ${result.message}`);
    return { kind: 'identifier', scheme: 'upn', value: result.value };
  }
  if (contactPointId !== null) {
    const result = validateContactPointId(contactPointId);
    if (!result.ok) throw invalid(result.rule, `ContactPoint ID is not valid: ${result.message}`);
    return { kind: 'identifier', scheme: 'contactpoint_id', value: result.value };
  }

  const surname = given(input.surname);
  const forename = given(input.forename);
  const surnameKey = surname === null ? '' : nameKey(surname);
  const forenameKey = forename === null ? null : nameKey(forename);
  if (surname !== null && surnameKey === '') throw invalid('search.surname', 'Enter the surname in letters');
  if (forename !== null && forenameKey === '')
    throw invalid('search.forename', 'Enter the forename in letters');

  const dobText = given(input.dateOfBirth);
  let dateOfBirth: IsoDate | null = null;
  if (dobText !== null) {
    if (!isIsoDate(dobText))
      throw invalid('search.date-of-birth', 'Date of birth must be a real date written YYYY-MM-DD');
    if (dobText > today) throw invalid('search.date-of-birth', 'Date of birth must not be in the future');
    dateOfBirth = dobText;
  }
  const postcodeText = given(input.postcode);
  let postcode: string | null = null;
  if (postcodeText !== null) {
    const result = normalisePostcode(postcodeText);
    if (!result.ok) throw invalid(result.rule, `Postcode is not valid: ${result.message}`);
    postcode = result.value;
  }
  const genderText = given(input.gender);
  if (genderText !== null && !(GENDERS as readonly string[]).includes(genderText)) {
    throw invalid('search.gender', `Gender must be one of ${GENDERS.join(', ')}`);
  }
  const gender = genderText as Gender | null;

  const enough = surname !== null && (dateOfBirth !== null || (forename !== null && postcode !== null));
  if (!enough) throw invalid('search.not-enough', NOT_ENOUGH_MESSAGE);
  return {
    kind: 'name',
    surname,
    surnameKey,
    forename,
    forenameKey,
    dateOfBirth,
    postcode,
    gender,
  };
}

/** A search that used a location field: its results must not confirm where a shielded child lives. */
export function usesLocation(criteria: SearchCriteria): boolean {
  return criteria.kind === 'name' && criteria.postcode !== null;
}

/**
 * The criteria as the audit trail keeps them: what was searched for, normalised, and nothing more
 * (no derived keys or hashes). The trail is the safeguard on search, so the criteria are kept.
 */
export function auditCriteria(criteria: SearchCriteria): JsonObject {
  if (criteria.kind === 'identifier') return { [criteria.scheme]: criteria.value };
  const out: JsonObject = { surname: criteria.surname };
  if (criteria.forename !== null) out.forename = criteria.forename;
  if (criteria.dateOfBirth !== null) out.dateOfBirth = criteria.dateOfBirth;
  if (criteria.postcode !== null) out.postcode = criteria.postcode;
  if (criteria.gender !== null) out.gender = criteria.gender;
  return out;
}

/** A refused search's criteria for the audit, clipped: they were not checked. */
export function auditRawCriteria(input: SearchInput): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(input) as [string, string | undefined][]) {
    if (value !== undefined && value !== '') out[key] = value.slice(0, 100);
  }
  return out;
}
