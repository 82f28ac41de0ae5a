import { Command } from 'commander';
import { parsePositiveInteger } from '../cli/parse.ts';
import { withChildServices } from './shield.command.ts';

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * `contactpoint keys`: the field-encryption keys (FIELD_ENCRYPTION_KEYS) and the HMAC keys of the
 * matching keys (FIELD_HMAC_KEYS). To rotate either: add a new key, make it the active one
 * (FIELD_ENCRYPTION_ACTIVE_KEY or FIELD_HMAC_ACTIVE_KEY), restart, run `keys rotate`, then drop the
 * old key once `keys status` shows nothing under it.
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
        print(`active HMAC key: ${services.fieldKeys.activeHmacKeyId}`);
        const list = (counts: Readonly<Record<string, number>>) =>
          Object.entries(counts)
            .map(([id, rows]) => `${id}=${rows}`)
            .join(' ');
        for (const counts of await services.fieldKeys.status()) {
          const byKey = list(counts.byKey);
          const byHmacKey = list(counts.byHmacKey);
          print(
            `${counts.table.padEnd(20)} ${byKey === '' ? 'none sealed' : byKey}` +
              `${byHmacKey === '' ? '' : `  hashed: ${byHmacKey}`}  pending=${counts.pending}`,
          );
        }
      });
    });

  keys
    .command('rotate')
    .description(
      're-seal every sealed row under the active key and re-hash its matching keys under the active HMAC key, in batches, while the service runs',
    )
    .option('--batch-size <rows>', 'rows per transaction (default 500)', parsePositiveInteger)
    .action(async (options: { batchSize?: number }) => {
      await withChildServices(async (services) => {
        const pending = await services.fieldKeys.sealPending();
        if (pending > 0) print(`sealed ${pending} pending rows`);
        const totals = await services.fieldKeys.rotate({
          ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        });
        for (const total of totals) {
          print(`${total.table.padEnd(20)} re-sealed ${total.resealed}  re-hashed ${total.rehashed}`);
        }
        print(
          `everything sealed is now under key ${services.fieldKeys.activeKeyId}, hashed under ${services.fieldKeys.activeHmacKeyId}`,
        );
      });
    });

  keys
    .command('seal')
    .description(
      'seal rows a bulk load left in plaintext for children who are shielded, and fields sealed only since their rows were',
    )
    .action(async () => {
      await withChildServices(async (services) => {
        print(`sealed ${await services.fieldKeys.sealPending()} pending rows`);
        print(`sealed newly sealed fields into ${await services.fieldKeys.sealLateColumns()} rows`);
      });
    });
  return keys;
}
