import { validateNhsNumber } from '../children/identifiers/nhs-number.ts';
import { normalisePostcode } from '../children/identifiers/postcode.ts';
import type { Validation } from '../children/identifiers/result.ts';
import { validateUpn } from '../children/identifiers/upn.ts';
import { parseDate, parseDateParts } from '../matching/normalise.ts';
import { FIELD_NAMES, type FieldName } from '../matching/source-definition.ts';
import type { RowValues } from './ingest.table.ts';
import { LA_CODE_COLUMN, type SourceDeclaration } from './source-declaration.ts';

export interface Problem {
  /** Stable, dotted rule name: 'required.dateOfBirth', 'date.invalid', 'nhs.check-digit', ... */
  readonly rule: string;
  readonly message: string;
}

export type NormalisedFields = Partial<Record<FieldName, string>> & {
  postAdoption?: boolean;
  /**
   * The source's household reference (SourceDeclaration.household) as a keyed hash: matching needs
   * only to know two rows share it, and a benefit claim's reference is the claimant's National
   * Insurance number, which the index has no reason to hold.
   */
  household?: string;
  extra?: Record<string, string>;
};

export type RowResult =
  | { readonly ok: true; readonly recordId: string; readonly fields: NormalisedFields }
  | { readonly ok: false; readonly problems: readonly [Problem, ...Problem[]] };

/**
 * The row as the file had it, column name to value. A duplicated header keeps its first column;
 * cells beyond the header are kept under their position ("#15") so nothing in a row is lost.
 */
export function rowValues(header: readonly string[], cells: readonly string[]): RowValues {
  const values: RowValues = {};
  header.forEach((name, i) => {
    if (!(name in values)) values[name] = cells[i] ?? '';
  });
  for (let i = header.length; i < cells.length; i++) {
    const cell = cells[i] ?? '';
    if (cell !== '') values[`#${i + 1}`] = cell;
  }
  return values;
}

const LA_CODE = /^[0-9]{3}$/;

function clean(value: string | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

function isoDate(date: { y: number; m: number; d: number }): string {
  return `${String(date.y).padStart(4, '0')}-${String(date.m).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`;
}

/**
 * Checks one row against its source's declaration and normalises what it holds: required fields
 * present, the date of birth a real date in the declared format and not in the future, NHS number
 * and UPN check digits, postcode format, a gender code the source declares (normalised to female,
 * male, unknown or other). Every problem is reported, the first one names the rule.
 */
/**
 * `knownLaCodes`: the local authorities the index knows (local_authority.code), which a
 * post-adoption row's la_code must be one of; null for a source that flags no post-adoption rows.
 */
export function validateRow(
  source: SourceDeclaration,
  raw: RowValues,
  today: Date,
  knownLaCodes: ReadonlySet<string> | null,
  householdKey?: HouseholdKey,
): RowResult {
  const problems: Problem[] = [];
  const fields: NormalisedFields = {};
  const recordId = clean(raw[source.idColumn]);
  if (recordId === '') {
    problems.push({ rule: 'required.id', message: `the record id (column ${source.idColumn}) is missing` });
  }

  const values: Partial<Record<FieldName, string>> = {};
  for (const field of FIELD_NAMES) {
    const columns = source.fields[field];
    if (columns === undefined) continue;
    const value = columns
      .map((column) => clean(raw[column]))
      .filter((part) => part !== '')
      .join(' ');
    if (value !== '') values[field] = value;
    else if (source.required.includes(field)) {
      problems.push({
        rule: `required.${field}`,
        message: `${field} is required (column ${columns.join(' + ')}) but empty`,
      });
    }
  }

  const checked = (
    value: string | undefined,
    check: (input: string) => Validation<string>,
  ): string | undefined => {
    if (value === undefined) return undefined;
    const result = check(value);
    if (result.ok) return result.value;
    problems.push({ rule: result.rule, message: `${result.message} (got "${value}")` });
    return undefined;
  };

  const put = (field: FieldName, value: string | undefined): void => {
    if (value !== undefined) fields[field] = value;
  };
  for (const field of FIELD_NAMES) {
    const value = values[field];
    if (value === undefined) continue;
    switch (field) {
      case 'dateOfBirth': {
        const date = parseDate(value, source.dateFormat);
        if (date === null) {
          const shaped = parseDateParts(value, source.dateFormat) !== null;
          problems.push({
            rule: shaped ? 'date.invalid' : 'date.format',
            message: shaped
              ? `date of birth "${value}" is not a real date`
              : `date of birth "${value}" is not in the declared format ${source.dateFormat}`,
          });
        } else if (isoDate(date) > today.toISOString().slice(0, 10)) {
          problems.push({ rule: 'date.future', message: `date of birth ${isoDate(date)} is in the future` });
        } else {
          fields.dateOfBirth = isoDate(date);
        }
        break;
      }
      case 'nhsNumber':
        put(field, checked(value, validateNhsNumber));
        break;
      case 'upn':
        put(field, checked(value, validateUpn));
        break;
      case 'postcode':
        put(field, checked(value, normalisePostcode));
        break;
      case 'gender': {
        // An unmapped code is quarantined rather than read as 'unknown': it usually means the
        // source changed its coding, and guessing would blur every row after it.
        const gender = source.genderCodes[value.toLowerCase()];
        if (gender === undefined) {
          problems.push({
            rule: 'gender.unknown-code',
            message: `gender "${value}" is not one of the codes source ${source.name} declares (${Object.keys(source.genderCodes).join(', ')})`,
          });
        } else {
          fields.gender = gender;
        }
        break;
      }
      case 'forename':
      case 'surname':
      case 'address':
      case 'town':
      case 'region':
      case 'otherIdentifier':
        fields[field] = value;
        break;
    }
  }

  const flag = source.postAdoptionFlag;
  const postAdoption = flag?.values.includes(clean(raw[flag.column]).toLowerCase()) ?? false;
  const extra: Record<string, string> = {};
  for (const column of source.extra) {
    const value = clean(raw[column]);
    if (value !== '') extra[column] = value;
  }
  // A post-adoption record is created shielded, and a shielded record shows its local authority's
  // team in place of the child: without the authority it could be neither created nor found, so
  // the row waits in quarantine until someone supplies it.
  const laCode = extra[LA_CODE_COLUMN] ?? '';
  if (postAdoption && !LA_CODE.test(laCode)) {
    problems.push({
      rule: 'post-adoption.la-required',
      message: `a post-adoption record needs its responsible local authority's three-digit code (column ${LA_CODE_COLUMN})`,
    });
  } else if (postAdoption && !(knownLaCodes?.has(laCode) ?? false)) {
    problems.push({
      rule: 'post-adoption.la-unknown',
      message: `a post-adoption record's local authority code ${laCode} (column ${LA_CODE_COLUMN}) is not a local authority ContactPoint knows`,
    });
  }

  const first = problems[0];
  if (first !== undefined) return { ok: false, problems: [first, ...problems.slice(1)] };

  if (flag !== null) fields.postAdoption = postAdoption;
  const household = householdReference(source, raw);
  if (household !== '') {
    if (householdKey === undefined)
      throw new Error(`source ${source.name}: a household reference is kept only as a keyed hash`);
    fields.household = householdKey(household);
  }
  if (Object.keys(extra).length > 0) fields.extra = extra;
  return { ok: true, recordId, fields };
}

/** Keys a normalised household reference (upper case, no spaces) so equal references stay equal. */
export type HouseholdKey = (reference: string) => string;

function householdReference(source: SourceDeclaration, raw: RowValues): string {
  const parts = (source.household ?? []).map((column) =>
    clean(raw[column]).toUpperCase().replace(/\s+/g, ''),
  );
  // Without its reference a row belongs to no household, whatever else it shares.
  if (parts[0] === undefined || parts[0] === '') return '';
  return parts.join('|');
}

/** One line for a quarantine record: every problem's message. */
export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((problem) => `${problem.rule}: ${problem.message}`).join('; ');
}
