import type { Kysely } from 'kysely';
import type { AccessConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { declaredSourceNames } from '../ingest/source-declaration.ts';
import type { Actor, Principal, User } from './access.model.ts';
import { AccessError } from './access.errors.ts';
import { actorOf, userTarget, type AccessAudit } from './access-audit.ts';
import type { Clock } from './clock.ts';
import { ineligibility } from './eligibility.ts';
import { randomToken, sha256Hex } from './secrets.ts';
import { principalOf } from './session.service.ts';
import {
  findToken,
  findTokenByHash,
  insertToken,
  listTokens,
  revokeToken,
  touchToken,
  type TokenRecord,
} from './token.repository.ts';
import { findUserById, recordActivity } from './user.repository.ts';

/**
 * The prefix makes a leaked token easy to recognise (secret scanners, logs); the rest is 32 random
 * bytes, base64url.
 */
const PREFIX = 'cpt_';
const BEARER_TOKEN = /^cpt_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most this often: a busy feed would otherwise write on every request. */
const TOUCH_AFTER_MS = 60_000;

export type TokenView = TokenRecord;

/** What a bearer token proves: the system account, which token it was, and what it may post. */
export interface TokenGrant {
  readonly principal: Principal;
  readonly tokenId: string;
  readonly sources: readonly string[];
}

export interface TokenServiceDeps {
  readonly db: Kysely<Database>;
  readonly config: { readonly access: AccessConfig };
  readonly clock: Clock;
  readonly audit: AccessAudit;
}

/**
 * The feed account's LA management team, or a data manager (who runs the national feeds), or an
 * operator. Anyone else is told the account does not exist.
 */
function assertManagesFeed(actor: Actor, account: User): void {
  if (actor.kind === 'operator') return;
  const { principal } = actor;
  const laManager =
    principal.roles.includes('la_management') &&
    principal.la !== null &&
    account.localAuthority === principal.la;
  if (laManager || principal.roles.includes('data_manager')) return;
  if (!principal.roles.includes('la_management') && !principal.roles.includes('data_manager')) {
    throw new AccessError('FORBIDDEN', 'Only a management team or a data manager can manage API tokens');
  }
  throw new AccessError('NOT_FOUND', 'No such account');
}

/**
 * The sources a new token may post: one or more, each declared. A token is issued for named
 * sources rather than all of them so that a leaked one cannot post rows of a source it was never
 * meant for, whose precedence may override a child's name or date of birth. Checked as unknown
 * because an HTTP body reaches here as the caller sent it.
 */
function grantedSources(given: unknown): string[] {
  const declared = declaredSourceNames();
  const names = Array.isArray(given)
    ? given.map((name: unknown) => (typeof name === 'string' ? name.trim() : ''))
    : [];
  if (names.length === 0 || names.includes('')) {
    throw new AccessError(
      'INVALID_INPUT',
      `Name one or more feed sources the token may post (declared: ${declared.join(', ')})`,
    );
  }
  const undeclared = [...new Set(names.filter((name) => !declared.includes(name)))];
  if (undeclared.length > 0) {
    const quoted = undeclared.map((name) => `"${name.slice(0, 64)}"`).join(', ');
    throw new AccessError(
      'INVALID_INPUT',
      `No feed source is declared as ${quoted} (declared: ${declared.join(', ')})`,
    );
  }
  return [...new Set(names)].sort();
}

export function createTokenService(deps: TokenServiceDeps) {
  const { db, clock, audit } = deps;
  const rules = deps.config.access;

  async function feedAccount(actor: Actor, userId: string): Promise<User> {
    const account = await findUserById(db, userId);
    if (account === undefined) throw new AccessError('NOT_FOUND', 'No such account');
    assertManagesFeed(actor, account);
    if (!account.roles.includes('feed')) {
      throw new AccessError('INVALID_INPUT', 'API tokens are for system (feed) accounts only');
    }
    return account;
  }

  return {
    /** A new token; the secret is returned here once and cannot be recovered later. */
    async create(
      actor: Actor,
      input: { userId: string; name: string; sources: readonly string[] },
    ): Promise<{ token: TokenView; secret: string }> {
      const name = input.name.trim();
      if (name === '' || name.length > 100)
        throw new AccessError('INVALID_INPUT', 'Name the token (up to 100 characters)');
      const sources = grantedSources(input.sources);
      const account = await feedAccount(actor, input.userId);
      if (account.status !== 'active') throw new AccessError('INVALID_INPUT', 'The account is not active');
      const secret = `${PREFIX}${randomToken()}`;
      const token = await db.transaction().execute(async (trx) => {
        const created = await insertToken(trx, {
          userId: account.id,
          name,
          sources,
          tokenHash: sha256Hex(secret),
          createdBy: actor.kind === 'user' ? actor.principal.userId : null,
          at: clock(),
        });
        if (created === undefined)
          throw new AccessError('CONFLICT', 'The account already has a live token of that name');
        await audit(trx, [
          {
            actor: actorOf(actor),
            action: 'token.create',
            outcome: 'success',
            target: userTarget(account.id),
            details: { tokenId: created.id, name, sources },
          },
        ]);
        return created;
      });
      return { token, secret };
    },

    /** Revoking is immediate and final; revoking a revoked token changes nothing. */
    async revoke(actor: Actor, tokenId: string): Promise<TokenView> {
      const token = await findToken(db, tokenId);
      if (token === undefined) throw new AccessError('NOT_FOUND', 'No such token');
      await feedAccount(actor, token.userId);
      return db.transaction().execute(async (trx) => {
        await revokeToken(trx, token.id, actor.kind === 'user' ? actor.principal.userId : null, clock());
        await audit(trx, [
          {
            actor: actorOf(actor),
            action: 'token.revoke',
            outcome: 'success',
            target: userTarget(token.userId),
            details: { tokenId: token.id },
          },
        ]);
        const after = await findToken(trx, token.id);
        return after ?? token;
      });
    },

    async list(actor: Actor, userId: string): Promise<TokenView[]> {
      await feedAccount(actor, userId);
      return listTokens(db, userId);
    },

    /** The system account behind a bearer token, or undefined if the token is unknown, revoked, or its account unusable. */
    async authenticate(bearer: string): Promise<TokenGrant | undefined> {
      if (!BEARER_TOKEN.test(bearer)) return undefined;
      // Looked up by its SHA-256: comparing hashes leaks nothing useful about the token through timing.
      const token = await findTokenByHash(db, sha256Hex(bearer));
      if (token?.revokedAt !== null) return undefined;
      const account = await findUserById(db, token.userId);
      const now = clock();
      if (
        account === undefined ||
        !account.roles.includes('feed') ||
        ineligibility(account, now, rules) !== null
      ) {
        return undefined;
      }
      if (token.lastUsedAt === null || now.getTime() - token.lastUsedAt.getTime() >= TOUCH_AFTER_MS) {
        await db.transaction().execute(async (trx) => {
          await touchToken(trx, token.id, now);
          await recordActivity(trx, account.id, now);
        });
      }
      return { principal: principalOf(account, 'token'), tokenId: token.id, sources: token.sources };
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
