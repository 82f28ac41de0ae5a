import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePrincipal, requireRole } from '../access/authenticate.ts';
import { AppError, type ErrorCode } from '../web/errors.ts';
import { FeedError, type FeedErrorCode } from './feed.errors.ts';
import type { BatchCounts } from './feed.repository.ts';
import type { FeedCaller, FeedService } from './feed.service.ts';

export interface FeedRouteDeps {
  readonly feeds: FeedService;
}

const WEB_CODE: Record<FeedErrorCode, ErrorCode> = {
  NOT_FOUND: 'NOT_FOUND',
  INVALID_INPUT: 'BAD_REQUEST',
  TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FORBIDDEN: 'FORBIDDEN',
};

/** Refused before the body is read: the rest of it is not read either, so the connection cannot be reused. */
const BODY_LEFT_UNREAD: ReadonlySet<FeedErrorCode> = new Set(['TOO_LARGE', 'FORBIDDEN']);

function callerOf(request: FastifyRequest): FeedCaller {
  return { account: requirePrincipal(request), token: request.apiToken };
}

const countsSchema = {
  type: 'object',
  properties: {
    batchId: { type: 'integer' },
    source: { type: 'string' },
    status: { type: 'string' },
    receivedAt: { type: 'string', format: 'date-time' },
    completedAt: { type: ['string', 'null'], format: 'date-time' },
    rows: { type: 'integer' },
    accepted: { type: 'integer' },
    quarantined: { type: 'integer' },
    linked: { type: 'integer' },
    created: { type: 'integer' },
    review: { type: 'integer' },
    waiting: { type: 'integer' },
  },
} as const;

const submissionSchema = {
  type: 'object',
  properties: {
    ...countsSchema.properties,
    outcome: { type: 'string', enum: ['imported', 'already-imported'] },
    checksum: { type: 'string' },
  },
} as const;

function countsView(batch: BatchCounts) {
  return {
    batchId: batch.id,
    source: batch.source,
    status: batch.status,
    receivedAt: batch.receivedAt,
    completedAt: batch.completedAt,
    rows: batch.rows,
    accepted: batch.accepted,
    quarantined: batch.quarantined,
    ...batch.resolution,
  };
}

/**
 * The feed API: a system account posts a batch of a declared source its token was issued for, as
 * CSV, and reads back the counts of the batches it posted of those sources. People's sessions are
 * refused: feeds come from systems.
 */
export async function registerFeedRoutes(app: FastifyInstance, deps: FeedRouteDeps): Promise<void> {
  const { feeds } = deps;

  await app.register((scope, _options, done) => {
    scope.setErrorHandler((error, _request, reply) => {
      if (!(error instanceof FeedError)) throw error;
      if (BODY_LEFT_UNREAD.has(error.code)) void reply.header('connection', 'close');
      throw new AppError(WEB_CODE[error.code], error.message);
    });
    scope.addHook('onSend', (_request, reply, payload, done) => {
      void reply.header('cache-control', 'no-store');
      done(null, payload);
    });

    // The body is handed over unread, as a stream: the service spools it to disk under its own
    // limit, after the caller has been authenticated, so nothing is buffered or read for a stranger.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('text/csv', (_request, payload, done) => {
      done(null, payload);
    });

    const feedAccount = { preHandler: [scope.authenticate, requireRole('feed')] };

    scope.post<{ Params: { source: string } }>(
      '/api/feeds/:source/batches',
      {
        ...feedAccount,
        bodyLimit: feeds.maxBatchBytes,
        schema: {
          params: {
            type: 'object',
            required: ['source'],
            properties: { source: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' } },
          },
          response: { 200: submissionSchema, 201: submissionSchema },
        },
      },
      async (request, reply) => {
        if (!(request.body instanceof Readable)) {
          throw new AppError('BAD_REQUEST', 'Send the batch as the request body, of type text/csv');
        }
        const length = request.headers['content-length'];
        const submission = await feeds.submit(callerOf(request), {
          source: request.params.source,
          body: request.body,
          ...(length === undefined ? {} : { declaredBytes: Number(length) }),
          requestId: request.id,
        });
        return reply.status(submission.created ? 201 : 200).send({
          ...countsView(submission.batch),
          outcome: submission.created ? 'imported' : 'already-imported',
          checksum: submission.checksum,
        });
      },
    );

    scope.get<{ Params: { id: number } }>(
      '/api/feeds/batches/:id',
      {
        ...feedAccount,
        schema: {
          params: {
            type: 'object',
            required: ['id'],
            properties: { id: { type: 'integer', minimum: 1, maximum: 9_007_199_254_740_991 } },
          },
          response: { 200: countsSchema },
        },
      },
      async (request) => countsView(await feeds.batch(callerOf(request), request.params.id)),
    );
    done();
  });
}
