import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
}

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

/** Validates a parsed JSON declaration; every message names the offending key. */
export function parseSourceDeclaration(json: unknown): SourceDeclaration {
  if (!isRecord(json)) throw new SourceDefinitionError('the source declaration must be a JSON object');
  const { name, kind, required, extra, ...definition } = json;
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
  return {
    ...parsed,
    name,
    kind: kind as SourceDeclaration['kind'],
    required: requiredFields as FieldName[],
    extra: stringList(extra, 'extra'),
  };
}

/** Every column a file of this source must have. */
export function declaredColumns(source: SourceDeclaration): string[] {
  return [...new Set([...requiredColumns(source), ...source.extra])];
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
