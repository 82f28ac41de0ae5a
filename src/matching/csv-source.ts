import { parse } from 'csv-parse/sync';
import { prepareFileRecord } from './record.ts';
import type { MatchRecord, RawPerson } from './record.ts';
import { FIELD_NAMES, SourceDefinitionError, requiredColumns } from './source-definition.ts';
import type { SourceDefinition } from './source-definition.ts';

export interface SourceRecords {
  /** The opaque id of each row, for output only. */
  ids: string[];
  records: MatchRecord[];
}

export class CsvSourceError extends Error {
  override readonly name = 'CsvSourceError';
}

/**
 * Parses CSV text already read by the caller (this module does no I/O). Values are trimmed, so
 * "a, b" and "a,b" read the same and a value of a single space is missing.
 */
export function readCsvSource(text: string, def: SourceDefinition, label: string): SourceRecords {
  let rows: string[][];
  try {
    rows = parse(text, {
      trim: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
    });
  } catch (error) {
    throw new CsvSourceError(`${label} is not readable CSV: ${(error as Error).message}`);
  }
  const header = rows[0];
  if (header === undefined) throw new CsvSourceError(`${label} is empty: it needs a header row`);
  const position = new Map<string, number>();
  header.forEach((name, i) => {
    if (!position.has(name.trim())) position.set(name.trim(), i);
  });
  for (const column of requiredColumns(def)) {
    if (!position.has(column)) {
      throw new SourceDefinitionError(
        `the source definition reads column "${column}", which ${label} does not have (its columns: ${header.join(', ')})`,
      );
    }
  }
  const at = (column: string): number => position.get(column) ?? -1;
  const idAt = at(def.idColumn);
  const fieldColumns = FIELD_NAMES.flatMap((field) => {
    const columns = def.fields[field];
    return columns ? [{ field, positions: columns.map(at) }] : [];
  });
  const flag = def.postAdoptionFlag;
  const flagAt = flag ? at(flag.column) : -1;

  const ids: string[] = [];
  const records: MatchRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r] ?? [];
    const raw: RawPerson = {};
    for (const { field, positions } of fieldColumns) {
      const parts: string[] = [];
      for (const p of positions) {
        const value = row[p];
        if (value !== undefined && value !== '') parts.push(value);
      }
      if (parts.length > 0) raw[field] = parts.join(' ');
    }
    if (flag && flagAt >= 0) {
      raw.postAdoption = flag.values.includes((row[flagAt] ?? '').toLowerCase());
    }
    ids.push(row[idAt] ?? '');
    records.push(prepareFileRecord(raw, def.dateFormat));
  }
  return { ids, records };
}
