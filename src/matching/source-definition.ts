import { isSupportedDateFormat } from './normalise.ts';

/**
 * How a CSV source maps onto the fields the matcher understands. The id column is carried
 * through to the output only: it is an opaque key and never takes part in matching.
 */
export const FIELD_NAMES = [
  'forename',
  'surname',
  'dateOfBirth',
  'gender',
  'address',
  'town',
  'postcode',
  'region',
  'nhsNumber',
  'upn',
  'otherIdentifier',
] as const;

export type FieldName = (typeof FIELD_NAMES)[number];

export interface SourceDefinition {
  description: string;
  idColumn: string;
  /** Columns per field; several columns are joined with a space (street number + street). */
  fields: Partial<Record<FieldName, readonly string[]>>;
  dateFormat: string;
  /** A row whose flag column holds one of the values is post-adoption: it is never linked. */
  postAdoptionFlag: { column: string; values: readonly string[] } | null;
}

export class SourceDefinitionError extends Error {
  override readonly name = 'SourceDefinitionError';
}

const TOP_LEVEL_KEYS = ['description', 'id', 'fields', 'dateFormat', 'postAdoptionFlag'] as const;
const DEFAULT_FLAG_VALUES = ['y', 'yes', 'true', '1', 't'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function columnList(value: unknown, where: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new SourceDefinitionError(`${where} must be a column name or a non-empty list of column names`);
  }
  return list.map((column, i) => {
    if (typeof column !== 'string' || column.trim() === '') {
      throw new SourceDefinitionError(`${where}[${i}] must be a non-empty column name`);
    }
    return column.trim();
  });
}

/** Validates a parsed JSON source definition; every message names the offending key. */
export function parseSourceDefinition(json: unknown): SourceDefinition {
  if (!isRecord(json)) throw new SourceDefinitionError('the source definition must be a JSON object');
  for (const key of Object.keys(json)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      throw new SourceDefinitionError(`unknown key "${key}" (expected one of: ${TOP_LEVEL_KEYS.join(', ')})`);
    }
  }
  const description = json.description ?? '';
  if (typeof description !== 'string') throw new SourceDefinitionError('"description" must be a string');

  if (typeof json.id !== 'string' || json.id.trim() === '') {
    throw new SourceDefinitionError('"id" must name the record id column');
  }
  const idColumn = json.id.trim();

  let dateFormat = 'YYYY-MM-DD';
  if (json.dateFormat !== undefined) {
    if (typeof json.dateFormat !== 'string' || !isSupportedDateFormat(json.dateFormat)) {
      throw new SourceDefinitionError(
        `"dateFormat" must combine YYYY, MM and DD with optional - / . separators (e.g. YYYYMMDD, DD/MM/YYYY), got ${JSON.stringify(json.dateFormat)}`,
      );
    }
    dateFormat = json.dateFormat;
  }

  if (!isRecord(json.fields)) {
    throw new SourceDefinitionError('"fields" must be an object mapping field names to columns');
  }
  const fields: Partial<Record<FieldName, readonly string[]>> = {};
  for (const [key, value] of Object.entries(json.fields)) {
    if (!(FIELD_NAMES as readonly string[]).includes(key)) {
      throw new SourceDefinitionError(
        `unknown field "fields.${key}" (expected one of: ${FIELD_NAMES.join(', ')})`,
      );
    }
    const field = key as FieldName;
    if (field === 'dateOfBirth' && isRecord(value)) {
      // { "column": "dob", "format": "YYYYMMDD" } keeps a date's format beside its column.
      const { column, format, ...rest } = value;
      const extra = Object.keys(rest)[0];
      if (extra !== undefined) {
        throw new SourceDefinitionError(
          `unknown key "fields.dateOfBirth.${extra}" (expected column, format)`,
        );
      }
      fields.dateOfBirth = columnList(column, 'fields.dateOfBirth.column');
      if (format !== undefined) {
        if (typeof format !== 'string' || !isSupportedDateFormat(format)) {
          throw new SourceDefinitionError(
            `"fields.dateOfBirth.format" must combine YYYY, MM and DD with optional - / . separators, got ${JSON.stringify(format)}`,
          );
        }
        dateFormat = format;
      }
      continue;
    }
    fields[field] = columnList(value, `fields.${key}`);
  }
  if (fields.forename === undefined && fields.surname === undefined) {
    throw new SourceDefinitionError('"fields" must map at least one of forename and surname');
  }

  let postAdoptionFlag: SourceDefinition['postAdoptionFlag'] = null;
  const flag = json.postAdoptionFlag;
  if (typeof flag === 'string' && flag.trim() !== '') {
    postAdoptionFlag = { column: flag.trim(), values: DEFAULT_FLAG_VALUES };
  } else if (isRecord(flag)) {
    const { column, values, ...rest } = flag;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) {
      throw new SourceDefinitionError(`unknown key "postAdoptionFlag.${extra}" (expected column, values)`);
    }
    if (typeof column !== 'string' || column.trim() === '') {
      throw new SourceDefinitionError('"postAdoptionFlag.column" must name a column');
    }
    let list = DEFAULT_FLAG_VALUES;
    if (values !== undefined) {
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
        throw new SourceDefinitionError('"postAdoptionFlag.values" must be a non-empty list of strings');
      }
      list = values.map((v: string) => v.trim().toLowerCase());
    }
    postAdoptionFlag = { column: column.trim(), values: list };
  } else if (flag !== undefined && flag !== null) {
    throw new SourceDefinitionError('"postAdoptionFlag" must be a column name or { "column", "values" }');
  }

  return { description, idColumn, fields, dateFormat, postAdoptionFlag };
}

/** Every column the definition reads, so a file can be checked before any matching starts. */
export function requiredColumns(def: SourceDefinition): string[] {
  const columns = new Set<string>([def.idColumn]);
  for (const list of Object.values(def.fields)) for (const column of list) columns.add(column);
  if (def.postAdoptionFlag) columns.add(def.postAdoptionFlag.column);
  return [...columns];
}
