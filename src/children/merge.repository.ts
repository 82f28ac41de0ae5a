import { sql, type RawBuilder } from 'kysely';
import { sealContext, SEALED_TABLES } from './encryption.repository.ts';
import type { FieldCipher } from './encryption.ts';
import type { Executor } from './executor.ts';
import type { HistoryTableName } from './child.table.ts';
import type { LineageAction, LineageTableName } from './merge.table.ts';

/**
 * The merge's own tables, and the few writes to history rows that only a merge and its undoing make:
 * moving a row to another child, and reopening a row the merge closed. The table types forbid both
 * (history rows are closed, never edited), so those statements are written out here; neither changes
 * what a row says, only whose record it is on and whether it is current.
 */

export interface MergeRow {
  readonly id: number;
  readonly survivorId: string;
  readonly mergedId: string;
  readonly mergedAt: Date;
  readonly unmergedAt: Date | null;
  readonly reviewId: number | null;
  readonly appliedShield: { readonly reason: string; readonly reviewDate: string } | null;
  readonly mergedBy: string;
  readonly reason: string;
}

export interface LineageEntry {
  readonly table: LineageTableName;
  readonly rowId: number;
  readonly action: LineageAction;
  /** For a moved row: the child it came from and its end before the merge (null: current). */
  readonly fromChild?: string | null;
  readonly validToBefore?: Date | null;
  /** The survivorship field that closed or inserted the row. */
  readonly field?: string | null;
}

export async function insertMerge(
  db: Executor,
  merge: {
    readonly survivorId: string;
    readonly mergedId: string;
    readonly reviewId: number | null;
    readonly appliedShield: { readonly reason: string; readonly reviewDate: string } | null;
    readonly mergedBy: string;
    readonly reason: string;
  },
): Promise<MergeRow> {
  const row = await db
    .insertInto('child_merge')
    .values({
      survivor_id: merge.survivorId,
      merged_id: merge.mergedId,
      review_id: merge.reviewId,
      applied_shield_reason: merge.appliedShield?.reason ?? null,
      applied_shield_review_date: merge.appliedShield?.reviewDate ?? null,
      merged_by: merge.mergedBy,
      reason: merge.reason,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return mergeToDomain(row);
}

function mergeToDomain(row: {
  id: number;
  survivor_id: string;
  merged_id: string;
  merged_at: Date;
  unmerged_at: Date | null;
  review_id: number | null;
  applied_shield_reason: string | null;
  applied_shield_review_date: string | null;
  merged_by: string;
  reason: string;
}): MergeRow {
  return {
    id: row.id,
    survivorId: row.survivor_id,
    mergedId: row.merged_id,
    mergedAt: row.merged_at,
    unmergedAt: row.unmerged_at,
    reviewId: row.review_id,
    appliedShield:
      row.applied_shield_reason === null || row.applied_shield_review_date === null
        ? null
        : { reason: row.applied_shield_reason, reviewDate: row.applied_shield_review_date },
    mergedBy: row.merged_by,
    reason: row.reason,
  };
}

/** The merge, held until the transaction ends so two unmerges of it cannot both proceed. */
export async function lockMerge(db: Executor, id: number): Promise<MergeRow | undefined> {
  const row = await db
    .selectFrom('child_merge')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row === undefined ? undefined : mergeToDomain(row);
}

/** The merge that took this child away, while it stands. */
export async function findActiveMergeOf(db: Executor, mergedId: string): Promise<MergeRow | undefined> {
  const row = await db
    .selectFrom('child_merge')
    .selectAll()
    .where('merged_id', '=', mergedId)
    .where('unmerged_at', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : mergeToDomain(row);
}

/**
 * Standing merges made after `merge` that built on its survivor: the survivor merged away since, or
 * another record merged into it since. Those must be undone first.
 */
export async function laterMergesOnSurvivor(db: Executor, merge: MergeRow): Promise<number[]> {
  const rows = await db
    .selectFrom('child_merge')
    .select('id')
    .where('unmerged_at', 'is', null)
    .where('id', '>', merge.id)
    .where((eb) => eb.or([eb('merged_id', '=', merge.survivorId), eb('survivor_id', '=', merge.survivorId)]))
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

export async function markUnmerged(db: Executor, id: number, by: string, reason: string): Promise<Date> {
  const row = await db
    .updateTable('child_merge')
    .set({ unmerged_at: sql<Date>`now()`, unmerged_by: by, unmerge_reason: reason })
    .where('id', '=', id)
    .returning('unmerged_at')
    .executeTakeFirstOrThrow();
  if (row.unmerged_at === null) throw new Error('an unmerge just recorded has no time');
  return row.unmerged_at;
}

export async function setMergedInto(db: Executor, childId: string, survivorId: string | null): Promise<void> {
  await db.updateTable('child').set({ merged_into: survivorId }).where('id', '=', childId).execute();
}

export async function recordLineage(
  db: Executor,
  mergeId: number,
  entries: readonly LineageEntry[],
): Promise<void> {
  // Bounded batches: a child has tens of rows, but a parameter list has a limit.
  for (let start = 0; start < entries.length; start += 500) {
    await db
      .insertInto('merge_lineage')
      .values(
        entries.slice(start, start + 500).map((entry) => ({
          merge_id: mergeId,
          table_name: entry.table,
          row_id: entry.rowId,
          action: entry.action,
          from_child: entry.fromChild ?? null,
          valid_to_before: entry.validToBefore ?? null,
          field: entry.field ?? null,
        })),
      )
      .execute();
  }
}

export async function loadLineage(db: Executor, mergeId: number): Promise<LineageEntry[]> {
  const rows = await db
    .selectFrom('merge_lineage')
    .selectAll()
    .where('merge_id', '=', mergeId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    table: row.table_name,
    rowId: row.row_id,
    action: row.action,
    fromChild: row.from_child,
    validToBefore: row.valid_to_before,
    field: row.field,
  }));
}

// Rows of a child

export interface OwnedRow {
  readonly id: number;
  readonly validTo: Date | null;
}

/** Every row of the child in a history table, current and closed, with its end. */
export async function rowsOfChild(
  db: Executor,
  table: HistoryTableName,
  childId: string,
): Promise<OwnedRow[]> {
  const { rows } = await sql<{ id: number | string; valid_to: Date | null }>`
    select id, valid_to from ${sql.table(table)} where child_id = ${childId} order by id for update`.execute(
    db,
  );
  return rows.map((row) => ({ id: Number(row.id), validTo: row.valid_to }));
}

/** The feed rows that built the child (lineage). */
export async function feedRowsOfChild(db: Executor, childId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('feed_row')
    .select('id')
    .where('child_id', '=', childId)
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => row.id);
}

export async function moveFeedRows(
  db: Executor,
  ids: readonly number[],
  from: string,
  to: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('feed_row')
    .set({ child_id: to })
    .where('id', 'in', ids)
    .where('child_id', '=', from)
    .execute();
}

const SEALED = new Set<string>(SEALED_TABLES);

/**
 * Puts rows on another child's record. A sealed row's ciphertext is bound to its child, so it is
 * opened and sealed again for the new one: it stays sealed whoever receives it. A plaintext row
 * moved onto a shielded child is left for the caller to seal (sealChildLocations) in the same
 * transaction.
 */
export async function moveRows(
  db: Executor,
  cipher: FieldCipher,
  table: HistoryTableName,
  ids: readonly number[],
  to: string,
): Promise<void> {
  if (ids.length === 0) return;
  if (SEALED.has(table)) {
    const { rows } = await sql<{ id: number | string; child_id: string; sealed_fields: string }>`
      select id, child_id, sealed_fields from ${sql.table(table)}
      where id in (${sql.join(ids)}) and sealed_fields is not null
      order by id
      for update`.execute(db);
    for (const row of rows) {
      const plaintext = cipher.open(row.sealed_fields, sealContext(table, row.child_id, row.id));
      const envelope = cipher.seal(plaintext, sealContext(table, to, row.id));
      await sql`update ${sql.table(table)}
        set child_id = ${to}, sealed_fields = ${envelope}, sealed_key_id = ${cipher.activeKeyId}
        where id = ${row.id}`.execute(db);
    }
  }
  await sql`update ${sql.table(table)} set child_id = ${to}
    where id in (${sql.join(ids)}) and child_id <> ${to}`.execute(db);
}

export async function closeRows(
  db: Executor,
  table: HistoryTableName,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable(table)
    .set({ valid_to: sql<Date>`now()` })
    .where('id', 'in', ids)
    .where('valid_to', 'is', null)
    .execute();
}

/**
 * What would stop a row being current again: another current row of the same slot (the child's
 * one current name, school, GP practice, CAF indicator, address or lead professional; an identifier
 * another row now holds). `r` is the row, `o` the others.
 */
const CLASH: Readonly<Record<HistoryTableName, RawBuilder<unknown>>> = {
  child_name: sql`r.kind = 'current' and o.kind = 'current' and o.child_id = r.child_id`,
  child_address: sql`o.child_id = r.child_id`,
  educational_setting: sql`o.child_id = r.child_id`,
  gp_practice: sql`o.child_id = r.child_id`,
  caf_indicator: sql`o.child_id = r.child_id`,
  involvement: sql`r.lead_professional and r.ended_on is null
    and o.lead_professional and o.ended_on is null and o.child_id = r.child_id`,
  child_identifier: sql`(r.scheme in ('nhs_number', 'upn') and o.scheme = r.scheme
      and (o.value = r.value or o.child_id = r.child_id))
    or (r.scheme = 'source_record' and o.scheme = 'source_record'
      and o.source_name = r.source_name and o.value = r.value)`,
  carer: sql`false`,
};

/**
 * Makes a closed row current again unless a current row now fills its place. True when the row is
 * current afterwards (also when it already was).
 */
export async function reopenRow(db: Executor, table: HistoryTableName, id: number): Promise<boolean> {
  const { rows } = await sql<{ current: boolean }>`
    update ${sql.table(table)} as r set valid_to = null
    where r.id = ${id} and r.valid_to is not null
      and not exists (
        select from ${sql.table(table)} as o
        where o.id <> r.id and o.valid_to is null and (${CLASH[table]})
      )
    returning true as current`.execute(db);
  if (rows.length > 0) return true;
  const still = await sql<{ current: boolean }>`
    select valid_to is null as current from ${sql.table(table)} where id = ${id}`.execute(db);
  return still.rows[0]?.current === true;
}

export async function deleteRows(
  db: Executor,
  table: HistoryTableName,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom(table).where('id', 'in', ids).execute();
}

// Survivorship

/** A current row competing for one of a child's single places, with what ranks it. */
export interface Contender {
  readonly table: HistoryTableName;
  readonly id: number;
  readonly childId: string;
  readonly receivedAt: Date;
  readonly sourceKind: string;
  readonly precedence: Readonly<Record<string, number>>;
}

/** The places a child has one current value for, and the field a source ranks for each. */
export const SINGLE_VALUED = [
  { field: 'name', table: 'child_name', where: sql`t.kind = 'current'` },
  { field: 'address', table: 'child_address', where: sql`true` },
  { field: 'educationalSetting', table: 'educational_setting', where: sql`true` },
  { field: 'gpPractice', table: 'gp_practice', where: sql`true` },
  { field: 'caf', table: 'caf_indicator', where: sql`true` },
  {
    field: 'leadProfessional',
    table: 'involvement',
    where: sql`t.lead_professional and t.ended_on is null`,
  },
] as const satisfies readonly {
  readonly field: string;
  readonly table: HistoryTableName;
  readonly where: RawBuilder<unknown>;
}[];

export type SingleValued = (typeof SINGLE_VALUED)[number];

export async function contenders(
  db: Executor,
  place: SingleValued,
  childIds: readonly string[],
): Promise<Contender[]> {
  const { rows } = await sql<{
    id: number | string;
    child_id: string;
    received_at: Date;
    kind: string;
    precedence: Record<string, number> | string;
  }>`
    select t.id, t.child_id, t.received_at, s.kind, s.precedence
    from ${sql.table(place.table)} as t
    join source as s on s.name = t.source_name
    where t.child_id in (${sql.join(childIds)}) and t.valid_to is null and (${place.where})
    order by t.id`.execute(db);
  return rows.map((row) => ({
    table: place.table,
    id: Number(row.id),
    childId: row.child_id,
    receivedAt: row.received_at,
    sourceKind: row.kind,
    precedence:
      typeof row.precedence === 'string'
        ? (JSON.parse(row.precedence) as Record<string, number>)
        : row.precedence,
  }));
}

/**
 * A losing current name, kept on the survivor's record as an alias with its provenance; undefined
 * when it reads the same as the winning name, which already finds the child.
 */
export async function insertAliasOf(
  db: Executor,
  nameId: number,
  winnerId: number,
  childId: string,
): Promise<number | undefined> {
  const { rows } = await sql<{ id: number | string }>`
    insert into child_name (
      child_id, received_at, batch_id, kind, forename, middle_names, surname, forename_key, surname_key,
      source_name
    )
    select ${childId}, n.received_at, n.batch_id, 'alias', n.forename, n.middle_names, n.surname,
      n.forename_key, n.surname_key, n.source_name
    from child_name as n
    where n.id = ${nameId} and not exists (
      select from child_name as w
      where w.id = ${winnerId} and w.forename = n.forename and w.surname = n.surname
        and w.middle_names is not distinct from n.middle_names
    )
    returning id`.execute(db);
  const row = rows[0];
  return row === undefined ? undefined : Number(row.id);
}

/** A second lead professional, kept on the record as an ordinary involvement with its provenance. */
export async function insertNotLeadCopyOf(
  db: Executor,
  involvementId: number,
  childId: string,
): Promise<number> {
  const { rows } = await sql<{ id: number | string }>`
    insert into involvement (
      child_id, service_id, received_at, consent_recorded_at, batch_id, started_on, ended_on,
      lead_professional, sensitive, practitioner_name, practitioner_phone, practitioner_email,
      consent_recorded_by, source_name, practitioner_user_id
    )
    select ${childId}, service_id, received_at, consent_recorded_at, batch_id, started_on, ended_on,
      false, sensitive, practitioner_name, practitioner_phone, practitioner_email,
      consent_recorded_by, source_name, practitioner_user_id
    from involvement where id = ${involvementId}
    returning id`.execute(db);
  const row = rows[0];
  if (row === undefined) throw new Error('the involvement to keep has gone');
  return Number(row.id);
}

// Checks

/** The child's current NHS number and UPN, for the merge's strong-identifier check. */
export async function nationalIdentifiers(
  db: Executor,
  childId: string,
): Promise<{ readonly nhs_number?: string; readonly upn?: string }> {
  const rows = await db
    .selectFrom('child_identifier')
    .select(['scheme', 'value'])
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .where('scheme', 'in', ['nhs_number', 'upn'])
    .execute();
  return Object.fromEntries(rows.map((row) => [row.scheme, row.value]));
}

/** Whether the child has location rows that began at or after `since` (received after a merge). */
export async function hasLocationRowsSince(db: Executor, childId: string, since: Date): Promise<boolean> {
  for (const table of SEALED_TABLES) {
    const { rows } = await sql`
      select 1 from ${sql.table(table)} where child_id = ${childId} and valid_from >= ${since} limit 1`.execute(
      db,
    );
    if (rows.length > 0) return true;
  }
  return false;
}
