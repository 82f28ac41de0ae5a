import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENDERS, type Gender } from '../children/child.model.ts';
import {
  FIELD_NAMES,
  SourceDefinitionError,
  parseSourceDefinition,
  requiredColumns,
  type FieldName,
  type SourceDefinition,
} from '../matching/source-definition.ts';

/**
 * A feed source, declared once in src/ingest/sources/NAME.json: the matching source definition
 * (id column, field columns, date format) plus what ingestion needs besides: the source's name and
 * kind, the fields a row must have, and extra columns kept with the row without being validated.
 */
export interface SourceDeclaration extends SourceDefinition {
  readonly name: string;
  readonly kind: 'national' | 'local';
  readonly required: readonly FieldName[];
  readonly extra: readonly string[];
  /** The source's own gender codes, lower-cased, to the index's four values. */
  readonly genderCodes: Readonly<Record<string, Gender>>;
  /** Rank per child record field for survivorship (stored in source.precedence; see survivorship.ts). */
  readonly precedence: Readonly<Record<string, number>>;
  /**
   * The columns whose values the rows of one household share (a benefit claim: the claimant's
   * reference, then the claimant's name, since one child's second claim by the other parent is
   * another household): the brothers and sisters on one claim are evidence about each other's
   * match. The first column must have a value for a row to belong to a household. Null when the
   * source has none.
   */
  readonly household: readonly string[] | null;
}

/**
 * Codes understood when a source declares none: the index's own words and their initials. A
 * source that codes gender any other way (NHS '1'/'2') must say so in "genderCodes".
 */
export const DEFAULT_GENDER_CODES: Readonly<Record<string, Gender>> = {
  female: 'female',
  f: 'female',
  male: 'male',
  m: 'male',
  unknown: 'unknown',
  u: 'unknown',
  other: 'other',
};

export const SOURCES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sources');

const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const KINDS = ['national', 'local'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) {
    throw new SourceDefinitionError(`"${where}" must be a list of non-empty strings`);
  }
  return value.map((item: string) => item.trim());
}

function genderCodes(value: unknown): Record<string, Gender> {
  if (value === undefined) return { ...DEFAULT_GENDER_CODES };
  if (!isRecord(value) || Object.keys(value).length === 0) {
    throw new SourceDefinitionError('"genderCodes" must be an object mapping the source\'s codes to genders');
  }
  const codes: Record<string, Gender> = {};
  for (const [code, gender] of Object.entries(value)) {
    if (typeof gender !== 'string' || !(GENDERS as readonly string[]).includes(gender)) {
      throw new SourceDefinitionError(`"genderCodes.${code}" must be one of: ${GENDERS.join(', ')}`);
    }
    const key = code.trim().toLowerCase();
    if (key === '') throw new SourceDefinitionError('"genderCodes" has an empty code');
    codes[key] = gender as Gender;
  }
  return codes;
}

const PRECEDENCE_FIELD = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;

function precedence(value: unknown): Record<string, number> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    throw new SourceDefinitionError('"precedence" must be an object mapping record fields to ranks');
  }
  const ranks: Record<string, number> = {};
  for (const [field, rank] of Object.entries(value)) {
    if (!PRECEDENCE_FIELD.test(field)) {
      throw new SourceDefinitionError(`"precedence" names "${field}", which is not a record field name`);
    }
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0 || rank > 1000) {
      throw new SourceDefinitionError(`"precedence.${field}" must be a whole number from 0 to 1000`);
    }
    ranks[field] = rank;
  }
  return ranks;
}

/** The extra column a source gives the responsible local authority's three-digit code in. */
export const LA_CODE_COLUMN = 'la_code';

/** Validates a parsed JSON declaration; every message names the offending key. */
export function parseSourceDeclaration(json: unknown): SourceDeclaration {
  if (!isRecord(json)) throw new SourceDefinitionError('the source declaration must be a JSON object');
  const {
    name,
    kind,
    required,
    extra,
    household,
    genderCodes: codes,
    precedence: ranks,
    ...definition
  } = json;
  if (typeof name !== 'string' || !SOURCE_NAME.test(name)) {
    throw new SourceDefinitionError(
      '"name" must be 1 to 64 lower-case letters, digits, dots, hyphens or underscores',
    );
  }
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    throw new SourceDefinitionError(`"kind" must be one of: ${KINDS.join(', ')}`);
  }
  const parsed = parseSourceDefinition(definition);
  const requiredFields = stringList(required, 'required');
  for (const field of requiredFields) {
    if (!(FIELD_NAMES as readonly string[]).includes(field)) {
      throw new SourceDefinitionError(
        `unknown field "${field}" in "required" (expected one of: ${FIELD_NAMES.join(', ')})`,
      );
    }
    if (parsed.fields[field as FieldName] === undefined) {
      throw new SourceDefinitionError(`"required" names ${field}, which "fields" does not map to a column`);
    }
  }
  const extraColumns = stringList(extra, 'extra');
  if (parsed.postAdoptionFlag !== null && !extraColumns.includes(LA_CODE_COLUMN)) {
    throw new SourceDefinitionError(
      `a source that flags post-adoption records must keep the "${LA_CODE_COLUMN}" column in "extra": a post-adoption record is created shielded under its local authority`,
    );
  }
  return {
    ...parsed,
    household: householdColumns(household),
    name,
    kind: kind as SourceDeclaration['kind'],
    required: requiredFields as FieldName[],
    extra: extraColumns,
    genderCodes: genderCodes(codes),
    precedence: precedence(ranks),
  };
}

function householdColumns(household: unknown): string[] | null {
  if (household === undefined) return null;
  const columns = typeof household === 'string' ? [household] : household;
  if (
    !Array.isArray(columns) ||
    columns.length === 0 ||
    columns.some((column) => typeof column !== 'string' || column.trim() === '')
  ) {
    throw new SourceDefinitionError(
      '"household" must name the column the rows of one household share, or a list of columns',
    );
  }
  return (columns as string[]).map((column) => column.trim());
}

/** Every column a file of this source must have. */
export function declaredColumns(source: SourceDeclaration): string[] {
  return [...new Set([...requiredColumns(source), ...source.extra, ...(source.household ?? [])])];
}

/** The names of the declared sources, from the JSON files in SOURCES_DIR. */
export function declaredSourceNames(dir: string = SOURCES_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** Loads the declaration of source `name`; an unknown name lists the known ones. */
export function loadSourceDeclaration(name: string, dir: string = SOURCES_DIR): SourceDeclaration {
  const known = declaredSourceNames(dir);
  if (!known.includes(name)) {
    throw new SourceDefinitionError(`no source is declared as "${name}" (declared: ${known.join(', ')})`);
  }
  const file = path.join(dir, `${name}.json`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SourceDefinitionError(`${file} is not readable JSON: ${(error as Error).message}`);
  }
  let declaration: SourceDeclaration;
  try {
    declaration = parseSourceDeclaration(json);
  } catch (error) {
    if (error instanceof SourceDefinitionError) throw new SourceDefinitionError(`${file}: ${error.message}`);
    throw error;
  }
  if (declaration.name !== name) {
    throw new SourceDefinitionError(`${file} declares the source "${declaration.name}", not "${name}"`);
  }
  return declaration;
}
