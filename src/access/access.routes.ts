import rateLimit from '@fastify/rate-limit';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessConfig } from '../config.ts';
import { AppError, type ErrorCode } from '../web/errors.ts';
import { ORGANISATION_KINDS, ROLES, normaliseUsername, type Actor } from './access.model.ts';
import { AccessError, type AccessErrorCode } from './access.errors.ts';
import {
  csrfTokenOf,
  requirePrincipal,
  requireRole,
  sessionTokenOf,
  type SessionCookie,
} from './authenticate.ts';
import { sha256Hex } from './secrets.ts';
import type { IssuedSession } from './session.service.ts';
import type { SignInService } from './sign-in.service.ts';
import type { TokenService, TokenView } from './token.service.ts';
import type { UserService } from './user.service.ts';

export interface AccessRouteDeps {
  readonly users: UserService;
  readonly signIn: SignInService;
  readonly tokens: TokenService;
  readonly access: AccessConfig;
  readonly cookie: SessionCookie;
}

const WEB_CODE: Record<AccessErrorCode, ErrorCode> = {
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  INVALID_SECOND_FACTOR: 'INVALID_SECOND_FACTOR',
  LOCKED: 'LOCKED',
  ACCOUNT_UNAVAILABLE: 'ACCOUNT_UNAVAILABLE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  INVALID_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
};

// ---- schemas -------------------------------------------------------------------------------------

const isoDate = { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const uuid = { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;

const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    email: { type: ['string', 'null'] },
    phone: { type: ['string', 'null'] },
    roles: { type: 'array', items: { type: 'string' } },
    organisationId: { type: 'string' },
    localAuthority: { type: ['string', 'null'] },
    status: { type: 'string' },
    statusReason: { type: ['string', 'null'] },
    enhancedCheckDate: { type: ['string', 'null'] },
    trainingCompletedDate: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    lastActiveAt: { type: 'string', format: 'date-time' },
    lastSignInAt: { type: ['string', 'null'], format: 'date-time' },
    hasPassword: { type: 'boolean' },
  },
} as const;

const tokenSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    userId: { type: 'string' },
    name: { type: 'string' },
    sources: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string', format: 'date-time' },
    createdBy: { type: ['string', 'null'] },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const organisationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    localAuthority: { type: ['string', 'null'] },
  },
} as const;

const signInStepSchema = {
  type: 'object',
  properties: {
    status: {
      type: 'string',
      enum: ['second-factor-required', 'enrolment-required', 'signed-in', 'registered'],
    },
    methods: { type: 'array', items: { type: 'string' } },
    csrfToken: { type: 'string' },
  },
} as const;

/** WebAuthn responses are checked field by field by @simplewebauthn; here only their outline. */
const webauthnResponse = {
  type: 'object',
  required: ['id', 'rawId', 'type', 'response'],
  properties: {
    id: { type: 'string', maxLength: 1400 },
    rawId: { type: 'string', maxLength: 1400 },
    type: { type: 'string' },
    response: { type: 'object' },
    clientExtensionResults: { type: 'object' },
    authenticatorAttachment: { type: 'string' },
  },
} as const;

const emptyBody = { type: ['object', 'null'], properties: {} } as const;

// ---- helpers -------------------------------------------------------------------------------------

function actorOf(request: FastifyRequest): Actor {
  return { kind: 'user', principal: requirePrincipal(request) };
}

function tokenView(token: TokenView) {
  return {
    id: token.id,
    userId: token.userId,
    name: token.name,
    sources: token.sources,
    createdAt: token.createdAt,
    createdBy: token.createdBy,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
  };
}

/**
 * Sign-in routes are limited per network address and per account (the name typed, or the half-made
 * session), on top of the lockout. Both limiters are shared by every sign-in route.
 */
async function signInLimits(scope: FastifyInstance, access: AccessConfig, cookie: SessionCookie) {
  await scope.register(rateLimit, { global: false });
  const perAddress = scope.createRateLimit({ max: access.signInRateLimitPerAddress, timeWindow: 60_000 });
  const perAccount = scope.createRateLimit({
    max: access.signInRateLimitPerAccount,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const body = request.body as { username?: unknown } | undefined;
      if (typeof body?.username === 'string') return `name:${sha256Hex(normaliseUsername(body.username))}`;
      const token = sessionTokenOf(request, cookie);
      return token === undefined ? `address:${request.ip}` : `session:${sha256Hex(token)}`;
    },
  });
  const refuse = (reply: FastifyReply, ttlInSeconds: number): never => {
    void reply.header('retry-after', ttlInSeconds);
    throw new AppError('RATE_LIMITED');
  };
  return {
    onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
      const result = await perAddress(request);
      if (!result.isAllowed && result.isExceeded) refuse(reply, result.ttlInSeconds);
    },
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      const result = await perAccount(request);
      if (!result.isAllowed && result.isExceeded) refuse(reply, result.ttlInSeconds);
    },
  };
}

// ---- routes --------------------------------------------------------------------------------------

/** The access API: sign-in, sign-out, the caller, users, organisations and feed tokens. */
export async function registerAccessRoutes(app: FastifyInstance, deps: AccessRouteDeps): Promise<void> {
  const { users, signIn, tokens, cookie } = deps;

  await app.register(async (scope) => {
    // Services report AccessError; the application's error handler speaks the web catalogue.
    scope.setErrorHandler((error) => {
      throw error instanceof AccessError ? new AppError(WEB_CODE[error.code], error.message) : error;
    });

    // Answers here carry secrets shown once (TOTP secrets, tokens, activation codes) or personal data.
    scope.addHook('onSend', async (_request, reply) => {
      void reply.header('cache-control', 'no-store');
    });

    const limited = await signInLimits(scope, deps.access, cookie);
    const signInRoute = { onRequest: limited.onRequest, preHandler: limited.preHandler };

    const startSession = (reply: FastifyReply, session: IssuedSession) =>
      reply.setCookie(cookie.name, session.token, cookie.options);
    const pendingToken = (request: FastifyRequest): string => {
      const token = sessionTokenOf(request, cookie);
      if (token === undefined)
        throw new AppError('UNAUTHENTICATED', 'Start by signing in with your password');
      return token;
    };
    const ctx = (request: FastifyRequest) => ({ requestId: request.id });

    scope.post<{ Body: { username: string; password: string } }>(
      '/api/sign-in',
      {
        ...signInRoute,
        schema: {
          body: {
            type: 'object',
            required: ['username', 'password'],
            properties: {
              username: { type: 'string', minLength: 1, maxLength: 200 },
              password: { type: 'string', minLength: 1, maxLength: 1024 },
            },
          },
          response: { 200: signInStepSchema },
        },
      },
      async (request, reply) => {
        const step = await signIn.start(
          { ...request.body, previousToken: sessionTokenOf(request, cookie) },
          ctx(request),
        );
        startSession(reply, step.session);
        return {
          status: step.status,
          methods: step.status === 'second-factor-required' ? step.methods : [],
          csrfToken: step.session.csrfToken,
        };
      },
    );

    scope.post(
      '/api/sign-in/totp/enrol',
      {
        ...signInRoute,
        schema: {
          body: emptyBody,
          response: {
            200: {
              type: 'object',
              properties: { secret: { type: 'string' }, otpauthUri: { type: 'string' } },
            },
          },
        },
      },
      async (request) => signIn.enrolTotp(pendingToken(request)),
    );

    scope.post<{ Body: { code: string } }>(
      '/api/sign-in/totp',
      {
        ...signInRoute,
        schema: {
          body: {
            type: 'object',
            required: ['code'],
            properties: { code: { type: 'string', minLength: 1, maxLength: 20 } },
          },
          response: { 200: signInStepSchema },
        },
      },
      async (request, reply) => {
        const done = await signIn.verifyTotp(pendingToken(request), request.body.code, ctx(request));
        startSession(reply, done.session);
        return { status: done.status, csrfToken: done.session.csrfToken };
      },
    );

    scope.post(
      '/api/sign-in/webauthn/options',
      { ...signInRoute, schema: { body: emptyBody } },
      async (request) => signIn.webauthnAuthenticationOptions(pendingToken(request)),
    );

    scope.post<{ Body: { response: AuthenticationResponseJSON } }>(
      '/api/sign-in/webauthn/verify',
      {
        ...signInRoute,
        schema: {
          body: { type: 'object', required: ['response'], properties: { response: webauthnResponse } },
          response: { 200: signInStepSchema },
        },
      },
      async (request, reply) => {
        const done = await signIn.verifyWebauthn(pendingToken(request), request.body.response, ctx(request));
        startSession(reply, done.session);
        return { status: done.status, csrfToken: done.session.csrfToken };
      },
    );

    scope.post(
      '/api/sign-in/webauthn/register/options',
      { ...signInRoute, schema: { body: emptyBody } },
      async (request) => signIn.webauthnRegistrationOptions(pendingToken(request)),
    );

    scope.post<{ Body: { response: RegistrationResponseJSON; name?: string } }>(
      '/api/sign-in/webauthn/register/verify',
      {
        ...signInRoute,
        schema: {
          body: {
            type: 'object',
            required: ['response'],
            properties: { response: webauthnResponse, name: { type: 'string', maxLength: 100 } },
          },
          response: { 200: signInStepSchema },
        },
      },
      async (request, reply) => {
        const done = await signIn.verifyWebauthnRegistration(
          pendingToken(request),
          request.body.response,
          request.body.name,
          ctx(request),
        );
        if (done.status === 'registered') return { status: done.status };
        startSession(reply, done.session);
        return { status: done.status, csrfToken: done.session.csrfToken };
      },
    );

    scope.post<{ Body: { username: string; code: string; password: string } }>(
      '/api/activate',
      {
        ...signInRoute,
        schema: {
          body: {
            type: 'object',
            required: ['username', 'code', 'password'],
            properties: {
              username: { type: 'string', minLength: 1, maxLength: 200 },
              code: { type: 'string', minLength: 1, maxLength: 100 },
              password: { type: 'string', minLength: 1, maxLength: 1024 },
            },
          },
        },
      },
      async (request, reply) => {
        await users.activate(request.body);
        return reply.status(204).send();
      },
    );

    scope.post('/api/sign-out', { schema: { body: emptyBody } }, async (request, reply) => {
      const token = sessionTokenOf(request, cookie);
      if (token !== undefined) await signIn.signOut(token, ctx(request));
      void reply.clearCookie(cookie.name, cookie.options);
      return reply.status(204).send();
    });

    scope.get(
      '/api/me',
      {
        preHandler: scope.authenticate,
        schema: {
          response: {
            200: {
              type: 'object',
              properties: { user: userSchema, via: { type: 'string' }, csrfToken: { type: 'string' } },
            },
          },
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const user = await users.me(principal);
        const csrfToken = principal.via === 'session' ? csrfTokenOf(request, cookie) : undefined;
        return { user: user, via: principal.via, ...(csrfToken === undefined ? {} : { csrfToken }) };
      },
    );

    // ---- management: the LA management team (and data managers, for feed tokens) ----

    const management = { preHandler: [scope.authenticate, requireRole('la_management')] };

    scope.get(
      '/api/users',
      { ...management, schema: { response: { 200: { type: 'array', items: userSchema } } } },
      async (request) => await users.list(actorOf(request)),
    );

    scope.post<{
      Body: {
        username: string;
        displayName: string;
        email?: string;
        phone?: string;
        organisationId: string;
        roles: string[];
        enhancedCheckDate?: string | null;
        trainingCompletedDate?: string | null;
      };
    }>(
      '/api/users',
      {
        ...management,
        schema: {
          body: {
            type: 'object',
            required: ['username', 'displayName', 'organisationId', 'roles'],
            properties: {
              username: { type: 'string', minLength: 3, maxLength: 100 },
              displayName: { type: 'string', minLength: 1, maxLength: 200 },
              email: { type: 'string', maxLength: 254 },
              phone: { type: 'string', maxLength: 50 },
              organisationId: uuid,
              roles: {
                type: 'array',
                minItems: 1,
                uniqueItems: true,
                items: { type: 'string', enum: ROLES },
              },
              enhancedCheckDate: isoDate,
              trainingCompletedDate: isoDate,
            },
          },
          response: {
            201: {
              type: 'object',
              properties: {
                user: userSchema,
                activationCode: { type: ['string', 'null'] },
                activationExpiresAt: { type: ['string', 'null'], format: 'date-time' },
              },
            },
          },
        },
      },
      async (request, reply) => {
        const registration = await users.register(actorOf(request), request.body);
        return reply.status(201).send(registration);
      },
    );

    scope.get<{ Params: { id: string } }>(
      '/api/users/:id',
      { ...management, schema: { params: idParams, response: { 200: userSchema } } },
      async (request) => await users.get(actorOf(request), request.params.id),
    );

    scope.post<{ Params: { id: string }; Body: { reason?: string } | null }>(
      '/api/users/:id/suspend',
      {
        ...management,
        schema: {
          params: idParams,
          body: { type: ['object', 'null'], properties: { reason: { type: 'string', maxLength: 500 } } },
          response: { 200: userSchema },
        },
      },
      async (request) =>
        await users.suspend(actorOf(request), request.params.id, request.body?.reason ?? null),
    );

    scope.post<{ Params: { id: string } }>(
      '/api/users/:id/reactivate',
      { ...management, schema: { params: idParams, body: emptyBody, response: { 200: userSchema } } },
      async (request) => await users.reactivate(actorOf(request), request.params.id),
    );

    scope.post<{ Params: { id: string } }>(
      '/api/users/:id/unlock',
      { ...management, schema: { params: idParams, body: emptyBody, response: { 200: userSchema } } },
      async (request) => await users.unlock(actorOf(request), request.params.id),
    );

    scope.post<{
      Params: { id: string };
      Body: { enhancedCheckDate?: string | null; trainingCompletedDate?: string | null };
    }>(
      '/api/users/:id/checks',
      {
        ...management,
        schema: {
          params: idParams,
          body: {
            type: 'object',
            properties: { enhancedCheckDate: isoDate, trainingCompletedDate: isoDate },
          },
          response: { 200: userSchema },
        },
      },
      async (request) => await users.recordChecks(actorOf(request), request.params.id, request.body),
    );

    scope.get(
      '/api/organisations',
      { ...management, schema: { response: { 200: { type: 'array', items: organisationSchema } } } },
      async (request) => users.listOrganisations(actorOf(request)),
    );

    scope.post<{ Body: { name: string; kind: string } }>(
      '/api/organisations',
      {
        ...management,
        schema: {
          body: {
            type: 'object',
            required: ['name', 'kind'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 200 },
              kind: { type: 'string', enum: ORGANISATION_KINDS },
            },
          },
          response: { 201: organisationSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await users.createOrganisation(actorOf(request), request.body)),
    );

    const tokenManagers = { preHandler: [scope.authenticate, requireRole('la_management', 'data_manager')] };

    scope.post<{ Body: { userId: string; name: string; sources: string[] } }>(
      '/api/tokens',
      {
        ...tokenManagers,
        schema: {
          body: {
            type: 'object',
            required: ['userId', 'name', 'sources'],
            properties: {
              userId: uuid,
              name: { type: 'string', minLength: 1, maxLength: 100 },
              sources: {
                type: 'array',
                minItems: 1,
                maxItems: 50,
                items: { type: 'string', maxLength: 64 },
              },
            },
          },
          response: {
            201: { type: 'object', properties: { token: tokenSchema, secret: { type: 'string' } } },
          },
        },
      },
      async (request, reply) => {
        const created = await tokens.create(actorOf(request), request.body);
        return reply.status(201).send({ token: tokenView(created.token), secret: created.secret });
      },
    );

    scope.get<{ Params: { id: string } }>(
      '/api/users/:id/tokens',
      {
        ...tokenManagers,
        schema: { params: idParams, response: { 200: { type: 'array', items: tokenSchema } } },
      },
      async (request) => (await tokens.list(actorOf(request), request.params.id)).map(tokenView),
    );

    scope.delete<{ Params: { id: string } }>(
      '/api/tokens/:id',
      { ...tokenManagers, schema: { params: idParams, response: { 200: tokenSchema } } },
      async (request) => tokenView(await tokens.revoke(actorOf(request), request.params.id)),
    );
  });
}
