import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.ts';

const statusSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, database: { type: 'string' } },
  required: ['status'],
} as const;

/** Liveness says the process answers; readiness says it can reach its database. */
export function registerHealthRoutes(app: FastifyInstance, services: Services): void {
  app.get('/health', { schema: { response: { 200: statusSchema } }, logLevel: 'warn' }, () => ({
    status: 'ok',
  }));
  app.get(
    '/ready',
    { schema: { response: { 200: statusSchema, 503: statusSchema } }, logLevel: 'warn' },
    async (_request, reply) => {
      const reachable = await services.database.ping();
      return reply
        .status(reachable ? 200 : 503)
        .send({ status: reachable ? 'ready' : 'unavailable', database: services.database.engine });
    },
  );
}
