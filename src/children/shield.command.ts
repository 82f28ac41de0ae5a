import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import type { Actor } from '../access/access.model.ts';
import { parsePositiveInteger } from '../cli/parse.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { createServices, type Services } from '../services.ts';
import { SHIELD_REASONS, type ShieldReason } from './child.model.ts';
import type { ShieldState } from './shield.service.ts';

/** Opens the configured database as the application role and runs `run` with the services. */
export async function withChildServices<T>(run: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    // Like `serve`: a fresh clone works without a separate migrate step.
    await migrate(database.db);
    await database.useAppRole();
    return await run(createServices({ config, database, logger: pino({ level: 'silent' }) }));
  } finally {
    await database.close();
  }
}

export function parseOperator(value: string): string {
  if (value.trim() === '' || value.length > 200) {
    throw new InvalidArgumentError('expected a name of 1 to 200 characters');
  }
  return value.trim();
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function describe(state: ShieldState): string {
  return state.shield === null
    ? `${state.contactPointId}  not shielded`
    : `${state.contactPointId}  shielded (${state.shield.reason}), review by ${state.shield.reviewDate}${state.postAdoption ? ', post-adoption' : ''}`;
}

/**
 * `contactpoint shield`: what a shielder does, for an operator at the command line. The operator
 * names themselves; the audit trail records every action under that name.
 */
export function shieldCommand(): Command {
  const shield = new Command('shield').description(
    'shield and unshield child records, and list shields due for review (audited under --operator)',
  );
  const operatorOption = () =>
    new Option('--operator <name>', 'who is acting (recorded in the audit trail)')
      .argParser(parseOperator)
      .makeOptionMandatory();

  shield
    .command('set <contactpoint-id>')
    .description('shield a record (or change its reason or review date); seals its location fields')
    .addOption(new Option('--reason <reason>', 'why').choices(SHIELD_REASONS).makeOptionMandatory())
    .requiredOption('--review <YYYY-MM-DD>', 'when the shield must be reviewed (within 12 months)')
    .addOption(operatorOption())
    .action(
      async (contactPointId: string, options: { reason: ShieldReason; review: string; operator: string }) => {
        const actor: Actor = { kind: 'operator', name: options.operator };
        const state = await withChildServices((services) =>
          services.shields.set(actor, contactPointId, { reason: options.reason, reviewDate: options.review }),
        );
        print(describe(state));
      },
    );

  shield
    .command('clear <contactpoint-id>')
    .description('lift a shield (refused for post-adoption records); opens its location fields')
    .addOption(operatorOption())
    .action(async (contactPointId: string, options: { operator: string }) => {
      const actor: Actor = { kind: 'operator', name: options.operator };
      print(describe(await withChildServices((services) => services.shields.clear(actor, contactPointId))));
    });

  shield
    .command('due')
    .description('list the shields of an LA due for review')
    .requiredOption('--la <code>', 'three-digit LA code')
    .option('--within <days>', 'look this many days ahead (default 30)', parsePositiveInteger)
    .option('--json', 'as JSON')
    .addOption(operatorOption())
    .action(async (options: { la: string; within?: number; json?: boolean; operator: string }) => {
      const actor: Actor = { kind: 'operator', name: options.operator };
      const due = await withChildServices((services) =>
        services.shields.due(actor, {
          la: options.la,
          ...(options.within === undefined ? {} : { withinDays: options.within }),
        }),
      );
      if (options.json === true) {
        print(JSON.stringify(due, null, 2));
        return;
      }
      for (const item of due) {
        const name = [item.forename, item.surname].filter((part) => part !== null).join(' ');
        print(
          `${item.reviewDate}${item.overdue ? ' OVERDUE' : ''}  ${item.contactPointId}  ${item.reason.padEnd(16)} ${name}`,
        );
      }
      if (due.length === 0) print('no shields due for review');
    });
  return shield;
}
