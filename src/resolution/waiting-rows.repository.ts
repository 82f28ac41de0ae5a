import { sql } from 'kysely';
import type { Executor } from '../children/executor.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import type { WaitingRow } from './outcome.ts';

const WAITING_ROW_COLUMNS = [
  'r.id',
  'r.batch_id',
  'r.row_number',
  'r.source_name',
  'r.source_record_id',
  'r.fields',
  'b.received_at',
] as const;

/**
 * The next waiting rows of a batch, in row order, from row `fromRow` on (every earlier row is known
 * to be resolved), locked for the caller's transaction: a second run resolving the same batch
 * waits, then finds them resolved and skips them.
 *
 * The rows must be read in index order and the read stopped at `limit`. Without statistics (the
 * embedded engine never gathers them; a server may not have yet, straight after an import) the
 * planner takes the batch's waiting rows for a handful, reads them all and sorts them: at
 * 1,000,000 rows that is most of a second a chunk, for every chunk. Sorting is switched off for
 * this one statement, which leaves the ordered index scan as the only plan.
 */
export async function nextWaitingRows(
  db: Executor,
  batchId: number,
  limit: number,
  fromRow = 1,
): Promise<WaitingRow[]> {
  const { rows: setting } = await sql<{ enable_sort: string }>`show enable_sort`.execute(db);
  const sortWas = setting[0]?.enable_sort ?? 'on';
  await sql`select set_config('enable_sort', 'off', true)`.execute(db);
  const rows = await db
    .selectFrom('feed_row as r')
    .innerJoin('source_batch as b', 'b.id', 'r.batch_id')
    .select(WAITING_ROW_COLUMNS)
    .where('r.batch_id', '=', batchId)
    .where('r.status', '=', 'accepted')
    .where('r.row_number', '>=', fromRow)
    .orderBy('r.row_number')
    .limit(limit)
    .forUpdate('r')
    .execute();
  await sql`select set_config('enable_sort', ${sortWas}, true)`.execute(db);
  return rows.map(waitingRow);
}

function waitingRow(row: {
  id: number;
  batch_id: number;
  row_number: number;
  source_name: string;
  source_record_id: string;
  fields: NormalisedFields;
  received_at: Date;
}): WaitingRow {
  return {
    id: row.id,
    batchId: row.batch_id,
    rowNumber: row.row_number,
    sourceName: row.source_name,
    sourceRecordId: row.source_record_id,
    receivedAt: row.received_at,
    fields: row.fields,
  };
}

/** The normalised fields of a batch's waiting rows, in row order, at most `limit`: training data. */
export async function waitingFields(
  db: Executor,
  batchId: number,
  limit: number,
): Promise<NormalisedFields[]> {
  const rows = await db
    .selectFrom('feed_row')
    .select('fields')
    .where('batch_id', '=', batchId)
    .where('status', '=', 'accepted')
    .orderBy('row_number')
    .limit(limit)
    .execute();
  return rows.map((row) => row.fields as NormalisedFields);
}

export async function countWaitingRows(db: Executor, batchId: number): Promise<number> {
  const row = await db
    .selectFrom('feed_row')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('batch_id', '=', batchId)
    .where('status', '=', 'accepted')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface BatchState {
  readonly id: number;
  readonly sourceName: string;
  readonly status: string;
  readonly receivedAt: Date;
}

export async function findBatch(db: Executor, batchId: number): Promise<BatchState | null> {
  const row = await db
    .selectFrom('source_batch')
    .select(['id', 'source_name', 'status', 'received_at'])
    .where('id', '=', batchId)
    .executeTakeFirst();
  if (row === undefined) return null;
  return { id: row.id, sourceName: row.source_name, status: row.status, receivedAt: row.received_at };
}

/** How a batch's accepted rows stand: still waiting, or resolved one way or another. */
export async function resolutionCounts(
  db: Executor,
  batchId: number,
): Promise<{ accepted: number; linked: number; created: number; review: number }> {
  const rows = await db
    .selectFrom('feed_row')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('batch_id', '=', batchId)
    .groupBy('status')
    .execute();
  const counts = { accepted: 0, linked: 0, created: 0, review: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/**
 * The batch's waiting rows carrying an NHS number or UPN that share their date of birth and
 * surname (letters only, any case) with another such row: each row's id to the ids of its group.
 * Read once per batch; only groups of two or more are kept, a small share of a batch.
 */
export async function rivalGroups(db: Executor, batchId: number): Promise<Map<number, number[]>> {
  const { rows } = await sql<{ ids: (number | string)[] }>`
    select array_agg(id order by row_number) as ids
    from feed_row
    where batch_id = ${batchId} and status = 'accepted'
      and (fields ? 'nhsNumber' or fields ? 'upn') and fields ? 'dateOfBirth' and fields ? 'surname'
    group by fields ->> 'dateOfBirth', upper(regexp_replace(fields ->> 'surname', '[^[:alpha:]]', '', 'g'))
    having count(*) > 1`.execute(db);
  return groupsByRow(rows);
}

/** Those of these rows still waiting, by id. */
export async function waitingRowsById(
  db: Executor,
  ids: readonly number[],
): Promise<Map<number, WaitingRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('feed_row as r')
    .innerJoin('source_batch as b', 'b.id', 'r.batch_id')
    .select(WAITING_ROW_COLUMNS)
    .where('r.id', 'in', [...new Set(ids)])
    .where('r.status', '=', 'accepted')
    .execute();
  return new Map(rows.map((row) => [row.id, waitingRow(row)]));
}

/**
 * Groups of a batch's rows, read as arrays of ids, keyed by each member's id. A bigint array comes
 * back from the server driver as strings and from the embedded engine as numbers.
 */
export function groupsByRow(groups: readonly { ids: readonly (number | string)[] }[]): Map<number, number[]> {
  const byRow = new Map<number, number[]>();
  for (const group of groups) {
    const ids = group.ids.map(Number);
    for (const id of ids) byRow.set(id, ids);
  }
  return byRow;
}
