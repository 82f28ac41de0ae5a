import { Command, Option } from 'commander';
import type { Kysely } from 'kysely';
import { withFieldEncryption } from '../children/encryption.database.ts';
import { createFieldCipher } from '../children/encryption.ts';
import { parseOperator } from '../children/shield.command.ts';
import { parsePositiveInteger } from '../cli/parse.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import type { Database } from '../db/schema.ts';
import { resolveBatch, type ResolveDeps, type ResolveProgress, type ResolveResult } from './resolve.ts';

/** Opens the configured database, migrated, as the application role, with field encryption. */
export async function withResolveDeps<T>(
  run: (deps: ResolveDeps, db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    await migrate(database.db);
    await database.useAppRole();
    const cipher = createFieldCipher(config.fieldEncryption);
    const deps = { db: database.db, childDb: withFieldEncryption(database.db, cipher), cipher };
    return await run(deps, database.db);
  } finally {
    await database.close();
  }
}

function count(n: number): string {
  return n.toLocaleString('en-GB');
}

export function describeResolveProgress(progress: ResolveProgress): string {
  const seconds = Math.max(progress.elapsedMs, 1) / 1000;
  return `batch ${progress.batchId}: ${count(progress.resolved)} rows resolved (${count(Math.round(progress.resolved / seconds))} rows/s): ${count(progress.linked)} matched, ${count(progress.created)} new, ${count(progress.review)} to review, ${count(progress.waiting)} waiting`;
}

export function describeResolveResult(result: ResolveResult): string {
  if (result.status === 'nothing-to-resolve')
    return `batch ${result.batchId}: no rows waiting, nothing changed`;
  const seconds = Math.max(result.elapsedMs, 1) / 1000;
  const verb = result.status === 'stopped' ? 'stopped after resolving' : 'resolved';
  return `batch ${result.batchId}: ${verb} ${count(result.resolved)} rows in ${seconds.toFixed(1)} s (${count(Math.round(result.resolved / seconds))} rows/s, model: ${result.model}): ${count(result.linked)} matched, ${count(result.created)} new, ${count(result.review)} to review`;
}

/** Progress to the terminal at most once a second. */
export function throttledProgress(describe: (progress: ResolveProgress) => string) {
  let last = 0;
  return (progress: ResolveProgress): void => {
    const now = Date.now();
    if (now - last < 1000) return;
    last = now;
    process.stderr.write(`${describe(progress)}\n`);
  };
}

/**
 * `contactpoint resolve --batch ID --operator NAME`: resolves the waiting rows of an imported batch
 * (one staged with `import --no-resolve`, or one whose resolution was interrupted). A batch with no
 * row waiting is left as it is.
 */
export function resolveCommand(): Command {
  return new Command('resolve')
    .description('resolve the waiting rows of an imported feed batch to children (link, new or review)')
    .requiredOption('--batch <id>', 'the batch id', parsePositiveInteger)
    .addOption(
      new Option('--operator <name>', 'who is acting (recorded in the audit trail)')
        .argParser(parseOperator)
        .makeOptionMandatory(),
    )
    .option('--chunk-size <rows>', 'rows resolved per transaction (default 2000)', parsePositiveInteger)
    .action(async (options: { batch: number; operator: string; chunkSize?: number }) => {
      const result = await withResolveDeps((deps) =>
        resolveBatch(deps, options.batch, {
          actor: { type: 'operator', id: options.operator },
          ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
          onProgress: throttledProgress(describeResolveProgress),
        }),
      );
      process.stdout.write(`${describeResolveResult(result)}\n`);
    });
}
