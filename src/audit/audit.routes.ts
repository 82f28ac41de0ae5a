import type { FastifyInstance } from 'fastify';
import { requirePrincipal } from '../access/authenticate.ts';
import { USER_ACCESS_REASONS } from '../access/policy/policy.ts';
import { AppError, type ErrorCode } from '../web/errors.ts';
import { AuditError, type AuditErrorCode } from './audit.errors.ts';
import type { AuditEntry } from './audit.model.ts';
import type { AuditReportService, ReportRequest } from './audit.report.service.ts';
import { MAX_PAGE_SIZE } from './audit.reports.ts';
import type { AccessReason } from './audit.vocabulary.ts';

export interface AuditRouteDeps {
  readonly auditReports: AuditReportService;
}

const AUDIT_CODES: Record<AuditErrorCode, ErrorCode> = {
  INVALID_ENTRY: 'BAD_REQUEST',
  INVALID_QUERY: 'BAD_REQUEST',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  TRAIL_BROKEN: 'INTERNAL',
};

function webError(error: unknown): unknown {
  return error instanceof AuditError ? new AppError(AUDIT_CODES[error.code], error.message) : error;
}

// ---- schemas -------------------------------------------------------------------------------------

const nullableText = { type: ['string', 'null'] } as const;

interface ReportQuerystring {
  reason: AccessReason;
  reasonText?: string;
  from?: string;
  to?: string;
  after?: string;
  limit?: number;
}

const reportQuerystring = {
  type: 'object',
  required: ['reason'],
  properties: {
    reason: { type: 'string', enum: USER_ACCESS_REASONS },
    reasonText: { type: 'string', maxLength: 1000 },
    from: { type: 'string', maxLength: 40 },
    to: { type: 'string', maxLength: 40 },
    after: { type: 'string', maxLength: 200 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
  },
} as const;

/** The response schema is also a last guard: the entries' hashes and anything unlisted stay here. */
const reportPage = {
  type: 'object',
  properties: {
    entries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          at: { type: 'string' },
          action: { type: 'string' },
          outcome: { type: 'string' },
          actorType: { type: 'string' },
          actor: { type: 'string' },
          role: nullableText,
          organisation: nullableText,
          childId: nullableText,
          target: nullableText,
          reason: nullableText,
          reasonText: nullableText,
          requestId: nullableText,
          details: { type: 'object', additionalProperties: true },
        },
      },
    },
    next: nullableText,
  },
} as const;

/** A date the service checks: one that does not parse reaches it as an invalid date and is refused. */
function date(text: string | undefined): Date | undefined {
  return text === undefined ? undefined : new Date(text);
}

function reportRequest(query: ReportQuerystring): ReportRequest {
  const { reason, reasonText, from, to, after, limit } = query;
  return {
    reason,
    ...(reasonText === undefined || reasonText.trim() === '' ? {} : { reasonText }),
    ...(from === undefined ? {} : { from: date(from) }),
    ...(to === undefined ? {} : { to: date(to) }),
    ...(after === undefined ? {} : { after }),
    ...(limit === undefined ? {} : { limit }),
  };
}

function pageView(page: { entries: AuditEntry[]; next: string | undefined }) {
  return {
    entries: page.entries.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
    next: page.next ?? null,
  };
}

// ---- routes --------------------------------------------------------------------------------------

/**
 * Audit reports for auditors: who accessed a child, and what a user did. Each needs a reason from
 * the closed list; asking is recorded in the trail whether it is granted or refused.
 */
export async function registerAuditRoutes(app: FastifyInstance, deps: AuditRouteDeps): Promise<void> {
  const { auditReports } = deps;
  await app.register((scope, _options, done) => {
    scope.setErrorHandler((error) => {
      throw webError(error);
    });
    // The trail names children and users: never kept by a browser or a proxy.
    scope.addHook('onSend', (_request, reply, payload, done) => {
      void reply.header('cache-control', 'no-store');
      done(null, payload);
    });
    const signedIn = { onRequest: [scope.authenticate] };

    scope.get<{ Params: { contactPointId: string }; Querystring: ReportQuerystring }>(
      '/api/audit/child/:contactPointId',
      {
        ...signedIn,
        schema: {
          params: {
            type: 'object',
            required: ['contactPointId'],
            properties: { contactPointId: { type: 'string', minLength: 1, maxLength: 20 } },
          },
          querystring: reportQuerystring,
          response: { 200: reportPage },
        },
      },
      async (request) =>
        pageView(
          await auditReports.aboutChild(
            requirePrincipal(request),
            request.params.contactPointId,
            reportRequest(request.query),
            request.id,
          ),
        ),
    );

    scope.get<{ Params: { userId: string }; Querystring: ReportQuerystring }>(
      '/api/audit/user/:userId',
      {
        ...signedIn,
        schema: {
          params: {
            type: 'object',
            required: ['userId'],
            properties: { userId: { type: 'string', minLength: 1, maxLength: 190 } },
          },
          querystring: reportQuerystring,
          response: { 200: reportPage },
        },
      },
      async (request) =>
        pageView(
          await auditReports.byUser(
            requirePrincipal(request),
            request.params.userId,
            reportRequest(request.query),
            request.id,
          ),
        ),
    );
    done();
  });
}
