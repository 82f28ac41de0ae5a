import { sql, type RawBuilder } from 'kysely';
import type { Executor } from './executor.ts';
import { addressMatchingKeys, postcodeForMatching, postcodeSector, type FieldCipher } from './encryption.ts';

/**
 * Sealing and unsealing the location fields of a child's rows in place (migration
 * 20261125200000_child_access.sql). The table types declare these columns write-once, as they are
 * for every other purpose, so the statements here are written out: changing how a value is stored is
 * not changing the value, and history is untouched.
 */

export const SEALED_TABLES = ['child_address', 'carer', 'educational_setting', 'gp_practice'] as const;
export type SealedTable = (typeof SEALED_TABLES)[number];

/**
 * The columns that could locate a shielded child: sealed together as one JSON object per row.
 *
 * Involvements are not sealed. Their practitioners' names and contact details are professionals'
 * work details, and the service an involvement belongs to must stay a plain key (a practitioner's
 * own involvements, the one-lead-professional rule and merges depend on it) while saying as much
 * about the area as the practitioner's details do: sealing those alone would hide little. What a
 * dump still shows is which services work with a shielded child; the policy hides involvements of a
 * shielded record from everyone but its LA's shielders and management.
 */
export const LOCATION_COLUMNS: Readonly<Record<SealedTable, readonly string[]>> = {
  child_address: ['line1', 'line2', 'line3', 'line4', 'town', 'postcode', 'uprn'],
  // The name too: with the public electoral roll, a parent's name finds the family's home.
  carer: [
    'name',
    'phone',
    'email',
    'address_line1',
    'address_line2',
    'address_line3',
    'address_line4',
    'address_town',
    'address_postcode',
  ],
  educational_setting: ['urn', 'name', 'phone'],
  gp_practice: ['ods_code', 'name', 'phone'],
};

/**
 * The matching keys kept beside a sealed row. A table that has any also records, in `hmac_key_id`,
 * the HMAC key they were computed under (migration 20261125224000_field_keys.sql).
 */
const HMAC_COLUMNS: Readonly<Record<SealedTable, readonly string[]>> = {
  child_address: ['postcode_hmac', 'postcode_sector_hmac', 'line1_hmac'],
  carer: ['address_postcode_hmac', 'address_line1_hmac'],
  educational_setting: [],
  gp_practice: [],
};

type Row = Record<string, unknown>;

/** What a row's ciphertext is bound to: the table, the child and the row. */
export function sealContext(table: string, childId: unknown, rowId: unknown): string {
  return `${table}:${String(childId)}:${String(rowId)}`;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function hmacValues(table: SealedTable, cipher: FieldCipher, fields: Row): Record<string, string | null> {
  switch (table) {
    case 'child_address': {
      const keys = addressMatchingKeys(cipher, {
        line1: textOrNull(fields.line1),
        postcode: textOrNull(fields.postcode),
      });
      return {
        postcode_hmac: keys.postcode,
        postcode_sector_hmac: keys.postcodeSector,
        line1_hmac: keys.addressLine,
      };
    }
    case 'carer': {
      const keys = addressMatchingKeys(cipher, {
        line1: textOrNull(fields.address_line1),
        postcode: textOrNull(fields.address_postcode),
      });
      return { address_postcode_hmac: keys.postcode, address_line1_hmac: keys.addressLine };
    }
    case 'educational_setting':
    case 'gp_practice':
      return {};
  }
}

function assign(column: string, value: unknown): RawBuilder<unknown> {
  return sql`${sql.ref(column)} = ${value}`;
}

/** The row's matching keys under the active HMAC key, and that key's id. */
function hashAssignments(table: SealedTable, cipher: FieldCipher, fields: Row): RawBuilder<unknown>[] {
  if (HMAC_COLUMNS[table].length === 0) return [];
  return [
    ...Object.entries(hmacValues(table, cipher, fields)).map(([column, value]) => assign(column, value)),
    assign('hmac_key_id', cipher.activeHmacKeyId),
  ];
}

async function sealRow(db: Executor, cipher: FieldCipher, table: SealedTable, row: Row): Promise<void> {
  const fields: Row = {};
  for (const column of LOCATION_COLUMNS[table]) fields[column] = row[column] ?? null;
  const envelope = cipher.seal(JSON.stringify(fields), sealContext(table, row.child_id, row.id));
  const assignments = [
    assign('sealed_fields', envelope),
    assign('sealed_key_id', cipher.activeKeyId),
    assign('seal_pending', false),
    ...LOCATION_COLUMNS[table].map((column) => assign(column, null)),
    ...hashAssignments(table, cipher, fields),
  ];
  await sql`update ${sql.table(table)} set ${sql.join(assignments)} where id = ${row.id}`.execute(db);
}

/** The plaintext location fields of a sealed row. */
export function openSealedFields(
  cipher: FieldCipher,
  table: SealedTable,
  row: { readonly id: unknown; readonly child_id: unknown; readonly sealed_fields: string },
): Row {
  const parsed: unknown = JSON.parse(
    cipher.open(row.sealed_fields, sealContext(table, row.child_id, row.id)),
  );
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('a sealed field set is not an object');
  }
  const fields: Row = {};
  // Only the table's own location columns are taken back, whatever else the JSON holds; one sealed
  // before it joined the list (LATE_COLUMNS) is absent, and the row's plaintext stands.
  for (const column of LOCATION_COLUMNS[table]) {
    if (Object.hasOwn(parsed, column)) fields[column] = (parsed as Row)[column] ?? null;
  }
  return fields;
}

/** Seals every row (current and past) of a child that is not sealed yet. Returns how many. */
export async function sealChildLocations(
  db: Executor,
  cipher: FieldCipher,
  childId: string,
): Promise<number> {
  let sealed = 0;
  for (const table of SEALED_TABLES) {
    const { rows } = await sql<Row>`
      select * from ${sql.table(table)}
      where child_id = ${childId} and sealed_fields is null
      order by id
      for update`.execute(db);
    for (const row of rows) await sealRow(db, cipher, table, row);
    sealed += rows.length;
  }
  return sealed;
}

/** Restores every sealed row of a child to plaintext and drops its matching hashes. Returns how many. */
export async function unsealChildLocations(
  db: Executor,
  cipher: FieldCipher,
  childId: string,
): Promise<number> {
  let opened = 0;
  for (const table of SEALED_TABLES) {
    const { rows } = await sql<{ id: number; child_id: string; sealed_fields: string }>`
      select id, child_id, sealed_fields from ${sql.table(table)}
      where child_id = ${childId} and sealed_fields is not null
      order by id
      for update`.execute(db);
    for (const row of rows) {
      const fields = openSealedFields(cipher, table, row);
      const assignments = [
        assign('sealed_fields', null),
        assign('sealed_key_id', null),
        ...Object.entries(fields).map(([column, value]) => assign(column, value)),
        ...HMAC_COLUMNS[table].map((column) => assign(column, null)),
        ...(HMAC_COLUMNS[table].length > 0 ? [assign('hmac_key_id', null)] : []),
      ];
      await sql`update ${sql.table(table)} set ${sql.join(assignments)} where id = ${row.id}`.execute(db);
    }
    await sql`update ${sql.table(table)} set seal_pending = false
      where child_id = ${childId} and seal_pending`.execute(db);
    opened += rows.length;
  }
  return opened;
}

/**
 * Seals rows the database marked pending (inserted for a child already shielded). Rows another
 * transaction is sealing are skipped, not waited for. A pending row whose child has since been
 * unshielded just loses the mark.
 */
export async function sealPendingLocations(db: Executor, cipher: FieldCipher): Promise<number> {
  let sealed = 0;
  for (const table of SEALED_TABLES) {
    const { rows } = await sql<Row>`
      select t.* from ${sql.table(table)} as t
      join child as c on c.id = t.child_id
      where t.seal_pending and c.shielded
      order by t.id
      for update of t skip locked`.execute(db);
    for (const row of rows) await sealRow(db, cipher, table, row);
    sealed += rows.length;
    await sql`update ${sql.table(table)} as t set seal_pending = false
      from child as c
      where c.id = t.child_id and t.seal_pending and not c.shielded`.execute(db);
  }
  return sealed;
}

/**
 * Re-seals up to `limit` rows of one table that are sealed under a key other than the active one.
 * Returns how many; zero means the table is done.
 */
export async function resealBatch(
  db: Executor,
  cipher: FieldCipher,
  table: SealedTable,
  limit: number,
): Promise<number> {
  const { rows } = await sql<{ id: number; child_id: string; sealed_fields: string }>`
    select id, child_id, sealed_fields from ${sql.table(table)}
    where sealed_key_id is not null and sealed_key_id <> ${cipher.activeKeyId}
    order by sealed_key_id, id
    limit ${limit}
    for update skip locked`.execute(db);
  for (const row of rows) {
    const context = sealContext(table, row.child_id, row.id);
    const envelope = cipher.seal(cipher.open(row.sealed_fields, context), context);
    await sql`update ${sql.table(table)}
      set sealed_fields = ${envelope}, sealed_key_id = ${cipher.activeKeyId}
      where id = ${row.id}`.execute(db);
  }
  return rows.length;
}

/**
 * Recomputes, under the active HMAC key, the matching keys of up to `limit` rows of one table whose
 * keys are under another. Returns how many; zero means the table is done. Each row's keys change in
 * one statement, so a lookup hashing under every configured key finds it before, during and after.
 */
export async function rehashBatch(
  db: Executor,
  cipher: FieldCipher,
  table: SealedTable,
  limit: number,
): Promise<number> {
  if (HMAC_COLUMNS[table].length === 0) return 0;
  const { rows } = await sql<{ id: number; child_id: string; sealed_fields: string }>`
    select id, child_id, sealed_fields from ${sql.table(table)}
    where hmac_key_id is not null and hmac_key_id <> ${cipher.activeHmacKeyId}
    order by hmac_key_id, id
    limit ${limit}
    for update skip locked`.execute(db);
  for (const row of rows) {
    const fields = openSealedFields(cipher, table, row);
    await sql`update ${sql.table(table)}
      set ${sql.join(hashAssignments(table, cipher, fields))}
      where id = ${row.id}`.execute(db);
  }
  return rows.length;
}

/**
 * Location columns added to the sealed set after rows had been sealed without them: such rows hold
 * these in plaintext beside their seal until `sealLateColumnsBatch` takes them in.
 */
const LATE_COLUMNS: Readonly<Partial<Record<SealedTable, readonly string[]>>> = { carer: ['name'] };

/**
 * Reseals, under the active key, up to `limit` sealed rows of one table that still hold a late
 * column in plaintext, taking it into the seal. Returns how many; zero means the table is done.
 */
export async function sealLateColumnsBatch(
  db: Executor,
  cipher: FieldCipher,
  table: SealedTable,
  limit: number,
): Promise<number> {
  const late = LATE_COLUMNS[table] ?? [];
  if (late.length === 0) return 0;
  const inPlaintext = sql.join(
    late.map((column) => sql`${sql.ref(column)} is not null`),
    sql` or `,
  );
  const { rows } = await sql<Row & { id: number; child_id: string; sealed_fields: string }>`
    select * from ${sql.table(table)}
    where sealed_fields is not null and (${inPlaintext})
    order by id
    limit ${limit}
    for update skip locked`.execute(db);
  for (const row of rows) {
    const fields = openSealedFields(cipher, table, row);
    for (const column of late) fields[column] = row[column] ?? null;
    const context = sealContext(table, row.child_id, row.id);
    const assignments = [
      assign('sealed_fields', cipher.seal(JSON.stringify(fields), context)),
      assign('sealed_key_id', cipher.activeKeyId),
      ...late.map((column) => assign(column, null)),
    ];
    await sql`update ${sql.table(table)} set ${sql.join(assignments)} where id = ${row.id}`.execute(db);
  }
  return rows.length;
}

export interface SealedCounts {
  readonly table: SealedTable;
  /** Sealed rows by key id. */
  readonly byKey: Readonly<Record<string, number>>;
  /** Rows with matching keys, by HMAC key id (empty for tables that keep none). */
  readonly byHmacKey: Readonly<Record<string, number>>;
  readonly pending: number;
}

export async function countSealed(db: Executor): Promise<SealedCounts[]> {
  const counts: SealedCounts[] = [];
  for (const table of SEALED_TABLES) {
    const { rows } = await sql<{ key_id: string; rows: string | number }>`
      select sealed_key_id as key_id, count(*) as rows from ${sql.table(table)}
      where sealed_key_id is not null group by sealed_key_id order by sealed_key_id`.execute(db);
    const hashed =
      HMAC_COLUMNS[table].length === 0
        ? { rows: [] }
        : await sql<{ key_id: string; rows: string | number }>`
            select hmac_key_id as key_id, count(*) as rows from ${sql.table(table)}
            where hmac_key_id is not null group by hmac_key_id order by hmac_key_id`.execute(db);
    const pending = await sql<{ rows: string | number }>`
      select count(*) as rows from ${sql.table(table)} where seal_pending`.execute(db);
    counts.push({
      table,
      byKey: Object.fromEntries(rows.map((row) => [row.key_id, Number(row.rows)])),
      byHmacKey: Object.fromEntries(hashed.rows.map((row) => [row.key_id, Number(row.rows)])),
      pending: Number(pending.rows[0]?.rows ?? 0),
    });
  }
  return counts;
}

/**
 * Children whose current address is at this postcode (or in its sector), sealed or not: the blocking
 * query matching needs, so that a feed row for a shielded child still meets the child's record. The
 * postcode is hashed under every configured HMAC key, so a rotation half done misses nobody.
 */
export async function childIdsByPostcode(
  db: Executor,
  cipher: FieldCipher,
  postcode: string,
  level: 'unit' | 'sector',
): Promise<string[]> {
  const normalised = postcodeForMatching(postcode);
  if (normalised === null) return [];
  const sector = postcodeSector(normalised);
  const rows = await db
    .selectFrom('child_address')
    .select('child_id')
    .distinct()
    .where('valid_to', 'is', null)
    .where((eb) =>
      level === 'unit'
        ? eb.or([
            eb('postcode', '=', normalised),
            eb('postcode_hmac', 'in', cipher.hmacEveryKey('postcode', normalised)),
          ])
        : eb.or([
            eb('postcode_key', '=', sector),
            eb('postcode_sector_hmac', 'in', cipher.hmacEveryKey('postcode-sector', sector)),
          ]),
    )
    .execute();
  return rows.map((row) => row.child_id);
}
