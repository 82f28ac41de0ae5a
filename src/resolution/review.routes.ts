import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePrincipal } from '../access/authenticate.ts';
import { ChildAccessError, type ChildAccessErrorCode } from '../access/policy/child-access.errors.ts';
import { ChildRecordError, type ChildRecordErrorCode } from '../children/child.errors.ts';
import { AppError, type ErrorCode } from '../web/errors.ts';
import {
  MAX_REVIEW_PAGE,
  REVIEW_NOT_FOUND_MESSAGE,
  type ReviewActor,
  type ReviewService,
  type ReviewVerdict,
} from './review.service.ts';

export interface ReviewRouteDeps {
  readonly reviews: ReviewService;
}

const ACCESS_CODES: Record<ChildAccessErrorCode, ErrorCode> = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  INVALID_INPUT: 'BAD_REQUEST',
  RATE_LIMITED: 'RATE_LIMITED',
  CONFLICT: 'CONFLICT',
};

const RECORD_CODES: Record<ChildRecordErrorCode, ErrorCode> = {
  INVALID_IDENTIFIER: 'BAD_REQUEST',
  INVALID_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID_STATE: 'CONFLICT',
};

function webError(error: unknown): unknown {
  if (error instanceof ChildAccessError) {
    // Every "not found" reads the same, whatever the rule behind it.
    return new AppError(
      ACCESS_CODES[error.code],
      error.code === 'NOT_FOUND' ? REVIEW_NOT_FOUND_MESSAGE : error.message,
    );
  }
  if (error instanceof ChildRecordError) {
    return new AppError(
      RECORD_CODES[error.code],
      error.code === 'NOT_FOUND' ? REVIEW_NOT_FOUND_MESSAGE : error.message,
    );
  }
  return error;
}

// ---- schemas -------------------------------------------------------------------------------------

const nullableText = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

const summaryProperties = {
  id: { type: 'integer' },
  kind: { type: 'string' },
  createdAt: { type: 'string' },
  weight: { type: 'number' },
  probability: { type: 'number' },
  reason: { type: 'string' },
  shielded: { type: 'boolean' },
  responsibleLa: nullableText,
} as const;

const values = {
  type: 'object',
  properties: {
    forename: { type: 'string' },
    surname: { type: 'string' },
    dateOfBirth: { type: 'string' },
    gender: { type: 'string' },
    address: { type: 'string' },
    town: { type: 'string' },
    postcode: { type: 'string' },
    region: { type: 'string' },
    nhsNumber: { type: 'string' },
    upn: { type: 'string' },
    otherIdentifier: { type: 'string' },
  },
} as const;

/** The response schemas are also a last guard: a member not listed here is never sent. */
const reviewView = {
  type: 'object',
  properties: {
    ...summaryProperties,
    status: { type: 'string' },
    decidedAt: nullableText,
    decidedBy: nullableText,
    explanation: {
      type: 'object',
      properties: {
        priorWeight: { type: 'number' },
        weight: { type: 'number' },
        probability: { type: 'number' },
        decision: { type: 'string' },
        veto: {
          type: ['object', 'null'],
          properties: { rule: { type: 'string' }, reason: { type: 'string' } },
        },
        deterministic: nullableText,
        hold: nullableText,
        scoredUnder: { type: 'string', enum: ['another-name', 'another-postcode'] },
        steps: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              comparison: { type: 'string' },
              level: { type: 'integer' },
              label: { type: 'string' },
              m: nullableNumber,
              u: nullableNumber,
              weight: { type: 'number' },
              termFrequencyAdjustment: { type: 'number' },
              cumulative: { type: 'number' },
            },
          },
        },
      },
    },
    row: {
      type: ['object', 'null'],
      properties: {
        id: { type: 'integer' },
        sourceName: { type: 'string' },
        batchId: { type: 'integer' },
        values,
      },
    },
    children: {
      type: 'array',
      items: {
        type: 'object',
        properties: { contactPointId: nullableText, restricted: { type: 'boolean' }, values },
      },
    },
  },
} as const;

const reviewParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

// ---- routes --------------------------------------------------------------------------------------

/**
 * The clerical review queue for signed-in users. Who may see and decide which review is the review
 * policy's (src/resolution/review.policy.ts), applied in the service; every read and decision is
 * audited there. The decision is a state-changing request, so the CSRF check every cookie-carrying
 * POST passes applies to it.
 */
export async function registerReviewRoutes(app: FastifyInstance, deps: ReviewRouteDeps): Promise<void> {
  const { reviews } = deps;

  await app.register((scope, _options, done) => {
    scope.setErrorHandler((error) => {
      throw webError(error);
    });
    // The values of children: never kept by a browser or a proxy.
    scope.addHook('onSend', (_request, reply, payload, done) => {
      void reply.header('cache-control', 'no-store');
      done(null, payload);
    });
    const signedIn = { onRequest: [scope.authenticate] };
    const actorOf = (request: FastifyRequest): ReviewActor => ({
      kind: 'user',
      principal: requirePrincipal(request),
    });

    scope.get<{ Querystring: { after?: number; limit?: number } }>(
      '/api/reviews',
      {
        ...signedIn,
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              after: { type: 'integer', minimum: 0 },
              limit: { type: 'integer', minimum: 1, maximum: MAX_REVIEW_PAGE },
            },
          },
          response: {
            200: {
              type: 'object',
              properties: {
                reviews: { type: 'array', items: { type: 'object', properties: summaryProperties } },
                next: { type: 'integer' },
              },
            },
          },
        },
      },
      async (request) => {
        const { after, limit } = request.query;
        return reviews.list(
          actorOf(request),
          { ...(after === undefined ? {} : { after }), ...(limit === undefined ? {} : { limit }) },
          request.id,
        );
      },
    );

    scope.get<{ Params: { id: number } }>(
      '/api/reviews/:id',
      { ...signedIn, schema: { params: reviewParams, response: { 200: reviewView } } },
      async (request) => reviews.show(actorOf(request), request.params.id, request.id),
    );

    scope.post<{ Params: { id: number }; Body: { decision: ReviewVerdict; reason: string } }>(
      '/api/reviews/:id/decision',
      {
        ...signedIn,
        schema: {
          params: reviewParams,
          body: {
            type: 'object',
            required: ['decision', 'reason'],
            additionalProperties: false,
            properties: {
              decision: { type: 'string', enum: ['link', 'not_a_match'] },
              reason: { type: 'string', minLength: 1, maxLength: 500 },
            },
          },
          response: {
            200: {
              type: 'object',
              properties: {
                id: { type: 'integer' },
                status: { type: 'string' },
                outcome: { type: 'string' },
                createdContactPointId: nullableText,
              },
            },
          },
        },
      },
      async (request) =>
        reviews.decide(
          actorOf(request),
          request.params.id,
          { decision: request.body.decision, reason: request.body.reason },
          request.id,
        ),
    );
    done();
  });
}
