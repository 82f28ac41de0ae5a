import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { DatabaseUnavailableError, MigrationError } from '../db/errors.ts';
import { UsageError } from './usage-error.ts';
import { migrateCommand } from './migrate-command.ts';
import { serveCommand } from './serve-command.ts';
import { synthCommand } from './synth-command.ts';
import { matchCommand } from './match-command.ts';
import { auditCommand } from '../audit/audit.command.ts';
import { AuditError } from '../audit/audit.errors.ts';
import { AccessError } from '../access/access.errors.ts';
import { usersCommand } from '../access/users-command.ts';
import { ChildAccessError } from '../access/policy/child-access.errors.ts';
import { ChildRecordError } from '../children/child.errors.ts';
import { FieldEncryptionError } from '../children/encryption.ts';
import { keysCommand } from '../children/encryption.command.ts';
import { mergeCommand, unmergeCommand } from '../children/merge.command.ts';
import { shieldCommand } from '../children/shield.command.ts';
import { importCommand } from '../ingest/import.command.ts';
import { resolveCommand } from '../resolution/resolve.command.ts';
import { reviewCommand } from '../resolution/review.command.ts';
import { dedupeCommand } from '../resolution/dedupe.command.ts';
import { IngestError } from '../ingest/ingest.errors.ts';

const EXPECTED = [
  ConfigError,
  DatabaseUnavailableError,
  MigrationError,
  UsageError,
  AuditError,
  AccessError,
  ChildAccessError,
  ChildRecordError,
  FieldEncryptionError,
  IngestError,
];

export function buildProgram(): Command {
  const program = new Command('contactpoint')
    .description('ContactPoint: who else is working with this child, and how to reach them')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(migrateCommand());
  program.addCommand(serveCommand());
  program.addCommand(synthCommand());
  program.addCommand(matchCommand());
  program.addCommand(auditCommand());
  program.addCommand(usersCommand());
  program.addCommand(shieldCommand());
  program.addCommand(mergeCommand());
  program.addCommand(unmergeCommand());
  program.addCommand(keysCommand());
  program.addCommand(importCommand());
  program.addCommand(resolveCommand());
  program.addCommand(reviewCommand());
  program.addCommand(dedupeCommand());
  return program;
}

/** Known failures end with one line naming the cause; anything else is a bug and keeps its stack. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (EXPECTED.some((kind) => error instanceof kind)) {
      process.stderr.write(`contactpoint: ${(error as Error).message}\n`);
      return error instanceof UsageError ? 2 : 1;
    }
    throw error;
  }
}
