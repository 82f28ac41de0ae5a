import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse, type Options as CsvOptions } from 'csv-parse';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { AuditActor } from '../audit/audit.model.ts';
import { recordAudit } from '../audit/audit.record.ts';
import { localAuthorityCodes } from '../children/reference.repository.ts';
import type { Database } from '../db/schema.ts';
import type { FeedRowTable, QuarantineTable } from './ingest.table.ts';
import { IngestError } from './ingest.errors.ts';
import { declaredColumns, type SourceDeclaration } from './source-declaration.ts';
import { describeProblems, rowValues, validateRow, type HouseholdKey } from './validate-row.ts';

export const DEFAULT_CHUNK_SIZE = 1_000;

export interface ImportProgress {
  readonly batchId: number;
  /** Rows of the file read so far, including those a resumed run skipped as already stored. */
  readonly rows: number;
  /** Rows this run stored. */
  readonly stored: number;
  readonly accepted: number;
  readonly quarantined: number;
  readonly elapsedMs: number;
}

export interface ImportOptions {
  readonly source: SourceDeclaration;
  readonly file: string;
  readonly operator: string;
  /** Who the audit names; a feed account posting over HTTP is a system actor, not an operator. */
  readonly actor?: AuditActor;
  /** Rows written per transaction. */
  readonly chunkSize?: number;
  /** Test hook: stop (as if killed) after this many chunks have been committed. */
  readonly stopAfterChunks?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
  readonly today?: Date;
  /** Required of a source declaring a household column: its references are stored only keyed. */
  readonly householdKey?: HouseholdKey;
}

export interface ImportResult {
  readonly batchId: number;
  /** imported: this run finished the batch. already-imported: a completed batch had this file. */
  readonly status: 'imported' | 'already-imported' | 'stopped';
  readonly checksum: string;
  readonly rows: number;
  readonly accepted: number;
  readonly quarantined: number;
  /** Rows found already stored for the batch when this run began (a resumed import). */
  readonly resumedAfter: number;
}

const CSV_OPTIONS: CsvOptions = {
  trim: true,
  bom: true,
  skip_empty_lines: true,
  relax_column_count: true,
  relax_quotes: true,
};

/** Refuses, before anything is read or stored, to import household references it could not key. */
export function requireHouseholdKey(source: SourceDeclaration, key: HouseholdKey | undefined): void {
  if (source.household !== null && key === undefined)
    throw new IngestError(
      `source ${source.name} declares a household column, kept only as a keyed hash: the import needs the field encryption keys`,
    );
}

/** SHA-256 of the file, hex, read as a stream. */
export async function fileChecksum(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    await pipeline(fs.createReadStream(file), hash);
  } catch (error) {
    throw new IngestError(`cannot read ${file}: ${(error as Error).message}`);
  }
  return hash.digest('hex');
}

function csvRows(file: string, options: CsvOptions = {}): AsyncIterable<string[]> {
  const parser = fs.createReadStream(file).pipe(parse({ ...CSV_OPTIONS, ...options }));
  return parser as AsyncIterable<string[]>;
}

async function readHeader(file: string, source: SourceDeclaration): Promise<string[]> {
  let header: string[] | undefined;
  try {
    for await (const row of csvRows(file, { to_line: 1 })) {
      header = row;
      break;
    }
  } catch (error) {
    throw new IngestError(`${file} is not readable CSV: ${(error as Error).message}`);
  }
  if (header === undefined) throw new IngestError(`${file} is empty: it needs a header row`);
  const present = new Set(header);
  const missing = declaredColumns(source).filter((column) => !present.has(column));
  if (missing.length > 0) {
    throw new IngestError(
      `${file} lacks column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} that source ${source.name} declares (its columns: ${header.join(', ')})`,
    );
  }
  return header;
}

interface BatchRow {
  id: number;
  status: string;
  row_count: number;
  accepted_count: number;
  quarantined_count: number;
}

async function findOrOpenBatch(
  db: Kysely<Database>,
  source: SourceDeclaration,
  checksum: string,
): Promise<BatchRow> {
  // The declaration is the source's truth: a changed precedence takes effect with the next import.
  const precedence = JSON.stringify(source.precedence);
  await db
    .insertInto('source')
    .values({ name: source.name, kind: source.kind, description: source.description, precedence })
    .onConflict((oc) => oc.column('name').doUpdateSet({ precedence }))
    .execute();
  await db
    .insertInto('source_batch')
    .values({ source_name: source.name, checksum, status: 'processing' })
    .onConflict((oc) => oc.columns(['source_name', 'checksum']).doNothing())
    .execute();
  return db
    .selectFrom('source_batch')
    .select(['id', 'status', 'row_count', 'accepted_count', 'quarantined_count'])
    .where('source_name', '=', source.name)
    .where('checksum', '=', checksum)
    .executeTakeFirstOrThrow();
}

/** The highest row number stored for the batch: chunks commit whole and in order, so all below it are stored. */
async function lastStoredRow(db: Kysely<Database>, batchId: number): Promise<number> {
  const { rows } = await sql<{ last: number | string | null }>`
    select greatest(
      (select max(row_number) from feed_row where batch_id = ${batchId}),
      (select max(row_number) from quarantine where batch_id = ${batchId})
    ) as last`.execute(db);
  return Number(rows[0]?.last ?? 0);
}

interface PendingRow {
  readonly rowNumber: number;
  readonly raw: Record<string, string>;
}

/**
 * Imports one file of a declared source into feed_row (accepted rows, normalised) and quarantine
 * (rejected rows, as received, with the rule they broke). The file's SHA-256 identifies the batch:
 * a completed batch is not imported again, and an unfinished one (a killed run) continues after
 * the last row it stored. Rows are read as a stream and written `chunkSize` to a transaction.
 */
export async function importFeed(db: Kysely<Database>, options: ImportOptions): Promise<ImportResult> {
  const { source, file, operator } = options;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  requireHouseholdKey(source, options.householdKey);
  const checksum = await fileChecksum(file);
  const header = await readHeader(file, source);
  const batch = await findOrOpenBatch(db, source, checksum);
  if (batch.status === 'completed') {
    return {
      batchId: batch.id,
      status: 'already-imported',
      checksum,
      rows: batch.row_count,
      accepted: batch.accepted_count,
      quarantined: batch.quarantined_count,
      resumedAfter: batch.row_count,
    };
  }
  if (batch.status !== 'processing') {
    await db
      .updateTable('source_batch')
      .set({ status: 'processing', completed_at: null })
      .where('id', '=', batch.id)
      .execute();
  }
  const resumedAfter = await lastStoredRow(db, batch.id);
  const knownLaCodes = source.postAdoptionFlag === null ? null : await localAuthorityCodes(db);
  const started = Date.now();
  let accepted = batch.accepted_count;
  let quarantined = batch.quarantined_count;
  let stored = 0;
  let rowNumber = 0;
  let chunks = 0;
  let pending: PendingRow[] = [];

  const progress = (): void =>
    options.onProgress?.({
      batchId: batch.id,
      rows: rowNumber,
      stored,
      accepted,
      quarantined,
      elapsedMs: Date.now() - started,
    });

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const feedRows: Insertable<FeedRowTable>[] = [];
    const quarantineRows: Insertable<QuarantineTable>[] = [];
    for (const { rowNumber: number, raw } of pending) {
      const result = validateRow(
        source,
        raw,
        options.today ?? new Date(),
        knownLaCodes,
        options.householdKey,
      );
      if (result.ok) {
        feedRows.push({
          batch_id: batch.id,
          source_name: source.name,
          row_number: number,
          source_record_id: result.recordId,
          fields: JSON.stringify(result.fields),
        });
      } else {
        quarantineRows.push({
          batch_id: batch.id,
          source_name: source.name,
          row_number: number,
          raw: JSON.stringify(raw),
          rule: result.problems[0].rule,
          reason: describeProblems(result.problems),
        });
      }
    }
    const lastRow = pending[pending.length - 1]?.rowNumber ?? 0;
    pending = [];
    await db.transaction().execute(async (trx) => {
      // A row another run stored meanwhile is left as it is: (batch, row number) is stored once.
      const inFeed =
        feedRows.length === 0
          ? []
          : await trx
              .insertInto('feed_row')
              .values(feedRows)
              .onConflict((oc) => oc.columns(['batch_id', 'row_number']).doNothing())
              .returning('id')
              .execute();
      const inQuarantine =
        quarantineRows.length === 0
          ? []
          : await trx
              .insertInto('quarantine')
              .values(quarantineRows)
              .onConflict((oc) => oc.columns(['batch_id', 'row_number']).doNothing())
              .returning('id')
              .execute();
      await trx
        .updateTable('source_batch')
        .set((eb) => ({
          row_count: sql<number>`greatest(${eb.ref('row_count')}, ${lastRow})`,
          accepted_count: eb('accepted_count', '+', inFeed.length),
          quarantined_count: eb('quarantined_count', '+', inQuarantine.length),
        }))
        .where('id', '=', batch.id)
        .execute();
      accepted += inFeed.length;
      quarantined += inQuarantine.length;
      stored += inFeed.length + inQuarantine.length;
    });
    chunks += 1;
    progress();
  };

  try {
    let first = true;
    for await (const cells of csvRows(file)) {
      if (first) {
        first = false;
        continue;
      }
      rowNumber += 1;
      if (rowNumber <= resumedAfter) continue;
      pending.push({ rowNumber, raw: rowValues(header, cells) });
      if (pending.length >= chunkSize) {
        await flush();
        if (options.stopAfterChunks !== undefined && chunks >= options.stopAfterChunks) {
          return {
            batchId: batch.id,
            status: 'stopped',
            checksum,
            rows: rowNumber,
            accepted,
            quarantined,
            resumedAfter,
          };
        }
      }
    }
    await flush();
  } catch (error) {
    await db
      .updateTable('source_batch')
      .set({ status: 'failed', completed_at: new Date() })
      .where('id', '=', batch.id)
      .execute()
      .catch(() => undefined);
    if (
      error instanceof Error &&
      'code' in error &&
      typeof error.code === 'string' &&
      error.code.startsWith('CSV_')
    ) {
      throw new IngestError(`${file} is not readable CSV at row ${rowNumber + 1}: ${error.message}`);
    }
    throw error;
  }

  const final = await db.transaction().execute(async (trx) => {
    const counts = await trx
      .selectNoFrom((eb) => [
        eb
          .selectFrom('feed_row')
          .select(eb.fn.countAll<number>().as('n'))
          .where('batch_id', '=', batch.id)
          .as('accepted'),
        eb
          .selectFrom('quarantine')
          .select(eb.fn.countAll<number>().as('n'))
          .where('batch_id', '=', batch.id)
          .where('status', '<>', 'reprocessed')
          .as('quarantined'),
      ])
      .executeTakeFirstOrThrow();
    const done = {
      accepted: counts.accepted ?? 0,
      quarantined: counts.quarantined ?? 0,
    };
    await trx
      .updateTable('source_batch')
      .set({
        status: 'completed',
        completed_at: new Date(),
        row_count: rowNumber,
        accepted_count: done.accepted,
        quarantined_count: done.quarantined,
      })
      .where('id', '=', batch.id)
      .execute();
    await recordAudit(trx, {
      actor: options.actor ?? { type: 'operator', id: operator },
      action: 'feed.import',
      outcome: 'success',
      target: `batch:${batch.id}`,
      details: {
        source: source.name,
        checksum,
        rows: rowNumber,
        accepted: done.accepted,
        quarantined: done.quarantined,
        resumedAfter,
      },
    });
    return done;
  });
  progress();
  return { batchId: batch.id, status: 'imported', checksum, rows: rowNumber, ...final, resumedAfter };
}
