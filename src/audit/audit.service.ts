import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { AuditActor, AuditEntryInput } from './audit.model.ts';
import { recordAudit, recordAudits, type AuditRef } from './audit.record.ts';
import {
  streamAuditReport,
  whatDidUser,
  whoViewedChild,
  type ReportQuery,
  type ReportRange,
  type ReportRequester,
  type ReportSubject,
} from './audit.reports.ts';
import { describeBreak, verifyAuditTrail, type VerifyOptions, type VerifyResult } from './audit.verify.ts';

/** The audit trail as the rest of ContactPoint uses it. */
export function createAuditService(db: Kysely<Database>) {
  return {
    /**
     * Records in a transaction of its own: for refusals and failures, whose own transaction rolls
     * back. A change records with `recordIn`, in its transaction.
     */
    record(entry: AuditEntryInput): Promise<AuditRef> {
      return db.transaction().execute((trx) => recordAudit(trx, entry));
    },

    /** Records in the caller's transaction, so the entry commits or rolls back with the change. */
    recordIn(
      trx: Transaction<Database>,
      entry: AuditEntryInput | readonly AuditEntryInput[],
    ): Promise<AuditRef[]> {
      return recordAudits(trx, Array.isArray(entry) ? entry : [entry as AuditEntryInput]);
    },

    /** Verifies the whole trail, and records that it was verified and what was found. */
    async verify(by: AuditActor, options: VerifyOptions = {}): Promise<VerifyResult> {
      const result = await verifyAuditTrail(db, options);
      await db.transaction().execute((trx) =>
        recordAudit(trx, {
          actor: by,
          action: 'audit.verify',
          outcome: result.ok ? 'success' : 'failure',
          details: {
            entries: result.entries,
            chains: result.chains,
            broken: result.ok ? null : describeBreak(result.broken),
          },
        }),
      );
      return result;
    },

    reports: {
      whoViewedChild: (by: ReportRequester, childId: string, query?: ReportQuery) =>
        whoViewedChild(db, by, childId, query),
      whatDidUser: (by: ReportRequester, userId: string, query?: ReportQuery) =>
        whatDidUser(db, by, userId, query),
      stream: (by: ReportRequester, subject: ReportSubject, range?: ReportRange) =>
        streamAuditReport(db, by, subject, range),
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
