import type { FastifyError, FastifyInstance } from 'fastify';
import type { Environment } from '../config.ts';
import { AppError, ERROR_CATALOGUE, type ErrorCode } from './errors.ts';

interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

// Statuses the framework itself answers with (a body over a route's limit, a type no parser reads).
const CLIENT_ERROR_CODES: Partial<Record<number, ErrorCode>> = {
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** One place maps every failure to a coded response; internals stay in the log. */
export function registerErrorHandler(app: FastifyInstance, environment: Environment): void {
  app.setErrorHandler<FastifyError | AppError>((error, request, reply) => {
    let code: ErrorCode;
    let message: string;
    if (error instanceof AppError) {
      code = error.code;
      message = error.detail ?? ERROR_CATALOGUE[code].message;
    } else if ('validation' in error && error.validation !== undefined) {
      code = 'BAD_REQUEST';
      message = error.message;
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      code = CLIENT_ERROR_CODES[error.statusCode] ?? 'BAD_REQUEST';
      message = environment === 'production' ? ERROR_CATALOGUE[code].message : error.message;
    } else {
      code = 'INTERNAL';
      message = ERROR_CATALOGUE.INTERNAL.message;
      request.log.error({ err: error }, 'unhandled error');
    }
    const body: ErrorBody = { error: { code, message, requestId: request.id } };
    return reply.status(ERROR_CATALOGUE[code].status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: { code: 'NOT_FOUND', message: ERROR_CATALOGUE.NOT_FOUND.message, requestId: request.id },
    };
    return reply.status(404).send(body);
  });
}
