import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AccessConfig } from '../config.ts';
import { AppError } from '../web/errors.ts';
import type { Principal, Role } from './access.model.ts';
import { csrfTokenFor, csrfTokenMatches } from './secrets.ts';
import type { SessionService } from './session.service.ts';
import type { TokenGrant, TokenService } from './token.service.ts';

/** The bearer token a request came with: which one, and the feed sources it may post. */
export type RequestToken = Omit<TokenGrant, 'principal'>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `app.authenticate`; null on routes that do not require it. */
    principal: Principal | null;
    /**
     * Set by `app.authenticate` when the caller came with a bearer token; null for a session. What a
     * system account may do can be narrower than its role: each token names the sources it may post.
     */
    apiToken: RequestToken | null;
  }
  interface FastifyInstance {
    /**
     * preHandler for every route that needs a signed-in caller: resolves a session cookie (people)
     * or an `Authorization: Bearer` token (system accounts) into `request.principal`, or answers 401.
     */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export interface SessionCookie {
  readonly name: string;
  readonly options: CookieSerializeOptions;
}

/**
 * HttpOnly (scripts cannot read it), SameSite=Strict (other sites cannot make the browser send it),
 * Secure wherever the service runs over https. With Secure the __Host- prefix also pins it to this
 * host and path. No Max-Age: it ends with the browser, and the server ends it sooner (idle, absolute).
 */
export function sessionCookie(access: Pick<AccessConfig, 'cookieSecure'>): SessionCookie {
  return {
    name: access.cookieSecure ? '__Host-contactpoint-session' : 'contactpoint-session',
    options: { httpOnly: true, secure: access.cookieSecure, sameSite: 'strict', path: '/' },
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

function formField(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[CSRF_FIELD];
  return typeof value === 'string' ? value : undefined;
}

/** The session token the request's cookie carries, if any. */
export function sessionTokenOf(request: FastifyRequest, cookie: SessionCookie): string | undefined {
  const value = request.cookies[cookie.name];
  return value === undefined || value === '' ? undefined : value;
}

/** The CSRF token a page must embed for the caller's session (undefined without a session cookie). */
export function csrfTokenOf(request: FastifyRequest, cookie: SessionCookie): string | undefined {
  const token = sessionTokenOf(request, cookie);
  return token === undefined ? undefined : csrfTokenFor(token);
}

/** The signed-in caller, for handlers behind `app.authenticate`. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (request.principal === null) throw new AppError('UNAUTHENTICATED');
  return request.principal;
}

/** preHandler, after `app.authenticate`: the caller must hold at least one of `roles`. */
export function requireRole(...roles: readonly Role[]): preHandlerAsyncHookHandler {
  return (request) => {
    const principal = requirePrincipal(request);
    if (!principal.roles.some((role) => roles.includes(role))) {
      return Promise.reject(new AppError('FORBIDDEN'));
    }
    return Promise.resolve();
  };
}

/**
 * Decorates the app with `authenticate` and `request.principal`, and refuses any state-changing
 * request that carries the session cookie without the CSRF token bound to that session (in the
 * X-CSRF-Token header, or a `_csrf` form field). Requests with only a bearer token carry no cookie a
 * browser could send on someone's behalf, so they need none. Needs @fastify/cookie registered first.
 */
export function registerAuthentication(
  app: FastifyInstance,
  deps: { sessions: SessionService; tokens: TokenService; access: AccessConfig },
): SessionCookie {
  const cookie = sessionCookie(deps.access);
  app.decorateRequest('principal', null);
  app.decorateRequest('apiToken', null);

  app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const bearer = /^Bearer +(\S+)$/i.exec(header)?.[1];
      const grant = bearer === undefined ? undefined : await deps.tokens.authenticate(bearer);
      if (grant === undefined) {
        void reply.header('www-authenticate', 'Bearer');
        throw new AppError('UNAUTHENTICATED', 'The API token is not valid, or has been revoked');
      }
      request.principal = grant.principal;
      request.apiToken = { tokenId: grant.tokenId, sources: grant.sources };
      return;
    }
    const token = sessionTokenOf(request, cookie);
    const found = token === undefined ? undefined : await deps.sessions.authenticate(token);
    if (found === undefined) {
      if (token !== undefined) void reply.clearCookie(cookie.name, cookie.options);
      throw new AppError('UNAUTHENTICATED');
    }
    request.principal = found.principal;
  });

  // After the body is parsed (a form's _csrf field is in it), before validation and handlers.
  app.addHook('preValidation', (request, _reply, done) => {
    if (SAFE_METHODS.has(request.method)) {
      done();
      return;
    }
    const token = sessionTokenOf(request, cookie);
    if (token === undefined) {
      done();
      return;
    }
    const header = request.headers[CSRF_HEADER];
    const given = typeof header === 'string' ? header : formField(request.body);
    if (!csrfTokenMatches(token, given)) {
      request.log.warn({ method: request.method, url: request.url }, 'request refused: no valid CSRF token');
      done(new AppError('CSRF'));
      return;
    }
    done();
  });
  return cookie;
}
