import os from 'node:os';
import { Command, Option } from 'commander';
import pino from 'pino';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { createServices, type Services } from '../services.ts';
import { ORGANISATION_KINDS, ROLES, type Actor, type User } from './access.model.ts';
import type { TokenView } from './token.service.ts';

/** Operators act from the command line under their own login name, which the audit trail records. */
function operator(): Actor {
  return { kind: 'operator', name: `cli:${os.userInfo().username}` };
}

async function withServices(
  run: (services: Services['access'], actor: Actor) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    // Like `serve`: a fresh clone works without a separate migrate step.
    await migrate(database.db);
    const services = createServices({ config, database, logger: pino({ level: 'silent' }) });
    await run(services.access, operator());
  } finally {
    await database.close();
  }
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function describeUser(user: User): string {
  const where = user.localAuthority === null ? 'national' : `LA ${user.localAuthority}`;
  return `${user.id}  ${user.username.padEnd(32)} ${user.status.padEnd(9)} ${where.padEnd(9)} ${user.roles.join(',')}`;
}

function describeToken(token: TokenView): string {
  const state = token.revokedAt === null ? 'live' : `revoked ${token.revokedAt.toISOString().slice(0, 10)}`;
  const used = token.lastUsedAt === null ? 'never used' : `used ${token.lastUsedAt.toISOString()}`;
  const sources = token.sources.length === 0 ? '(none: re-issue it)' : token.sources.join(',');
  return `${token.id}  ${token.name.padEnd(24)} ${state.padEnd(18)} ${used.padEnd(29)} sources ${sources}`;
}

/** `--source a --source b` and `--source a,b` alike. */
function sourceNames(given: readonly string[]): string[] {
  return given
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * What `users token` does once it has the services, apart from opening the database so that a test
 * can drive it on its own. Returns the lines to print.
 */
export async function issueToken(
  access: Services['access'],
  actor: Actor,
  username: string,
  options: { name: string; source: readonly string[] },
): Promise<string[]> {
  const user = await access.users.getByUsername(actor, username);
  const { token, secret } = await access.tokens.create(actor, {
    userId: user.id,
    name: options.name,
    sources: sourceNames(options.source),
  });
  return [
    `token ${token.id} "${token.name}" for ${user.username}, to post ${token.sources.join(', ')}`,
    `secret (shown once; send it as Authorization: Bearer ...): ${secret}`,
  ];
}

/** What `users tokens` prints, as `issueToken` is to `users token`. */
export async function listTokenLines(
  access: Services['access'],
  actor: Actor,
  username: string,
): Promise<string[]> {
  const user = await access.users.getByUsername(actor, username);
  return (await access.tokens.list(actor, user.id)).map(describeToken);
}

export function usersCommand(): Command {
  const users = new Command('users').description(
    'manage user accounts, organisations and feed API tokens, as an operator (every change is audited)',
  );

  users
    .command('add')
    .description('register a user; prints the one-time activation code they set their password with')
    .requiredOption('--username <name>', 'sign-in name, usually the work email address')
    .requiredOption('--name <display name>', 'the person’s name (or the system account’s)')
    .option('--email <email>', 'work email address (required for people)')
    .option('--phone <phone>', 'work phone number')
    .requiredOption('--organisation <id>', 'organisation id (see `users organisations`)')
    .addOption(new Option('--role <role...>', 'one or more roles').choices(ROLES).makeOptionMandatory())
    .option('--la <code>', 'three-digit LA code the user belongs to (omit for national accounts)')
    .option('--check-date <YYYY-MM-DD>', 'date of the enhanced criminal record check')
    .option('--training-date <YYYY-MM-DD>', 'date ContactPoint training was completed')
    .action(
      async (options: {
        username: string;
        name: string;
        email?: string;
        phone?: string;
        organisation: string;
        role: string[];
        la?: string;
        checkDate?: string;
        trainingDate?: string;
      }) =>
        withServices(async (access, actor) => {
          const registration = await access.users.register(actor, {
            username: options.username,
            displayName: options.name,
            email: options.email,
            phone: options.phone,
            organisationId: options.organisation,
            roles: options.role,
            localAuthority: options.la,
            enhancedCheckDate: options.checkDate,
            trainingCompletedDate: options.trainingDate,
          });
          print(`registered ${registration.user.username} (${registration.user.id})`);
          if (registration.activationCode !== null) {
            print(`activation code (shown once): ${registration.activationCode}`);
            print(`valid until ${registration.activationExpiresAt?.toISOString() ?? ''}: POST /api/activate`);
          } else {
            print('system account: issue it an API token with `contactpoint users token`');
          }
        }),
    );

  users
    .command('list')
    .description('list users')
    .option('--la <code>', 'only users of this LA')
    .option('--json', 'as JSON')
    .action(async (options: { la?: string; json?: boolean }) =>
      withServices(async (access, actor) => {
        const found = await access.users.list(
          actor,
          options.la === undefined ? {} : { localAuthority: options.la },
        );
        if (options.json === true) print(JSON.stringify(found, null, 2));
        else for (const user of found) print(describeUser(user));
      }),
    );

  users
    .command('suspend <username>')
    .description('suspend a user: they cannot sign in, and their sessions end now')
    .option('--reason <text>', 'why (kept with the account and in the audit trail)')
    .action(async (username: string, options: { reason?: string }) =>
      withServices(async (access, actor) => {
        const user = await access.users.getByUsername(actor, username);
        print(describeUser(await access.users.suspend(actor, user.id, options.reason ?? null)));
      }),
    );

  users
    .command('reactivate <username>')
    .description('make a suspended or expired user active again')
    .action(async (username: string) =>
      withServices(async (access, actor) => {
        const user = await access.users.getByUsername(actor, username);
        print(describeUser(await access.users.reactivate(actor, user.id)));
      }),
    );

  users
    .command('unlock <username>')
    .description('lift a sign-in lockout (temporary or permanent)')
    .action(async (username: string) =>
      withServices(async (access, actor) => {
        const user = await access.users.getByUsername(actor, username);
        print(describeUser(await access.users.unlock(actor, user.id)));
      }),
    );

  users
    .command('expire-idle')
    .description('expire every account not used for ACCOUNT_IDLE_EXPIRY_DAYS (run daily)')
    .action(async () =>
      withServices(async (access) => {
        print(`${await access.users.expireIdle()} account(s) expired`);
      }),
    );

  users
    .command('token <username>')
    .description(
      'issue an API token to a system (feed) account for the sources it may post; the token is shown once',
    )
    .requiredOption('--name <name>', 'what the token is for, e.g. "nightly census upload"')
    .addOption(
      new Option(
        '--source <name...>',
        'a declared feed source the token may post (src/ingest/sources); repeat it or separate with commas',
      ).makeOptionMandatory(),
    )
    .action(async (username: string, options: { name: string; source: string[] }) =>
      withServices(async (access, actor) => {
        for (const line of await issueToken(access, actor, username, options)) print(line);
      }),
    );

  users
    .command('tokens <username>')
    .description("list a system (feed) account's API tokens and the sources each may post")
    .action(async (username: string) =>
      withServices(async (access, actor) => {
        for (const line of await listTokenLines(access, actor, username)) print(line);
      }),
    );

  users
    .command('revoke-token <id>')
    .description('revoke an API token at once')
    .action(async (id: string) =>
      withServices(async (access, actor) => {
        const token = await access.tokens.revoke(actor, id);
        print(`token ${token.id} "${token.name}" revoked at ${token.revokedAt?.toISOString() ?? ''}`);
      }),
    );

  users
    .command('add-organisation')
    .description('add an organisation users can belong to')
    .requiredOption('--name <name>', 'its name')
    .addOption(new Option('--kind <kind>', 'what kind').choices(ORGANISATION_KINDS).makeOptionMandatory())
    .option('--la <code>', 'the LA whose management team manages it (omit for a national organisation)')
    .action(async (options: { name: string; kind: string; la?: string }) =>
      withServices(async (access, actor) => {
        const organisation = await access.users.createOrganisation(actor, {
          name: options.name,
          kind: options.kind,
          localAuthority: options.la ?? null,
        });
        print(`${organisation.id}  ${organisation.name}`);
      }),
    );

  users
    .command('organisations')
    .description('list organisations')
    .option('--la <code>', 'only those of this LA')
    .action(async (options: { la?: string }) =>
      withServices(async (access, actor) => {
        const found = await access.users.listOrganisations(
          actor,
          options.la === undefined ? {} : { localAuthority: options.la },
        );
        for (const o of found)
          print(`${o.id}  ${(o.localAuthority ?? 'national').padEnd(8)} ${o.kind.padEnd(15)} ${o.name}`);
      }),
    );

  return users;
}
