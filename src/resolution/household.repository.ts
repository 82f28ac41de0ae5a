import { sql } from 'kysely';
import type { Executor } from '../children/executor.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import type { HouseholdRow } from './household.ts';
import { groupsByRow } from './waiting-rows.repository.ts';

/** The rows of a batch naming each of these households, whatever became of them. */
export async function householdRows(
  db: Executor,
  batchId: number,
  households: readonly string[],
): Promise<Map<string, HouseholdRow[]>> {
  const found = new Map<string, HouseholdRow[]>();
  if (households.length === 0) return found;
  const { rows } = await sql<{ id: number; household: string; fields: NormalisedFields }>`
    select id, fields ->> 'household' as household, fields
    from feed_row
    where batch_id = ${batchId} and fields ? 'household' and fields ->> 'household' = any(${[...new Set(households)]}::text[])`.execute(
    db,
  );
  for (const row of rows) {
    const list = found.get(row.household) ?? [];
    list.push({ id: row.id, fields: row.fields });
    found.set(row.household, list);
  }
  return found;
}

/**
 * The children with a current address at each postcode. A shielded child's postcode is sealed, so
 * a shielded child is never found here, nor its home given away.
 */
export async function childrenAtPostcodes(
  db: Executor,
  postcodes: readonly string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (postcodes.length === 0) return found;
  const { rows } = await sql<{ postcode: string; child_id: string }>`
    select distinct a.postcode, a.child_id
    from unnest(${[...new Set(postcodes)]}::text[]) as p(postcode)
    join child_address a on a.postcode_key = left(p.postcode, -2) and a.postcode = p.postcode
    where a.valid_to is null`.execute(db);
  for (const row of rows) found.set(row.postcode, [...(found.get(row.postcode) ?? []), row.child_id]);
  return found;
}

/**
 * Rows of a batch sharing their household and date of birth with another row (twins on a claim),
 * whatever became of them: each row's id to the ids of its group. Read once per batch.
 */
export async function claimTwinGroups(db: Executor, batchId: number): Promise<Map<number, number[]>> {
  const { rows } = await sql<{ ids: (number | string)[] }>`
    select array_agg(id order by row_number) as ids
    from feed_row
    where batch_id = ${batchId} and fields ? 'household' and fields ? 'dateOfBirth'
    group by fields ->> 'household', fields ->> 'dateOfBirth'
    having count(*) > 1`.execute(db);
  return groupsByRow(rows);
}

/** The fields of these feed rows, whatever became of them. */
export async function feedRowFields(
  db: Executor,
  ids: readonly number[],
): Promise<Map<number, NormalisedFields>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('feed_row')
    .select(['id', 'fields'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, row.fields]));
}
