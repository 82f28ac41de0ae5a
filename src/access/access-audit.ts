import type { Transaction } from 'kysely';
import type { AuditActor, AuditEntryInput } from '../audit/audit.model.ts';
import { recordAudits } from '../audit/audit.record.ts';
import type { Database } from '../db/schema.ts';
import type { Actor, User } from './access.model.ts';

/**
 * How the access services write to the audit trail: always inside the transaction that makes the
 * change (or records the failed attempt), as the last statement, since the trail locks its chain
 * until commit. Injected so a test can watch what is recorded.
 */
export type AccessAudit = (
  trx: Transaction<Database>,
  entries: readonly AuditEntryInput[],
) => Promise<unknown>;

export const recordAccessAudit: AccessAudit = recordAudits;

/** The audit trail's actor fields are limited to 200 characters. */
function clip(value: string): string {
  return value.length > 200 ? value.slice(0, 200) : value;
}

export function actorOf(actor: Actor): AuditActor {
  if (actor.kind === 'operator') return { type: 'operator', id: clip(actor.name) };
  const { principal } = actor;
  return {
    type: 'user',
    id: principal.userId,
    role: principal.roles.join(','),
    organisation: principal.la ?? principal.organisationId,
  };
}

export function userActor(user: User): AuditActor {
  return {
    type: user.roles.includes('feed') ? 'system' : 'user',
    id: user.id,
    role: user.roles.join(','),
    organisation: user.localAuthority ?? user.organisationId,
  };
}

/** Someone who has not proved who they are, named by what they typed. */
export function anonymousActor(typedUsername: string): AuditActor {
  const typed = typedUsername.trim();
  return { type: 'anonymous', id: clip(typed === '' ? '(blank)' : typed) };
}

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: 'contactpoint' };

export function userTarget(userId: string): string {
  return `user:${userId}`;
}
