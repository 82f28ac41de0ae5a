import { sql } from 'kysely';
import type { Executor } from '../children/executor.ts';
import type { PairDecision } from './resolution.table.ts';

/** What blocking reads of one waiting row; keys are in the form the index stores them. */
export interface BlockingKeys {
  readonly rowId: number;
  readonly sourceName: string;
  readonly sourceRecordId: string;
  readonly nhsNumber: string | null;
  readonly upn: string | null;
  /** 'YYYY-MM-DD' */
  readonly dateOfBirth: string | null;
  /** nameKey() of the surname and forename, as child_name.surname_key / forename_key. */
  readonly surnameKey: string | null;
  readonly forenameKey: string | null;
  /** Normalised 'SW1A 1AA', and its keyed hash for shielded children's sealed addresses. */
  readonly postcode: string | null;
  readonly postcodeHmac: string | null;
}

export interface RowCandidates {
  /** Children any blocking rule found for the row. */
  readonly childIds: Set<string>;
  /** The child that already holds the row's own source record, if any. */
  sourceRecordChild: string | null;
}

/**
 * Candidate children for a whole chunk of rows in one statement: the rows go in as arrays
 * (unnest) and each blocking rule is a join on an indexed column, so the cost is one round trip
 * per chunk, never one per row. Merged-away and purged children are left out.
 *
 * Rules: the same source record; NHS number; UPN; date of birth with the surname key, or with the
 * forename key (a changed surname); surname and forename keys (a mistyped date of birth); postcode
 * with the surname key (a mistyped or missing date of birth), through the keyed hash for a
 * shielded child, whose postcode is sealed.
 */
export async function findCandidates(
  db: Executor,
  rows: readonly BlockingKeys[],
): Promise<Map<number, RowCandidates>> {
  const found = new Map<number, RowCandidates>();
  for (const row of rows) found.set(row.rowId, { childIds: new Set(), sourceRecordChild: null });
  if (rows.length === 0) return found;
  const column = <T>(pick: (row: BlockingKeys) => T): T[] => rows.map(pick);
  const { rows: hits } = await sql<{ row_id: number | string; child_id: string; rule: string }>`
    with input as (
      select * from unnest(
        ${column((r) => r.rowId)}::bigint[],
        ${column((r) => r.sourceName)}::text[],
        ${column((r) => r.sourceRecordId)}::text[],
        ${column((r) => r.nhsNumber)}::text[],
        ${column((r) => r.upn)}::text[],
        ${column((r) => r.dateOfBirth)}::date[],
        ${column((r) => r.surnameKey)}::text[],
        ${column((r) => r.forenameKey)}::text[],
        ${column((r) => r.postcode)}::text[],
        ${column((r) => r.postcodeHmac)}::text[]
      ) as t(row_id, source_name, record_id, nhs, upn, dob, surname_key, forename_key, postcode, postcode_hmac)
    ),
    hit as (
      select i.row_id, ci.child_id, 'source-record' as rule
      from input i
      join child_identifier ci
        on ci.scheme = 'source_record' and ci.source_name = i.source_name and ci.value = i.record_id
        and ci.valid_to is null
      union all
      select i.row_id, ci.child_id, 'identifier'
      from input i
      join child_identifier ci on ci.scheme = 'nhs_number' and ci.value = i.nhs and ci.valid_to is null
      union all
      select i.row_id, ci.child_id, 'identifier'
      from input i
      join child_identifier ci on ci.scheme = 'upn' and ci.value = i.upn and ci.valid_to is null
      union all
      select i.row_id, n.child_id, 'dob+surname'
      from input i
      join child_name n on n.surname_key = i.surname_key and n.valid_to is null
      join child c on c.id = n.child_id and c.date_of_birth = i.dob
      union all
      select i.row_id, c.id, 'dob+forename'
      from input i
      join child c on c.date_of_birth = i.dob
      join child_name n on n.child_id = c.id and n.forename_key = i.forename_key and n.valid_to is null
      union all
      select i.row_id, n.child_id, 'names'
      from input i
      join child_name n
        on n.surname_key = i.surname_key and n.forename_key = i.forename_key and n.valid_to is null
      union all
      select i.row_id, a.child_id, 'postcode+surname'
      from input i
      join child_address a
        on a.postcode_key = left(i.postcode, -2) and a.postcode = i.postcode and a.valid_to is null
      join child_name n on n.child_id = a.child_id and n.surname_key = i.surname_key and n.valid_to is null
      union all
      select i.row_id, a.child_id, 'postcode+surname'
      from input i
      join child_address a on a.postcode_hmac = i.postcode_hmac and a.valid_to is null
      join child_name n on n.child_id = a.child_id and n.surname_key = i.surname_key and n.valid_to is null
    )
    select distinct h.row_id, h.child_id, h.rule
    from hit h
    join child c on c.id = h.child_id
    where c.merged_into is null and c.status <> 'purged'`.execute(db);
  for (const hit of hits) {
    const entry = found.get(Number(hit.row_id));
    if (entry === undefined) continue;
    entry.childIds.add(hit.child_id);
    if (hit.rule === 'source-record') entry.sourceRecordChild = hit.child_id;
  }
  return found;
}

/** Decisions people have already made on these pairs (match_decision), by pair key. */
export async function rememberedDecisions(
  db: Executor,
  pairKeys: readonly string[],
): Promise<Map<string, PairDecision>> {
  if (pairKeys.length === 0) return new Map();
  const { rows } = await sql<{ pair_key: string; decision: PairDecision }>`
    select pair_key, decision from match_decision where pair_key = any(${[...new Set(pairKeys)]}::text[])`.execute(
    db,
  );
  return new Map(rows.map((row) => [row.pair_key, row.decision]));
}

/** Children in the index that matching can still find: the denominator of the incremental prior. */
export async function countIndexedChildren(db: Executor): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from child where merged_into is null and status <> 'purged'`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
