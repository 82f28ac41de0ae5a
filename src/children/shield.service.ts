import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../access/access.model.ts';
import type { Clock } from '../access/clock.ts';
import { ChildAccessError, notFound } from '../access/policy/child-access.errors.ts';
import {
  audited,
  auditEntry,
  done,
  refused,
  type AuditBase,
  type Outcome,
} from '../access/policy/child-audit.ts';
import {
  canonicalContactPointId,
  forbiddenMessage,
  recordStateOf,
} from '../access/policy/child-access.service.ts';
import { decide, decideCaller, mayListShieldsDue, type Purpose } from '../access/policy/policy.ts';
import { impliedPurpose } from '../access/policy/purpose.ts';
import { recordAudit } from '../audit/audit.record.ts';
import type { Database } from '../db/schema.ts';
import { ChildRecordError } from './child.errors.ts';
import type { ChildCore, IsoDate, ShieldReason } from './child.model.ts';
import * as children from './child.repository.ts';
import { addYears, londonDate, validShield } from './child.validation.ts';
import { sealChildLocations, unsealChildLocations } from './encryption.repository.ts';
import type { FieldCipher } from './encryption.ts';
import { findShieldsDue, type ShieldDueRow } from './shield.repository.ts';

/** A shield is reviewed at least this often: its review date may be at most this far ahead. */
export const SHIELD_REVIEW_MAX_MONTHS = 12;
/** `due` lists shields whose review falls within this many days unless told otherwise. */
export const SHIELD_DUE_DEFAULT_DAYS = 30;

export interface ShieldRequest {
  readonly reason: ShieldReason;
  readonly reviewDate: IsoDate;
}

export interface ShieldState {
  readonly contactPointId: string;
  readonly shield: {
    readonly reason: ShieldReason;
    readonly reviewDate: IsoDate;
    readonly shieldedAt: string;
  } | null;
  readonly postAdoption: boolean;
}

export interface ShieldDue extends Omit<ShieldDueRow, 'shieldedAt'> {
  readonly shieldedAt: string;
  readonly overdue: boolean;
}

export interface ShieldServiceDeps {
  /** The child record's database (with field encryption applied). */
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly cipher: FieldCipher;
}

function stateOf(child: ChildCore): ShieldState {
  return {
    contactPointId: child.contactPointId,
    shield:
      child.shield === null
        ? null
        : {
            reason: child.shield.reason,
            reviewDate: child.shield.reviewDate,
            shieldedAt: child.shield.shieldedAt.toISOString(),
          },
    postAdoption: child.postAdoption,
  };
}

/** The name the child's event history records for who acted. */
function eventActor(actor: Actor): string {
  return actor.kind === 'user' ? actor.principal.userId : `operator:${actor.name}`;
}

/**
 * Shielding: a shielder of the child's responsible LA (or an operator at the command line) shields
 * or unshields a record, with a reason and a review date. Shielding seals the child's location
 * fields in the same transaction; unshielding opens them. A post-adoption record stays shielded.
 * Every attempt is audited ('shield.set', 'shield.clear').
 */
export function createShieldService(deps: ShieldServiceDeps) {
  const { db, clock, cipher } = deps;

  function checkedShield(request: ShieldRequest): ShieldRequest {
    const today = londonDate(clock());
    const shield = validShield(request, today);
    const latest = addYears(today, SHIELD_REVIEW_MAX_MONTHS / 12);
    if (shield.reviewDate > latest) {
      throw new ChildRecordError(
        'INVALID_INPUT',
        `Shield review date must be within ${SHIELD_REVIEW_MAX_MONTHS} months (by ${latest})`,
        'shield.review-date',
      );
    }
    return shield;
  }

  async function onShield(
    actor: Actor,
    contactPointId: string,
    action: 'shield' | 'unshield',
    base: AuditBase,
    work: (
      trx: Transaction<Database>,
      child: ChildCore,
    ) => Promise<Record<string, string | number | boolean>>,
  ): Promise<ShieldState> {
    const cpId = canonicalContactPointId(contactPointId);
    const target = `contactpoint:${cpId}`;
    if (actor.kind === 'user') {
      const refusal = decideCaller(actor.principal, action, base.purpose ?? undefined);
      if (refusal !== null) {
        await db
          .transaction()
          .execute((trx) =>
            recordAudit(trx, auditEntry(base, 'denied', { target, details: { rule: refusal.rule } })),
          );
        throw new ChildAccessError(
          'FORBIDDEN',
          'Only a shielder can shield or unshield a record',
          refusal.rule,
        );
      }
    }
    return audited(
      db,
      { snapshot: false, onFailure: auditEntry(base, 'failure', { target }) },
      async (trx): Promise<Outcome<ShieldState>> => {
        const found = await children.findByContactPointId(trx, cpId);
        const child = found === undefined ? undefined : await children.lockChild(trx, found.id);
        if (child === undefined) {
          await recordAudit(
            trx,
            auditEntry(base, 'failure', { target, details: { rule: 'record.unknown' } }),
          );
          return refused(notFound('record.unknown'));
        }
        if (actor.kind === 'user') {
          const decision = decide(actor.principal, action, recordStateOf(child), {
            today: londonDate(clock()),
            purpose: base.purpose ?? undefined,
          });
          if (!decision.allowed) {
            await recordAudit(
              trx,
              auditEntry(base, 'denied', { childId: child.id, details: { rule: decision.rule } }),
            );
            return refused(
              decision.answer === 'not-found'
                ? notFound(decision.rule)
                : new ChildAccessError('FORBIDDEN', forbiddenMessage(decision.rule), decision.rule),
            );
          }
        }
        const details = await work(trx, child);
        const after = await children.findChildById(trx, child.id);
        await recordAudit(trx, auditEntry(base, 'success', { childId: child.id, details }));
        return done(stateOf(after ?? child));
      },
    );
  }

  return {
    /** Shields the record, or changes its shield's reason or review date. */
    async set(
      actor: Actor,
      contactPointId: string,
      request: ShieldRequest,
      options: { readonly purpose?: Purpose; readonly requestId?: string } = {},
    ): Promise<ShieldState> {
      const base: AuditBase = {
        actor,
        action: 'shield.set',
        purpose: options.purpose ?? impliedPurpose('safeguarding-concern'),
        requestId: options.requestId,
      };
      let shield: ShieldRequest;
      try {
        shield = checkedShield(request);
      } catch (error) {
        // A refused attempt is part of the trail too.
        await db.transaction().execute((trx) =>
          recordAudit(
            trx,
            auditEntry(base, 'failure', {
              target: `contactpoint:${contactPointId.slice(0, 20)}`,
              details: { rule: error instanceof ChildRecordError ? (error.rule ?? error.code) : 'error' },
            }),
          ),
        );
        throw error;
      }
      return onShield(actor, contactPointId, 'shield', base, async (trx, child) => {
        if (child.status !== 'active' && child.status !== 'deceased') throw notFound('policy.not-live');
        if (child.responsibleLa === null) {
          throw new ChildRecordError(
            'INVALID_STATE',
            'A shielded record needs a responsible local authority, whose management team is shown in its place',
            'shield.needs-la',
          );
        }
        const changed = await children.setShield(trx, child.id, shield, eventActor(actor));
        const sealed = await sealChildLocations(trx, cipher, child.id);
        if (changed || sealed > 0) await children.bumpVersion(trx, child.id);
        return {
          shieldReason: shield.reason,
          reviewDate: shield.reviewDate,
          change: child.shield === null ? 'shielded' : changed ? 'shield-changed' : 'unchanged',
          sealedRows: sealed,
        };
      });
    },

    /** Lifts the shield and opens the sealed location fields. Refused for a post-adoption record. */
    async clear(
      actor: Actor,
      contactPointId: string,
      options: { readonly purpose?: Purpose; readonly requestId?: string } = {},
    ): Promise<ShieldState> {
      const base: AuditBase = {
        actor,
        action: 'shield.clear',
        purpose: options.purpose ?? impliedPurpose('safeguarding-concern'),
        requestId: options.requestId,
      };
      return onShield(actor, contactPointId, 'unshield', base, async (trx, child) => {
        if (child.status !== 'active' && child.status !== 'deceased') throw notFound('policy.not-live');
        if (child.postAdoption) {
          throw new ChildRecordError(
            'INVALID_STATE',
            'A post-adoption record is always shielded',
            'shield.post-adoption',
          );
        }
        const previous = child.shield;
        const cleared = await children.clearShield(trx, child.id, eventActor(actor));
        const opened = await unsealChildLocations(trx, cipher, child.id);
        if (cleared || opened > 0) await children.bumpVersion(trx, child.id);
        return {
          change: cleared ? 'unshielded' : 'unchanged',
          ...(previous === null ? {} : { previousReason: previous.reason }),
          unsealedRows: opened,
        };
      });
    },

    /**
     * Shields of an LA due for review within `withinDays` (overdue ones included), soonest first.
     * Users see their own LA's only; an operator names the LA.
     */
    async due(
      actor: Actor,
      options: { readonly la?: string; readonly withinDays?: number; readonly requestId?: string } = {},
    ): Promise<ShieldDue[]> {
      const la = options.la ?? (actor.kind === 'user' ? actor.principal.la : null);
      const withinDays = options.withinDays ?? SHIELD_DUE_DEFAULT_DAYS;
      const base: AuditBase = {
        actor,
        action: 'child.search',
        purpose: impliedPurpose('case-review'),
        requestId: options.requestId,
      };
      if (la === null || !/^[0-9]{3}$/.test(la)) {
        throw new ChildAccessError(
          'INVALID_INPUT',
          'Name the local authority by its three-digit code',
          'shield.due-la',
        );
      }
      if (!Number.isInteger(withinDays) || withinDays < 0 || withinDays > 366) {
        throw new ChildAccessError('INVALID_INPUT', 'Look ahead 0 to 366 days', 'shield.due-days');
      }
      if (actor.kind === 'user' && !mayListShieldsDue(actor.principal, la)) {
        await db
          .transaction()
          .execute((trx) =>
            recordAudit(
              trx,
              auditEntry(base, 'denied', { target: `la:${la}`, details: { list: 'shields-due' } }),
            ),
          );
        throw new ChildAccessError(
          'FORBIDDEN',
          'Only the shielders and management team of that local authority can see its shields',
          'policy.shields-due-own-la',
        );
      }
      const now = clock();
      const today = londonDate(now);
      const until = addDays(today, withinDays);
      return db.transaction().execute(async (trx) => {
        const rows = await findShieldsDue(trx, la, until);
        await recordAudit(
          trx,
          auditEntry(base, 'success', {
            target: `la:${la}`,
            details: { list: 'shields-due', until, count: rows.length },
          }),
        );
        return rows.map((row) => ({
          ...row,
          shieldedAt: row.shieldedAt.toISOString(),
          overdue: row.reviewDate < today,
        }));
      });
    },
  };
}

export type ShieldService = ReturnType<typeof createShieldService>;

function addDays(date: IsoDate, days: number): IsoDate {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}
