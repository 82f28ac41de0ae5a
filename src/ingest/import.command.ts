import { Command, InvalidArgumentError, Option } from 'commander';
import type { Kysely } from 'kysely';
import { householdKey } from '../children/encryption.ts';
import { parseOperator } from '../children/shield.command.ts';
import { parsePositiveInteger } from '../cli/parse.ts';
import { UsageError } from '../cli/usage-error.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import type { Database } from '../db/schema.ts';
import { SourceDefinitionError } from '../matching/source-definition.ts';
import { resolveBatch } from '../resolution/resolve.ts';
import {
  describeResolveProgress,
  describeResolveResult,
  throttledProgress,
  withResolveDeps,
} from '../resolution/resolve.command.ts';
import { importFeed, type ImportProgress } from './import.ts';
import { IngestError } from './ingest.errors.ts';
import {
  QUARANTINE_STATUSES,
  dismissQuarantined,
  listQuarantine,
  retryQuarantined,
  type QuarantineStatus,
} from './quarantine.ts';
import { loadSourceDeclaration, type SourceDeclaration } from './source-declaration.ts';

/** Opens the configured database, migrated, as the application role. */
async function withDatabase<T>(run: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const database = await openDatabase(loadConfig());
  try {
    await migrate(database.db);
    await database.useAppRole();
    return await run(database.db);
  } finally {
    await database.close();
  }
}

function loadSource(name: string): SourceDeclaration {
  try {
    return loadSourceDeclaration(name);
  } catch (error) {
    if (error instanceof SourceDefinitionError) throw new IngestError(error.message);
    throw error;
  }
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function parseCorrection(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected field=value, got "${value}"`);
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1) };
}

function describeProgress(progress: ImportProgress): string {
  const seconds = Math.max(progress.elapsedMs, 1) / 1000;
  const rate = Math.round(progress.stored / seconds);
  return `batch ${progress.batchId}: ${progress.rows.toLocaleString('en-GB')} rows read, ${progress.accepted.toLocaleString('en-GB')} accepted, ${progress.quarantined.toLocaleString('en-GB')} quarantined, ${rate.toLocaleString('en-GB')} rows/s`;
}

interface ImportCommandOptions {
  source?: string;
  operator?: string;
  chunkSize?: number;
  resolve?: boolean;
}

function operatorOf(options: ImportCommandOptions): string {
  if (options.operator === undefined) throw new UsageError('--operator <name> is required');
  return options.operator;
}

/**
 * `contactpoint import --source NAME FILE --operator NAME`: validates a feed file row by row into
 * feed_row or quarantine, then resolves the accepted rows to children (unless --no-resolve); `import quarantine ...` lists, retries and dismisses quarantined rows.
 * --operator and --source belong to `import` and are read by its subcommands too.
 */
export function importCommand(): Command {
  const command = new Command('import')
    .description(
      'import a feed file of a declared source (src/ingest/sources): valid rows are staged, the rest quarantined with the rule they broke',
    )
    .argument('[file]', 'the CSV file')
    .option('--source <name>', 'the declared source the file comes from')
    .addOption(
      new Option('--operator <name>', 'who is acting (recorded in the audit trail)').argParser(parseOperator),
    )
    .option('--chunk-size <rows>', 'rows written per transaction (default 1000)', parsePositiveInteger)
    .option('--no-resolve', 'only stage the rows: resolve them later with `contactpoint resolve`')
    .action(async (file: string | undefined, options: ImportCommandOptions) => {
      if (file === undefined)
        throw new UsageError('name the file to import: import --source NAME FILE --operator NAME');
      if (options.source === undefined) throw new UsageError('--source <name> is required');
      const operator = operatorOf(options);
      const source = loadSource(options.source);
      let lastReport = 0;
      const actor = { type: 'operator', id: operator } as const;
      const { result, resolved } = await withResolveDeps(async (deps, db) => {
        const imported = await importFeed(db, {
          source,
          file,
          operator,
          householdKey: householdKey(deps.cipher),
          ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
          onProgress(progress) {
            const now = Date.now();
            if (now - lastReport < 1000) return;
            lastReport = now;
            process.stderr.write(`${describeProgress(progress)}\n`);
          },
        });
        // A batch imported before (or staged with --no-resolve) still has its waiting rows resolved.
        if (options.resolve === false || imported.status === 'stopped')
          return { result: imported, resolved: null };
        const quarantined = imported.quarantined;
        const outcome = await resolveBatch(deps, imported.batchId, {
          actor,
          onProgress: throttledProgress(
            (progress) =>
              `${describeResolveProgress(progress)}, ${quarantined.toLocaleString('en-GB')} rejected`,
          ),
        });
        return { result: imported, resolved: outcome };
      });
      const counts = `${result.rows} rows, ${result.accepted} accepted, ${result.quarantined} quarantined`;
      if (result.status === 'already-imported') {
        print(`already imported as batch ${result.batchId} (${source.name}, ${counts})`);
      } else {
        const resumed = result.resumedAfter > 0 ? ` (resumed after row ${result.resumedAfter})` : '';
        print(`imported batch ${result.batchId} (${source.name})${resumed}: ${counts}`);
      }
      if (resolved !== null) print(describeResolveResult(resolved));
      else print(`staged: resolve with contactpoint resolve --batch ${result.batchId} --operator NAME`);
      if (result.quarantined > 0)
        print(`review with: contactpoint import quarantine list --batch ${result.batchId}`);
    });

  const quarantine = new Command('quarantine').description('rows of a feed that failed validation');

  quarantine
    .command('list')
    .description('list the quarantined rows of a batch')
    .requiredOption('--batch <id>', 'the batch id', parsePositiveInteger)
    .addOption(new Option('--status <status>', 'only rows with this status').choices(QUARANTINE_STATUSES))
    .option('--json', 'as JSON')
    .action(async (options: { batch: number; status?: QuarantineStatus; json?: boolean }) => {
      const rows = await withDatabase((db) =>
        listQuarantine(db, {
          batchId: options.batch,
          ...(options.status === undefined ? {} : { status: options.status }),
        }),
      );
      if (options.json === true) {
        print(JSON.stringify(rows, null, 2));
        return;
      }
      for (const row of rows) {
        print(`${row.id}\trow ${row.rowNumber}\t${row.status}\t${row.rule}\t${row.reason}`);
      }
      if (rows.length === 0) print(`no quarantined rows in batch ${options.batch}`);
    });

  quarantine
    .command('retry <id>')
    .description('re-validate a quarantined row with corrections; accepted rows move to the feed')
    .option('--set <field=value>', 'a correction, by column or field name (repeatable)', parseCorrection)
    .action(async (id: string, options: { set?: Record<string, string> }, self: Command) => {
      const operator = operatorOf(self.optsWithGlobals<ImportCommandOptions>());
      const quarantineId = parsePositiveInteger(id);
      const result = await withResolveDeps((deps, db) =>
        retryQuarantined(db, {
          id: quarantineId,
          corrections: options.set ?? {},
          operator,
          householdKey: householdKey(deps.cipher),
        }),
      );
      if (result.outcome === 'accepted') {
        print(`row ${quarantineId} accepted as feed row ${result.feedRowId}`);
        return;
      }
      throw new IngestError(
        `row ${quarantineId} is still quarantined: ${result.problems.map((p) => `${p.rule}: ${p.message}`).join('; ')}`,
      );
    });

  quarantine
    .command('dismiss <id>')
    .description('close a quarantined row without importing it (it is kept)')
    .action(async (id: string, _options: unknown, self: Command) => {
      const operator = operatorOf(self.optsWithGlobals<ImportCommandOptions>());
      const quarantineId = parsePositiveInteger(id);
      await withDatabase((db) => dismissQuarantined(db, { id: quarantineId, operator }));
      print(`row ${quarantineId} dismissed`);
    });

  command.addCommand(quarantine);
  return command;
}
