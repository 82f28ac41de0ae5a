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
  /** The same day in the years a typist could have written instead (birthYearTypos). */
  readonly birthYearTypos: readonly string[];
  /** nameKey() of the surname and forename, as child_name.surname_key / forename_key. */
  readonly surnameKey: string | null;
  readonly forenameKey: string | null;
  /** Normalised 'SW1A 1AA'. */
  readonly postcode: string | null;
  /**
   * The postcode's keyed hash under every configured HMAC key, for a shielded child's sealed
   * address: while a key rotation is half done, stored hashes are under either key.
   */
  readonly postcodeHmacs: readonly string[];
}

export interface RowCandidates {
  /** Children any blocking rule found for the row. */
  readonly childIds: Set<string>;
  /** The child that already holds the row's own source record, if any. */
  sourceRecordChild: string | null;
}

interface Hit {
  readonly rowId: number;
  readonly childId: string;
  /** Found by the row's own source record. */
  readonly own: boolean;
}

/**
 * Candidate children for a whole chunk of rows in two statements, whatever its size: the rows go
 * in as arrays. Merged-away and purged children are left out. Each row's candidates are in child
 * id order.
 *
 * Rules: the same source record; NHS number; UPN; date of birth with the surname key, or with the
 * forename key (a changed surname); surname and forename keys with a date of birth a typist could
 * have mistyped into the row's (the same year, or the same day in a year one digit away), or none;
 * postcode with the surname key (a mistyped or missing date of birth) or with the date of birth (a
 * changed or mistyped surname beside a nickname or a mistyped forename), through the keyed hash for
 * a shielded child, whose postcode is sealed. Surname and forename alone would find hundreds of
 * children per common name at national scale, every one of them loaded and scored, and any whose
 * date of birth is further off is a sibling unless an identifier says otherwise.
 *
 * The rules read the index entries their keys point at rather than joining whole tables, so a
 * chunk's cost does not grow with the index (but see lookUpValues). The statements are shaped so
 * that the planner has one sensible index for each lookup: the embedded engine gathers no
 * statistics by itself, and a fresh PostgreSQL database has none until it is analysed, so the
 * planner takes every partial index for empty and would as soon scan a whole one as probe the
 * right one.
 */
export async function findCandidates(
  db: Executor,
  rows: readonly BlockingKeys[],
): Promise<Map<number, RowCandidates>> {
  const found = new Map<number, RowCandidates>();
  for (const row of rows) found.set(row.rowId, { childIds: new Set(), sourceRecordChild: null });
  if (rows.length === 0) return found;
  const hits = [...(await probeEachRow(db, rows)), ...(await lookUpValues(db, rows))];
  hits.sort((a, b) => a.rowId - b.rowId || (a.childId < b.childId ? -1 : a.childId > b.childId ? 1 : 0));
  for (const hit of hits) {
    const entry = found.get(hit.rowId);
    if (entry === undefined) continue;
    entry.childIds.add(hit.childId);
    if (hit.own) entry.sourceRecordChild = hit.childId;
  }
  return found;
}

/**
 * The rules whose lookups have an index of their own: per row (lateral), each an index probe.
 * child_name carries its child's date of birth (kept by the database), so a date and a name key
 * are one probe. The check on a postcode candidate's surname or birthday reads all of that child's names
 * through child_id (a bool_or over them), keeping the name indexes, partial on valid_to, out of the
 * planner's reach there.
 */
async function probeEachRow(db: Executor, rows: readonly BlockingKeys[]): Promise<Hit[]> {
  const column = <T>(pick: (row: BlockingKeys) => T): T[] => rows.map(pick);
  const { rows: hits } = await sql<{ row_id: number | string; child_id: string; own: boolean }>`
    with input as (
      select * from unnest(
        ${column((r) => r.rowId)}::bigint[],
        ${column((r) => r.sourceName)}::text[],
        ${column((r) => r.sourceRecordId)}::text[],
        ${column((r) => r.dateOfBirth)}::date[],
        ${column((r) => r.birthYearTypos.join(','))}::text[],
        ${column((r) => r.surnameKey)}::text[],
        ${column((r) => r.forenameKey)}::text[],
        ${column((r) => r.postcode)}::text[]
      ) as t(row_id, source_name, record_id, dob, year_typos, surname_key, forename_key, postcode)
    ),
    hit as (
      select i.row_id, x.child_id, bool_or(x.own) as own
      from input i
      cross join lateral (
        select ci.child_id, true as own
        from child_identifier ci
        where ci.scheme = 'source_record' and ci.source_name = i.source_name and ci.value = i.record_id
          and ci.valid_to is null
        union all
        select n.child_id, false
        from child_name n
        where n.date_of_birth = i.dob and n.surname_key = i.surname_key and n.valid_to is null
        union all
        select n.child_id, false
        from child_name n
        where n.date_of_birth = i.dob and n.forename_key = i.forename_key and n.valid_to is null
        union all
        select n.child_id, false
        from child_name n
        where n.surname_key = i.surname_key and n.forename_key = i.forename_key and n.valid_to is null
          and n.date_of_birth between date_trunc('year', i.dob)::date and (date_trunc('year', i.dob) + interval '1 year - 1 day')::date
        union all
        select n.child_id, false
        from child_name n
        where n.surname_key = i.surname_key and n.forename_key = i.forename_key and n.valid_to is null
          and n.date_of_birth = any(string_to_array(i.year_typos, ',')::date[])
        union all
        select n.child_id, false
        from child_name n
        where i.dob is null
          and n.surname_key = i.surname_key and n.forename_key = i.forename_key and n.valid_to is null
        union all
        select a.child_id, false
        from child_address a
        where a.postcode_key = left(i.postcode, -2) and a.postcode = i.postcode and a.valid_to is null
          and (
            select bool_or(n.valid_to is null and (n.surname_key = i.surname_key or n.date_of_birth = i.dob))
            from child_name n
            where n.child_id = a.child_id
          )
      ) x
      group by i.row_id, x.child_id
    )
    select h.row_id, h.child_id, h.own
    from hit h
    where ${live(sql.ref('h.child_id'))}`.execute(db);
  return hits.map((hit) => ({ rowId: Number(hit.row_id), childId: hit.child_id, own: hit.own }));
}

/**
 * The rules through NHS numbers, UPNs and postcode hashes, asked once for all the chunk's values
 * and matched back to rows here. An NHS number or UPN is one probe of the unique index on (scheme,
 * value), both columns given in a lateral subquery the planner may not flatten: asked as "value =
 * any(list)", a planner without statistics read every NHS number in the index instead, once per
 * chunk.
 */
async function lookUpValues(db: Executor, rows: readonly BlockingKeys[]): Promise<Hit[]> {
  const byNational = new Map<string, BlockingKeys[]>();
  const byHash = new Map<string, BlockingKeys[]>();
  const add = (map: Map<string, BlockingKeys[]>, key: string, row: BlockingKeys): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [row]);
    else list.push(row);
  };
  for (const row of rows) {
    if (row.nhsNumber !== null) add(byNational, `nhs_number|${row.nhsNumber}`, row);
    if (row.upn !== null) add(byNational, `upn|${row.upn}`, row);
    if (row.surnameKey !== null || row.dateOfBirth !== null) {
      for (const hmac of row.postcodeHmacs) add(byHash, hmac, row);
    }
  }
  if (byNational.size === 0 && byHash.size === 0) return [];
  const national = [...byNational.keys()].map((key) => key.split('|') as [string, string]);
  const { rows: held } = await sql<{
    child_id: string;
    scheme: string;
    value: string;
    surnames: string[] | null;
    births: string[] | null;
  }>`
    select ci.child_id, ci.scheme, ci.value, null as surnames, null as births
    from unnest(${national.map(([scheme]) => scheme)}::text[], ${national.map(([, value]) => value)}::text[])
      as k(scheme, value)
    cross join lateral (
      select ci.child_id, ci.scheme, ci.value
      from child_identifier ci
      where ci.scheme in ('nhs_number', 'upn') and ci.valid_to is null and ci.scheme = k.scheme and ci.value = k.value
      offset 0
    ) ci
    where ${live(sql.ref('ci.child_id'))}
    union all
    select a.child_id, 'postcode_hmac', a.postcode_hmac, n.surnames, n.births
    from child_address a
    cross join lateral (
      select array_agg(n.surname_key) as surnames, array_agg(n.date_of_birth::text) as births
      from child_name n
      where n.child_id = a.child_id and n.valid_to is null
    ) n
    where a.postcode_hmac = any(${[...byHash.keys()]}::text[]) and a.valid_to is null
      and ${live(sql.ref('a.child_id'))}`.execute(db);
  const hits: Hit[] = [];
  for (const h of held) {
    if (h.scheme === 'postcode_hmac') {
      const surnames = new Set(h.surnames ?? []);
      const births = new Set(h.births ?? []);
      for (const row of byHash.get(h.value) ?? []) {
        const sameSurname = row.surnameKey !== null && surnames.has(row.surnameKey);
        if (sameSurname || (row.dateOfBirth !== null && births.has(row.dateOfBirth))) {
          hits.push({ rowId: row.rowId, childId: h.child_id, own: false });
        }
      }
    } else {
      for (const row of byNational.get(`${h.scheme}|${h.value}`) ?? []) {
        hits.push({ rowId: row.rowId, childId: h.child_id, own: false });
      }
    }
  }
  return hits;
}

/** The child is live (neither merged away nor purged): a primary-key probe per candidate. */
function live(childId: ReturnType<typeof sql.ref>) {
  // offset 0 keeps it a probe per candidate rather than a join the planner might answer by reading
  // every child.
  return sql<boolean>`exists (
    select from child c
    where c.id = ${childId} and c.merged_into is null and c.status <> 'purged'
    offset 0
  )`;
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
