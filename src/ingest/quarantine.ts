import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.record.ts';
import { localAuthorityCodes } from '../children/reference.repository.ts';
import type { Database } from '../db/schema.ts';
import { FIELD_NAMES, type FieldName } from '../matching/source-definition.ts';
import { requireHouseholdKey } from './import.ts';
import { IngestError } from './ingest.errors.ts';
import type { RowValues } from './ingest.table.ts';
import { loadSourceDeclaration, type SourceDeclaration } from './source-declaration.ts';
import { describeProblems, validateRow, type HouseholdKey, type Problem } from './validate-row.ts';

export const QUARANTINE_STATUSES = ['open', 'reprocessed', 'dismissed'] as const;
export type QuarantineStatus = (typeof QUARANTINE_STATUSES)[number];

export interface QuarantinedRow {
  readonly id: number;
  readonly batchId: number;
  readonly source: string;
  readonly rowNumber: number;
  readonly status: string;
  readonly rule: string;
  readonly reason: string;
  readonly raw: RowValues;
  readonly corrected: RowValues | null;
  readonly resolvedBy: string | null;
}

export async function listQuarantine(
  db: Kysely<Database>,
  filter: { readonly batchId: number; readonly status?: QuarantineStatus },
): Promise<QuarantinedRow[]> {
  let query = db.selectFrom('quarantine').selectAll().where('batch_id', '=', filter.batchId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const rows = await query.orderBy('row_number').execute();
  return rows.map((row) => ({
    id: row.id,
    batchId: row.batch_id,
    source: row.source_name,
    rowNumber: row.row_number,
    status: row.status,
    rule: row.rule,
    reason: row.reason,
    raw: row.raw,
    corrected: row.corrected,
    resolvedBy: row.resolved_by,
  }));
}

/**
 * Applies `field=value` corrections to a row: a key is a column of the file, or a field of the
 * source's declaration (its first column takes the value; the field's other columns are emptied).
 */
export function applyCorrections(
  source: SourceDeclaration,
  row: RowValues,
  corrections: Readonly<Record<string, string>>,
): RowValues {
  const corrected = { ...row };
  for (const [key, value] of Object.entries(corrections)) {
    if (key in corrected) {
      corrected[key] = value;
      continue;
    }
    const columns = (FIELD_NAMES as readonly string[]).includes(key)
      ? source.fields[key as FieldName]
      : undefined;
    const [first, ...rest] = columns ?? [];
    if (first === undefined) {
      throw new IngestError(
        `"${key}" is neither a column of the row nor a field source ${source.name} maps (columns: ${Object.keys(row).join(', ')})`,
      );
    }
    corrected[first] = value;
    for (const column of rest) corrected[column] = '';
  }
  return corrected;
}

export type RetryResult =
  | { readonly outcome: 'accepted'; readonly feedRowId: number }
  | { readonly outcome: 'still-quarantined'; readonly problems: readonly Problem[] };

async function openRow(db: Kysely<Database>, id: number) {
  const row = await db
    .selectFrom('quarantine')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (row === undefined) throw new IngestError(`no quarantined row has id ${id}`);
  if (row.status !== 'open') throw new IngestError(`quarantined row ${id} is already ${row.status}`);
  return row;
}

/**
 * Re-validates a quarantined row with corrections. Accepted: it moves to feed_row and the
 * quarantine row is marked reprocessed. Still failing: it stays open with the rule it now breaks.
 */
export async function retryQuarantined(
  db: Kysely<Database>,
  options: {
    readonly id: number;
    readonly corrections: Readonly<Record<string, string>>;
    readonly operator: string;
    readonly sourcesDir?: string;
    readonly today?: Date;
    readonly householdKey?: HouseholdKey;
  },
): Promise<RetryResult> {
  return db.transaction().execute(async (trx) => {
    const row = await openRow(trx, options.id);
    const source = loadSourceDeclaration(row.source_name, options.sourcesDir);
    requireHouseholdKey(source, options.householdKey);
    const corrected = applyCorrections(source, row.corrected ?? row.raw, options.corrections);
    const knownLaCodes = source.postAdoptionFlag === null ? null : await localAuthorityCodes(trx);
    const result = validateRow(
      source,
      corrected,
      options.today ?? new Date(),
      knownLaCodes,
      options.householdKey,
    );
    const actor = { type: 'operator', id: options.operator } as const;
    const details = {
      quarantineId: row.id,
      batch: row.batch_id,
      row: row.row_number,
      corrected: Object.keys(options.corrections),
    };
    if (!result.ok) {
      await trx
        .updateTable('quarantine')
        .set({
          corrected: JSON.stringify(corrected),
          rule: result.problems[0].rule,
          reason: describeProblems(result.problems),
        })
        .where('id', '=', row.id)
        .execute();
      await recordAudit(trx, {
        actor,
        action: 'feed.quarantine-retry',
        outcome: 'failure',
        target: `batch:${row.batch_id}`,
        details: { ...details, rule: result.problems[0].rule },
      });
      return { outcome: 'still-quarantined', problems: result.problems };
    }
    const feedRow = await trx
      .insertInto('feed_row')
      .values({
        batch_id: row.batch_id,
        source_name: row.source_name,
        row_number: row.row_number,
        quarantine_id: row.id,
        source_record_id: result.recordId,
        fields: JSON.stringify(result.fields),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('quarantine')
      .set({
        corrected: JSON.stringify(corrected),
        status: 'reprocessed',
        resolved_at: new Date(),
        resolved_by: options.operator,
      })
      .where('id', '=', row.id)
      .execute();
    await trx
      .updateTable('source_batch')
      .set((eb) => ({
        accepted_count: eb('accepted_count', '+', 1),
        quarantined_count: eb('quarantined_count', '-', 1),
      }))
      .where('id', '=', row.batch_id)
      .execute();
    await recordAudit(trx, {
      actor,
      action: 'feed.quarantine-retry',
      outcome: 'success',
      target: `batch:${row.batch_id}`,
      details: { ...details, feedRowId: feedRow.id },
    });
    return { outcome: 'accepted', feedRowId: feedRow.id };
  });
}

/** Closes a quarantined row without importing it (a duplicate, a test record): kept, never deleted. */
export async function dismissQuarantined(
  db: Kysely<Database>,
  options: { readonly id: number; readonly operator: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await openRow(trx, options.id);
    await trx
      .updateTable('quarantine')
      .set({ status: 'dismissed', resolved_at: new Date(), resolved_by: options.operator })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(trx, {
      actor: { type: 'operator', id: options.operator },
      action: 'feed.quarantine-dismiss',
      outcome: 'success',
      target: `batch:${row.batch_id}`,
      details: {
        quarantineId: row.id,
        batch: row.batch_id,
        row: row.row_number,
      },
    });
  });
}
