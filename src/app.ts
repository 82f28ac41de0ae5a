import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAccessRoutes } from './access/access.routes.ts';
import { registerAuthentication } from './access/authenticate.ts';
import { registerAuditRoutes } from './audit/audit.routes.ts';
import { registerChildRoutes } from './children/child.routes.ts';
import { registerReviewRoutes } from './resolution/review.routes.ts';
import { registerFeedRoutes } from './ingest/feed.routes.ts';
import type { Services } from './services.ts';
import { registerErrorHandler } from './web/error-handler.ts';
import { registerHealthRoutes } from './web/health.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the HTTP application; it never listens, so tests drive it with inject(). */
export async function createApp(services: Services): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.logger,
    // A caller's request id is kept for tracing across systems only when it is well formed.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    bodyLimit: 1_048_576,
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  registerErrorHandler(app, services.config.environment);
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  // Before any route: it adds `authenticate` and the CSRF check every state-changing request passes.
  const sessionCookie = registerAuthentication(app, {
    sessions: services.access.sessions,
    tokens: services.access.tokens,
    access: services.config.access,
  });
  registerHealthRoutes(app, services);
  await registerAccessRoutes(app, {
    ...services.access,
    access: services.config.access,
    cookie: sessionCookie,
  });
  await registerChildRoutes(app, services);
  await registerReviewRoutes(app, services);
  await registerAuditRoutes(app, services);
  await registerFeedRoutes(app, services);
  await app.ready();
  return app;
}
