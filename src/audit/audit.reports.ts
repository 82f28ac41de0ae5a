import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AuditError } from './audit.errors.ts';
import {
  isUuid,
  type AuditActor,
  type AuditEntry,
  type AuditPosition,
  type JsonObject,
} from './audit.model.ts';
import { recordAudit } from './audit.record.ts';
import { findEntries, type EntrySubject } from './audit.repository.ts';
import type { AccessReason } from './audit.vocabulary.ts';

/** Who is asking for a report and why: reading the trail is itself recorded in it. */
export interface ReportRequester {
  readonly actor: AuditActor;
  readonly reason: AccessReason;
  readonly reasonText?: string;
  readonly requestId?: string;
}

export interface ReportRange {
  /** Inclusive. */
  readonly from?: Date;
  /** Exclusive. */
  readonly to?: Date;
}

export interface ReportQuery extends ReportRange {
  /** The `next` of the previous page. */
  readonly after?: string;
  /** At most MAX_PAGE_SIZE; DEFAULT_PAGE_SIZE when absent. */
  readonly limit?: number;
}

export interface ReportPage {
  readonly entries: AuditEntry[];
  /** Pass as `after` for the next page; undefined on the last. */
  readonly next: string | undefined;
}

export type ReportSubject = { readonly childId: string } | { readonly userId: string };

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1_000;

function refuse(message: string): never {
  throw new AuditError('INVALID_QUERY', message);
}

/**
 * Where the next page starts, and where the report ends: fixed by the first page, so entries
 * recorded while paging (each page's own among them) cannot keep the report from ending.
 */
export interface ReportCursor extends AuditPosition {
  readonly until: Date;
}

/** An opaque page position: base64url of 'at|chain|seq|until'. */
export function encodeCursor(cursor: ReportCursor): string {
  const text = `${cursor.at.toISOString()}|${cursor.chainId}|${cursor.seq}|${cursor.until.toISOString()}`;
  return Buffer.from(text).toString('base64url');
}

export function decodeCursor(text: string): ReportCursor {
  const [at, chainId, seq, until, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const cursor = {
    at: new Date(at ?? ''),
    chainId: Number(chainId),
    seq: Number(seq),
    until: new Date(until ?? ''),
  };
  if (
    rest.length > 0 ||
    Number.isNaN(cursor.at.getTime()) ||
    Number.isNaN(cursor.until.getTime()) ||
    !Number.isInteger(cursor.chainId) ||
    !Number.isSafeInteger(cursor.seq)
  ) {
    refuse('the page cursor is not valid');
  }
  return cursor;
}

/**
 * The report's end (exclusive): its `to`, but never past the current millisecond, so the report does
 * not grow while it is read. Waiting for that millisecond to pass (at most one) puts every entry
 * written from now on, the report's own included, after the end, whatever the timing.
 */
function endOf(range: ReportRange): Date {
  const now = Date.now();
  while (Date.now() <= now) {
    // spin: at most one millisecond
  }
  const end = new Date(now + 1);
  return range.to !== undefined && range.to < end ? range.to : end;
}

function checkedSubject(subject: ReportSubject): EntrySubject {
  if ('childId' in subject) {
    if (!isUuid(subject.childId)) refuse('the child id must be a ContactPoint record id (uuid)');
    return { childId: subject.childId.toLowerCase() };
  }
  if (subject.userId.trim() === '') refuse('the user id is required');
  return { actor: subject.userId };
}

function checkedRange(range: ReportRange): void {
  for (const date of [range.from, range.to]) {
    if (date !== undefined && Number.isNaN(date.getTime())) refuse('the range has an invalid date');
  }
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) {
    refuse('the range must start before it ends');
  }
}

function reportEntry(by: ReportRequester, subject: EntrySubject, details: JsonObject) {
  return {
    actor: by.actor,
    action: 'audit.report',
    outcome: 'success',
    reason: by.reason,
    ...(by.reasonText === undefined ? {} : { reasonText: by.reasonText }),
    ...(by.requestId === undefined ? {} : { requestId: by.requestId }),
    ...('childId' in subject
      ? { childId: subject.childId, details: { report: 'who-accessed-child', ...details } }
      : { target: `actor:${subject.actor}`, details: { report: 'what-did-actor-do', ...details } }),
  } as const;
}

function rangeDetails(range: ReportRange): JsonObject {
  return {
    from: range.from?.toISOString() ?? null,
    to: range.to?.toISOString() ?? null,
  };
}

/**
 * One page of the entries about a child, or by a user, oldest first. The request is recorded in the
 * same transaction: if it cannot be recorded, nothing is returned.
 */
export async function auditReportPage(
  db: Kysely<Database>,
  by: ReportRequester,
  subject: ReportSubject,
  query: ReportQuery = {},
): Promise<ReportPage> {
  const filter = checkedSubject(subject);
  checkedRange(query);
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    refuse(`the page size must be from 1 to ${MAX_PAGE_SIZE}`);
  }
  const after = query.after === undefined ? undefined : decodeCursor(query.after);
  const until = after?.until ?? endOf(query);
  return db.transaction().execute(async (trx) => {
    // One more than asked for tells whether there is a next page.
    const found = await findEntries(trx, filter, { from: query.from, to: until, after, limit: limit + 1 });
    const entries = found.slice(0, limit);
    const last = entries.at(-1);
    await recordAudit(
      trx,
      reportEntry(by, filter, {
        ...rangeDetails({ from: query.from, to: until }),
        after: query.after ?? null,
        returned: entries.length,
      }),
    );
    const next = found.length > limit && last !== undefined ? encodeCursor({ ...last, until }) : undefined;
    return { entries, next };
  });
}

/** Who accessed a child: every entry naming the child (searches that listed it are not attributed). */
export function whoViewedChild(
  db: Kysely<Database>,
  by: ReportRequester,
  childId: string,
  query: ReportQuery = {},
): Promise<ReportPage> {
  return auditReportPage(db, by, { childId }, query);
}

/** What a user (or operator, or system account) did. */
export function whatDidUser(
  db: Kysely<Database>,
  by: ReportRequester,
  userId: string,
  query: ReportQuery = {},
): Promise<ReportPage> {
  return auditReportPage(db, by, { userId }, query);
}

/**
 * The whole report, for export: recorded once, before the first entry is read, then read a page at a
 * time so any length fits in bounded memory.
 */
export async function* streamAuditReport(
  db: Kysely<Database>,
  by: ReportRequester,
  subject: ReportSubject,
  range: ReportRange = {},
  pageSize = MAX_PAGE_SIZE,
): AsyncGenerator<AuditEntry[], void, undefined> {
  const filter = checkedSubject(subject);
  checkedRange(range);
  const until = endOf(range);
  const own = await db
    .transaction()
    .execute((trx) =>
      recordAudit(
        trx,
        reportEntry(by, filter, { ...rangeDetails({ from: range.from, to: until }), whole: true }),
      ),
    );
  // The report's own entry may fall in its last millisecond; it is not part of what was asked for.
  const isOwn = (entry: AuditEntry) => entry.chainId === own.chainId && entry.seq === own.seq;
  let after: AuditPosition | undefined;
  for (;;) {
    const entries = await findEntries(db, filter, { from: range.from, to: until, after, limit: pageSize });
    const shown = entries.filter((entry) => !isOwn(entry));
    if (shown.length > 0) yield shown;
    after = entries.at(-1);
    if (entries.length < pageSize || after === undefined) return;
  }
}
