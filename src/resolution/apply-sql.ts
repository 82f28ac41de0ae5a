import { sql, type RawBuilder } from 'kysely';

/**
 * A list sent as one array parameter, written as an array literal rather than left to the driver so
 * both engines receive the same text.
 */
export function arrayOf<T>(
  values: readonly (string | number)[],
  type: 'uuid' | 'text' | 'bigint',
): RawBuilder<T[]> {
  const literal = `{${values.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  return sql<T[]>`${literal}::${sql.raw(type)}[]`;
}

/**
 * The list for `where(column, '=', anyOf(...))`: the planner sees the whole array, so it probes an
 * index per value or, scanning, tests each row with one hash lookup.
 */
export function anyOf<T>(
  values: readonly (string | number)[],
  type: 'uuid' | 'text' | 'bigint',
): RawBuilder<T> {
  return sql<T>`any(${arrayOf(values, type)})`;
}

/** Rows sent as one JSON parameter, read as a table `x` with the given column definitions. */
export function recordset(items: readonly object[], columns: string): RawBuilder<unknown> {
  return sql`json_to_recordset(${JSON.stringify(items)}::json) as x(${sql.raw(columns)})`;
}
