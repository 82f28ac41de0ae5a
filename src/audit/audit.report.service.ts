import type { Kysely } from 'kysely';
import { actorOf } from '../access/access-audit.ts';
import type { Principal } from '../access/access.model.ts';
import { findByContactPointId } from '../children/child.repository.ts';
import { validateContactPointId } from '../children/identifiers/contactpoint-id.ts';
import type { Database } from '../db/schema.ts';
import { AuditError } from './audit.errors.ts';
import type { AuditActor } from './audit.model.ts';
import { recordAudit } from './audit.record.ts';
import { whatDidUser, whoViewedChild, type ReportPage, type ReportQuery } from './audit.reports.ts';
import type { AccessReason } from './audit.vocabulary.ts';

/** What an auditor gives with a report request: why, and which part of the trail. */
export interface ReportRequest extends ReportQuery {
  readonly reason: AccessReason;
  readonly reasonText?: string;
}

/**
 * The audit reports as signed-in users ask for them: auditors only, with a reason, about a child
 * named by ContactPoint ID or about a user. A refused request is recorded as well, since someone
 * trying to read the trail is itself what the trail must show; a granted one is recorded by the
 * report (src/audit/audit.reports.ts), in the transaction that reads it.
 */
export function createAuditReportService(deps: { readonly db: Kysely<Database> }) {
  const { db } = deps;

  async function refuse(
    actor: AuditActor,
    outcome: 'denied' | 'failure',
    target: string,
    request: ReportRequest,
    requestId: string | undefined,
    error: AuditError,
  ): Promise<never> {
    await db.transaction().execute((trx) =>
      recordAudit(trx, {
        actor,
        action: 'audit.report',
        outcome,
        target,
        reason: request.reason,
        ...(request.reasonText === undefined ? {} : { reasonText: request.reasonText }),
        ...(requestId === undefined ? {} : { requestId }),
        details: { rule: error.code === 'FORBIDDEN' ? 'audit.report-role' : error.code },
      }),
    );
    throw error;
  }

  function checkRole(principal: Principal): AuditError | null {
    return principal.roles.includes('auditor')
      ? null
      : new AuditError('FORBIDDEN', 'Only auditors may read the audit trail');
  }

  function requester(actor: AuditActor, request: ReportRequest, requestId: string | undefined) {
    return {
      actor,
      reason: request.reason,
      ...(request.reasonText === undefined ? {} : { reasonText: request.reasonText }),
      ...(requestId === undefined ? {} : { requestId }),
    };
  }

  function query(request: ReportRequest): ReportQuery {
    const { from, to, after, limit } = request;
    return {
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(after === undefined ? {} : { after }),
      ...(limit === undefined ? {} : { limit }),
    };
  }

  return {
    /** Who accessed a child: every entry naming the child, oldest first, a page at a time. */
    async aboutChild(
      principal: Principal,
      contactPointId: string,
      request: ReportRequest,
      requestId?: string,
    ): Promise<ReportPage> {
      const actor = actorOf({ kind: 'user', principal });
      const target = `contactpoint:${contactPointId.slice(0, 20)}`;
      const refusal = checkRole(principal);
      if (refusal !== null) return refuse(actor, 'denied', target, request, requestId, refusal);
      const valid = validateContactPointId(contactPointId);
      const child = valid.ok ? await findByContactPointId(db, valid.value) : undefined;
      if (child === undefined) {
        const missing = new AuditError('NOT_FOUND', 'There is no record with that ContactPoint ID');
        return refuse(actor, 'failure', target, request, requestId, missing);
      }
      return whoViewedChild(db, requester(actor, request, requestId), child.id, query(request));
    },

    /** What a user (or operator, or system account, by the id the trail names them with) did. */
    async byUser(
      principal: Principal,
      userId: string,
      request: ReportRequest,
      requestId?: string,
    ): Promise<ReportPage> {
      const actor = actorOf({ kind: 'user', principal });
      const refusal = checkRole(principal);
      if (refusal !== null) {
        return refuse(actor, 'denied', `actor:${userId.slice(0, 190)}`, request, requestId, refusal);
      }
      return whatDidUser(db, requester(actor, request, requestId), userId, query(request));
    },
  };
}

export type AuditReportService = ReturnType<typeof createAuditReportService>;
