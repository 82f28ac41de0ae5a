import { Command } from 'commander';
import { parsePositiveInteger } from '../cli/parse.ts';
import { withChildServices } from './shield.command.ts';

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * `contactpoint keys`: the field-encryption keys (FIELD_ENCRYPTION_KEYS). To rotate: add a new key,
 * make it FIELD_ENCRYPTION_ACTIVE_KEY, restart, run `keys rotate`, then drop the old key once
 * `keys status` shows nothing sealed under it.
 */
export function keysCommand(): Command {
  const keys = new Command('keys').description(
    'field encryption keys for shielded children’s location fields',
  );

  keys
    .command('status')
    .description('how many rows are sealed under each key, and how many wait to be sealed')
    .action(async () => {
      await withChildServices(async (services) => {
        print(`active key: ${services.fieldKeys.activeKeyId}`);
        for (const counts of await services.fieldKeys.status()) {
          const byKey = Object.entries(counts.byKey)
            .map(([id, rows]) => `${id}=${rows}`)
            .join(' ');
          print(
            `${counts.table.padEnd(20)} ${byKey === '' ? 'none sealed' : byKey}  pending=${counts.pending}`,
          );
        }
      });
    });

  keys
    .command('rotate')
    .description('re-seal every sealed row under the active key, in batches, while the service runs')
    .option('--batch-size <rows>', 'rows per transaction (default 500)', parsePositiveInteger)
    .action(async (options: { batchSize?: number }) => {
      await withChildServices(async (services) => {
        const pending = await services.fieldKeys.sealPending();
        if (pending > 0) print(`sealed ${pending} pending rows`);
        const totals = await services.fieldKeys.rotate({
          ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        });
        for (const total of totals) print(`${total.table.padEnd(20)} re-sealed ${total.resealed}`);
        print(`everything sealed is now under key ${services.fieldKeys.activeKeyId}`);
      });
    });

  keys
    .command('seal')
    .description('seal rows a bulk load left in plaintext for children who are shielded')
    .action(async () => {
      await withChildServices(async (services) => {
        print(`sealed ${await services.fieldKeys.sealPending()} pending rows`);
      });
    });
  return keys;
}
