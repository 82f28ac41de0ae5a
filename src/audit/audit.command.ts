import os from 'node:os';
import { once } from 'node:events';
import { Command, InvalidArgumentError, Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { UsageError } from '../cli/usage-error.ts';
import { parsePositiveInteger } from '../cli/parse.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { AuditError } from './audit.errors.ts';
import { isUuid, type AuditActor, type AuditEntry } from './audit.model.ts';
import type { ReportSubject } from './audit.reports.ts';
import { createAuditService, type AuditService } from './audit.service.ts';
import { describeBreak } from './audit.verify.ts';
import { ACCESS_REASONS, type AccessReason } from './audit.vocabulary.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// A time must say its offset: a report's range cannot depend on the machine's time zone.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/** A date is a whole UTC day: as --from its start, as --to its end (the range is [from, to)). */
function parseInstant(value: string, endOfDay: boolean): Date {
  const date = DATE.test(value) || DATE_TIME.test(value) ? new Date(value) : new Date(Number.NaN);
  // JavaScript rolls 2026-02-30 over into March; a day that does not exist is refused instead.
  const day = value.slice(0, 10);
  const dayExists = !Number.isNaN(Date.parse(day)) && new Date(day).toISOString().startsWith(day);
  if (Number.isNaN(date.getTime()) || !dayExists) {
    throw new InvalidArgumentError(
      `expected YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss]Z (or ±hh:mm), got "${value}"`,
    );
  }
  return endOfDay && DATE.test(value) ? new Date(date.getTime() + DAY_MS) : date;
}

function parseOperator(value: string): string {
  if (value.trim() === '' || value.length > 200) {
    throw new InvalidArgumentError('expected a name of 1 to 200 characters');
  }
  return value;
}

function parseChildId(value: string): string {
  if (!isUuid(value))
    throw new InvalidArgumentError(`expected a ContactPoint record id (uuid), got "${value}"`);
  return value;
}

async function withAuditService<T>(run: (audit: AuditService) => Promise<T>): Promise<T> {
  const database = await openDatabase(loadConfig());
  try {
    // Least privilege: the command can read and append to the trail, never rewrite it.
    await database.useAppRole();
    return await run(createAuditService(database.db));
  } finally {
    await database.close();
  }
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function operator(name: string | undefined): AuditActor {
  return { type: 'operator', id: name ?? os.userInfo().username };
}

const COLUMNS = [
  'at',
  'chain',
  'seq',
  'action',
  'outcome',
  'actor_type',
  'actor',
  'role',
  'organisation',
  'child_id',
  'target',
  'reason',
  'reason_text',
  'request_id',
  'details',
  'hash',
] as const;

function exportable(entry: AuditEntry) {
  return {
    at: entry.at.toISOString(),
    chain: entry.chainId,
    seq: entry.seq,
    action: entry.action,
    outcome: entry.outcome,
    actor_type: entry.actorType,
    actor: entry.actor,
    role: entry.role,
    organisation: entry.organisation,
    child_id: entry.childId,
    target: entry.target,
    reason: entry.reason,
    reason_text: entry.reasonText,
    request_id: entry.requestId,
    details: entry.details,
    hash: entry.hash.toString('hex'),
  };
}

// A spreadsheet runs a cell starting with one of these as a formula; the trail holds text that
// users typed, so such cells are quoted with a leading apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: string | number | object | null): string {
  if (value === null) return '';
  const cell = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function verifyCommand(): Command {
  return new Command('verify')
    .description('recompute every hash chain of the audit trail; exit 1 at the first broken link')
    .addOption(
      new Option('--operator <name>', 'who runs it, recorded in the trail (default: OS user)').argParser(
        parseOperator,
      ),
    )
    .addOption(
      new Option('--page-size <n>', 'entries read at a time').argParser(parsePositiveInteger).default(2_000),
    )
    .action(async (options: { operator?: string; pageSize: number }) => {
      const interactive = process.stderr.isTTY;
      const result = await withAuditService((audit) =>
        audit.verify(operator(options.operator), {
          pageSize: options.pageSize,
          onProgress: (entries) => {
            if (interactive) process.stderr.write(`\r${entries.toLocaleString('en-GB')} entries verified`);
          },
        }),
      );
      if (interactive) process.stderr.write('\n');
      if (!result.ok) {
        throw new AuditError(
          'TRAIL_BROKEN',
          `audit trail broken at ${describeBreak(result.broken)} (${result.entries} entries verified before it)`,
        );
      }
      await write(
        `${plural(result.entries, 'entry', 'entries')} in ${plural(result.chains, 'chain', 'chains')} verified\n`,
      );
    });
}

interface ReportOptions {
  child?: string;
  user?: string;
  from?: Date;
  to?: Date;
  format: 'csv' | 'json';
  operator: string;
  reason: AccessReason;
  reasonText?: string;
}

function reportCommand(): Command {
  return new Command('report')
    .description('who accessed a child, or what a user did, from the audit trail (recorded in the trail)')
    .addOption(
      new Option('--child <id>', 'entries about this child').argParser(parseChildId).conflicts('user'),
    )
    .addOption(new Option('--user <id>', 'entries by this user, operator or system account'))
    .addOption(
      new Option('--from <date>', 'from this UTC day or instant').argParser((v) => parseInstant(v, false)),
    )
    .addOption(
      new Option('--to <date>', 'up to the end of this UTC day, or this instant').argParser((v) =>
        parseInstant(v, true),
      ),
    )
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .addOption(
      new Option('--operator <name>', 'who asks, recorded in the trail')
        .argParser(parseOperator)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--reason <reason>', 'why (recorded)').choices(ACCESS_REASONS).makeOptionMandatory(),
    )
    .option('--reason-text <text>', 'a note on the reason (recorded)')
    .action(async (options: ReportOptions) => {
      const subject: ReportSubject | undefined =
        options.child !== undefined
          ? { childId: options.child }
          : options.user !== undefined
            ? { userId: options.user }
            : undefined;
      if (subject === undefined) throw new UsageError('give --child ID or --user ID');
      const requester = {
        actor: operator(options.operator),
        reason: options.reason,
        ...(options.reasonText === undefined ? {} : { reasonText: options.reasonText }),
      };
      const range = {
        ...(options.from === undefined ? {} : { from: options.from }),
        ...(options.to === undefined ? {} : { to: options.to }),
      };
      let count = 0;
      await withAuditService(async (audit) => {
        if (options.format === 'csv') await write(stringify([[...COLUMNS]]));
        else await write('[');
        for await (const page of audit.reports.stream(requester, subject, range)) {
          const rows = page.map(exportable);
          if (options.format === 'csv') {
            await write(stringify(rows.map((row) => COLUMNS.map((column) => csvCell(row[column])))));
          } else {
            await write(
              rows.map((row, i) => `${count + i === 0 ? '' : ','}\n${JSON.stringify(row)}`).join(''),
            );
          }
          count += rows.length;
        }
        if (options.format === 'json') await write(count === 0 ? ']\n' : '\n]\n');
      });
      process.stderr.write(`${plural(count, 'entry', 'entries')}\n`);
    });
}

export function auditCommand(): Command {
  return new Command('audit')
    .description('verify the audit trail and report from it')
    .addCommand(verifyCommand())
    .addCommand(reportCommand());
}
