import { sql } from 'kysely';
import type { Executor } from '../children/executor.ts';
import type { RawPerson } from '../matching/record.ts';
import type { FieldName } from '../matching/source-definition.ts';

/** The fields loadIndexRecords fills for a child: hence the comparisons that score against the index. */
export const INDEX_FIELDS: readonly FieldName[] = [
  'forename',
  'surname',
  'dateOfBirth',
  'gender',
  'address',
  'town',
  'postcode',
  'nhsNumber',
  'upn',
];

/** The date format of dates read back from the index ('YYYY-MM-DD'). */
export const INDEX_DATE_FORMAT = 'YYYY-MM-DD';

/** A child in the index, in the shape the matcher reads, with what the safety rules need beside it. */
export interface IndexRecord {
  readonly childId: string;
  readonly contactpointId: string;
  readonly shielded: boolean;
  readonly responsibleLa: string | null;
  readonly status: string;
  /** The child's current details. Dates are 'YYYY-MM-DD' (INDEX_DATE_FORMAT). */
  readonly raw: RawPerson;
  /** The child's other names still held (former names, aliases another source gave). */
  readonly otherNames?: readonly OtherName[];
  /** Postcodes the child's rows give besides its current one, newest first. */
  readonly otherPostcodes?: readonly string[];
}

export interface OtherName {
  readonly forename: string;
  readonly middleNames: string | null;
  readonly surname: string;
}

function joinAddress(parts: readonly (string | null)[]): string {
  return parts.filter((part): part is string => part !== null && part.trim() !== '').join(' ');
}

/**
 * The postcodes the rows of each child give, newest first. The school census gives a postcode
 * without a street, which is not an address anyone could visit and so is not written as one
 * (apply-values.ts), but it still says where the child lives: for a child with no address it is
 * the child's place (without it, another child of the same name and birthday anywhere in the
 * country looks no less like this one), and for a child whose address came from a source that
 * had not heard of a move, it is where the child lives now.
 */
async function postcodesOfRows(db: Executor, childIds: readonly string[]): Promise<Map<string, string[]>> {
  const byChild = new Map<string, string[]>();
  if (childIds.length === 0) return byChild;
  const { rows } = await sql<{ child_id: string; postcode: string }>`
    select child_id, fields ->> 'postcode' as postcode
    from feed_row
    where child_id = any(${sql<string[]>`${childIds}::uuid[]`}) and fields ->> 'postcode' is not null
    group by child_id, fields ->> 'postcode'
    order by child_id, max(id) desc`.execute(db);
  for (const row of rows) {
    const postcodes = byChild.get(row.child_id) ?? [];
    postcodes.push(row.postcode);
    byChild.set(row.child_id, postcodes);
  }
  return byChild;
}

/**
 * Loads the current details of the given children for matching: current name (and the other names
 * still held), the newest current address (or, with none, the newest postcode the child's feed rows
 * give; and the other postcodes they give), NHS number and UPN.
 * Merged-away and purged children are skipped. `db` must be the field-encrypting view (services'
 * childDb) so a shielded child's address is opened in memory — matching must still find shielded
 * children.
 *
 * Four statements whatever the number of children, each taking the ids as one array parameter.
 */
export async function loadIndexRecords(db: Executor, childIds: readonly string[]): Promise<IndexRecord[]> {
  if (childIds.length === 0) return [];
  const ids = sql<string[]>`${[...new Set(childIds)]}::uuid[]`;
  // A child's name and identifiers are read through child_id alone and picked out by the aggregates'
  // filters: the indexes partial on valid_to would otherwise compete with child_id's, and with no
  // statistics (the embedded engine gathers none by itself) the planner may take a whole scan of one of
  // them for the cheaper.
  const { rows: children } = await sql<{
    id: string;
    contactpoint_id: string;
    shielded: boolean;
    post_adoption: boolean;
    responsible_la: string | null;
    status: string;
    gender: string | null;
    date_of_birth: string | null;
    forename: string | null;
    middle_names: string | null;
    surname: string | null;
    other_names: OtherName[] | null;
    nhs_number: string | null;
    upn: string | null;
  }>`
    select c.id, c.contactpoint_id, c.shielded, c.post_adoption, c.responsible_la, c.status, c.gender,
      c.date_of_birth, n.forename, n.middle_names, n.surname, n.other_names, i.nhs_number, i.upn
    from child c
    cross join lateral (
      select
        max(n.forename) filter (where n.kind = 'current' and n.valid_to is null) as forename,
        max(n.middle_names) filter (where n.kind = 'current' and n.valid_to is null) as middle_names,
        max(n.surname) filter (where n.kind = 'current' and n.valid_to is null) as surname,
        jsonb_agg(jsonb_build_object(
          'forename', n.forename, 'middleNames', n.middle_names, 'surname', n.surname
        )) filter (where n.kind <> 'current' and n.valid_to is null) as other_names
      from child_name n
      where n.child_id = c.id
    ) n
    cross join lateral (
      select
        max(ci.value) filter (where ci.scheme = 'nhs_number' and ci.valid_to is null) as nhs_number,
        max(ci.value) filter (where ci.scheme = 'upn' and ci.valid_to is null) as upn
      from child_identifier ci
      where ci.child_id = c.id
    ) i
    where c.id = any(${ids}) and c.merged_into is null and c.status <> 'purged'`.execute(db);
  // Selected from the one table, with id, child_id and sealed_fields, so the encrypting database
  // opens a shielded child's sealed address; the current ones are picked out here, for the reason
  // above.
  const addresses = await db
    .selectFrom('child_address')
    .select(['id', 'child_id', 'line1', 'line2', 'line3', 'line4', 'town', 'postcode', 'sealed_fields'])
    .select(sql<boolean>`valid_to is null`.as('current'))
    .where('child_id', '=', sql<string>`any(${ids})`)
    .orderBy('child_id')
    .orderBy('valid_from', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const addressOf = new Map<string, (typeof addresses)[number]>();
  for (const address of addresses) {
    // Newest first: the first current one is the child's address.
    if (address.current && !addressOf.has(address.child_id)) addressOf.set(address.child_id, address);
  }
  const postcodesOf = await postcodesOfRows(
    db,
    children.map((child) => child.id),
  );
  return children.map((child) => {
    const address = addressOf.get(child.id);
    const raw: RawPerson = {
      forename: child.forename ?? '',
      surname: child.surname ?? '',
      ...(child.middle_names === null ? {} : { middleNames: child.middle_names }),
      dateOfBirth: child.date_of_birth ?? '',
      gender: child.gender ?? '',
      postAdoption: child.post_adoption,
    };
    if (child.nhs_number !== null) raw.nhsNumber = child.nhs_number;
    if (child.upn !== null) raw.upn = child.upn;
    if (address) {
      raw.address = joinAddress([address.line1, address.line2, address.line3, address.line4]);
      if (address.town !== null) raw.town = address.town;
      if (address.postcode !== null) raw.postcode = address.postcode;
    }
    const postcodes = postcodesOf.get(child.id) ?? [];
    if (raw.postcode === undefined && postcodes[0] !== undefined) raw.postcode = postcodes[0];
    const otherPostcodes = postcodes.filter((postcode) => postcode !== raw.postcode);
    return {
      childId: child.id,
      contactpointId: child.contactpoint_id,
      shielded: child.shielded,
      responsibleLa: child.responsible_la,
      status: child.status,
      raw,
      ...(child.other_names === null ? {} : { otherNames: child.other_names }),
      ...(otherPostcodes.length === 0 ? {} : { otherPostcodes }),
    };
  });
}
