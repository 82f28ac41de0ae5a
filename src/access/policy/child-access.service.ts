import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../../audit/audit.record.ts';
import type { Database } from '../../db/schema.ts';
import * as history from '../../children/child-history.repository.ts';
import * as children from '../../children/child.repository.ts';
import { ChildRecordError } from '../../children/child.errors.ts';
import {
  MANUAL_SOURCE,
  type ChildCore,
  type ChildRecord,
  type IsoDate,
  type Provenance,
} from '../../children/child.model.ts';
import {
  londonDate,
  validCaf,
  validInvolvement,
  validInvolvementEnd,
} from '../../children/child.validation.ts';
import { validateContactPointId } from '../../children/identifiers/contactpoint-id.ts';
import { findService } from '../../children/reference.repository.ts';
import type { Principal } from '../access.model.ts';
import type { Clock } from '../clock.ts';
import { findUserById } from '../user.repository.ts';
import { ChildAccessError, notFound } from './child-access.errors.ts';
import {
  currentInvolvementOwner,
  insertInaccuracyReport,
  insertOwnInvolvement,
  INACCURACY_FIELDS,
  ownInvolvementIds,
  replaceInvolvement,
  type InaccuracyField,
} from './child-access.repository.ts';
import { audited, auditEntry, done, refused, type AuditBase, type Outcome } from './child-audit.ts';
import {
  decide,
  decideCaller,
  type Allowed,
  type ChildAction,
  type Purpose,
  type RecordState,
} from './policy.ts';
import { impliedPurpose, parsePurpose, type PurposeInput } from './purpose.ts';
import { redact, type ChildView } from './redact.ts';

/** The state the policy decides on, from the child's own row. */
export function recordStateOf(child: ChildCore): RecordState {
  return {
    status: child.status,
    shielded: child.shield !== null,
    postAdoption: child.postAdoption,
    responsibleLa: child.responsibleLa,
    archivedAt: child.archivedAt,
    merged: child.mergedInto !== null,
  };
}

/** A ContactPoint ID as typed; a malformed one is refused before anything is looked up. */
export function canonicalContactPointId(value: string): string {
  const result = validateContactPointId(value);
  if (!result.ok) throw new ChildAccessError('INVALID_INPUT', result.message, result.rule);
  return result.value;
}

export interface InvolvementRequest {
  readonly serviceId: string;
  readonly startedOn: IsoDate;
  readonly leadProfessional?: boolean;
  /** The practitioner has the young person's consent to record this (needed for a sensitive service). */
  readonly consentRecorded?: boolean;
}

export interface ChildAccessDeps {
  /** The child record's database (with field encryption applied). */
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

interface Loaded {
  readonly trx: Transaction<Database>;
  readonly child: ChildCore;
  readonly decision: Allowed;
}

/** Every change a user makes to a child is audited as 'child.change' under their purpose. */
function changeAudit(principal: Principal, purpose: Purpose, requestId: string | undefined): AuditBase {
  return { actor: { kind: 'user', principal }, action: 'child.change', purpose, requestId };
}

/**
 * Reads and writes of a child's record for signed-in users. Each loads the record's state, asks the
 * policy, does the work, and audits the attempt in the same transaction; refusals say "not found"
 * unless the caller may see the record. Nothing here trusts the caller beyond their principal.
 */
export function createChildAccessService(deps: ChildAccessDeps) {
  const { db, clock } = deps;
  const today = () => londonDate(clock());
  const manual = (): Provenance => ({ source: MANUAL_SOURCE, batchId: null, receivedAt: clock() });

  /**
   * The frame every operation shares. `own` says, inside the transaction, whether the involvement the
   * action concerns is the caller's; `work` runs only once the policy has allowed it.
   */
  async function onChild<T>(
    principal: Principal,
    contactPointId: string,
    action: ChildAction,
    base: AuditBase,
    options: {
      readonly snapshot: boolean;
      readonly lock: boolean;
      readonly own?: (trx: Transaction<Database>, child: ChildCore) => Promise<boolean>;
    },
    work: (
      loaded: Loaded,
    ) => Promise<{ readonly value: T; readonly details?: Record<string, string | number | boolean> }>,
  ): Promise<T> {
    const cpId = canonicalContactPointId(contactPointId);
    const target = `contactpoint:${cpId}`;
    const callerRefusal = decideCaller(principal, action, base.purpose ?? undefined);
    if (callerRefusal !== null) {
      await db.transaction().execute(async (trx) => {
        await recordAudit(trx, auditEntry(base, 'denied', { target, details: { rule: callerRefusal.rule } }));
      });
      throw new ChildAccessError('FORBIDDEN', 'Your role does not allow that', callerRefusal.rule);
    }
    return audited(
      db,
      { snapshot: options.snapshot, onFailure: auditEntry(base, 'failure', { target }) },
      async (trx): Promise<Outcome<T>> => {
        const found = await children.findByContactPointId(trx, cpId);
        const child = found !== undefined && options.lock ? await children.lockChild(trx, found.id) : found;
        if (child === undefined) {
          await recordAudit(
            trx,
            auditEntry(base, 'failure', { target, details: { rule: 'record.unknown' } }),
          );
          return refused(notFound('record.unknown'));
        }
        const own = options.own === undefined ? undefined : await options.own(trx, child);
        const decision = decide(principal, action, recordStateOf(child), {
          today: today(),
          purpose: base.purpose ?? undefined,
          ownInvolvement: own,
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
        const result = await work({ trx, child, decision });
        await recordAudit(
          trx,
          auditEntry(base, 'success', {
            childId: child.id,
            ...(result.details === undefined ? {} : { details: result.details }),
          }),
        );
        return done(result.value);
      },
    );
  }

  async function viewOf(loaded: Loaded, principal: Principal): Promise<ChildView> {
    const record = await loadOrFail(loaded.trx, loaded.child.id);
    const own = await ownInvolvementIds(loaded.trx, loaded.child.id, principal.userId);
    return redact(record, loaded.decision, { ownInvolvementIds: own });
  }

  async function practitionerContact(trx: Transaction<Database>, principal: Principal) {
    const user = await findUserById(trx, principal.userId);
    if (user === undefined) throw new ChildAccessError('FORBIDDEN', 'Your account could not be found');
    return { name: user.displayName, phone: user.phone, email: user.email };
  }

  async function changed(trx: Transaction<Database>, childId: string): Promise<void> {
    await children.bumpVersion(trx, childId);
  }

  const ownCurrent =
    (involvementId: number, principal: Principal) => async (trx: Transaction<Database>, child: ChildCore) => {
      const owner = await currentInvolvementOwner(trx, child.id, involvementId);
      return owner?.ownerId === principal.userId;
    };

  async function currentInvolvementOrFail(
    trx: Transaction<Database>,
    childId: string,
    involvementId: number,
  ) {
    const current = await history.findCurrentInvolvement(trx, childId, involvementId);
    if (current === undefined) {
      throw new ChildRecordError(
        'NOT_FOUND',
        'The child has no current involvement with that id',
        'involvement.id',
      );
    }
    return current;
  }

  return {
    /**
     * The record as the caller may see it. Audited as a view with the reason given; a view without a
     * proper reason is refused, and that is audited too.
     */
    async view(
      principal: Principal,
      contactPointId: string,
      purposeInput: PurposeInput,
      requestId?: string,
    ): Promise<ChildView> {
      let purpose: Purpose;
      try {
        purpose = parsePurpose(purposeInput);
      } catch (error) {
        await db
          .transaction()
          .execute((trx) =>
            recordAudit(
              trx,
              auditEntry(
                { actor: { kind: 'user', principal }, action: 'child.view', purpose: null, requestId },
                'failure',
                { target: `contactpoint:${contactPointId.slice(0, 20)}`, details: { rule: ruleOf(error) } },
              ),
            ),
          );
        throw error;
      }
      const base: AuditBase = {
        actor: { kind: 'user', principal },
        action: 'child.view',
        purpose,
        requestId,
      };
      return onChild(
        principal,
        contactPointId,
        'view',
        base,
        { snapshot: true, lock: false },
        async (loaded) => ({
          value: await viewOf(loaded, principal),
          details: { view: loaded.decision.restricted ? 'restricted' : 'full' },
        }),
      );
    },

    /** The caller's own involvement with the child, contactable through their account's details. */
    async addOwnInvolvement(
      principal: Principal,
      contactPointId: string,
      request: InvolvementRequest,
      options: { readonly purpose?: Purpose; readonly requestId?: string } = {},
    ): Promise<ChildView> {
      const purpose = options.purpose ?? impliedPurpose('new-involvement');
      const base = changeAudit(principal, purpose, options.requestId);
      return onChild(
        principal,
        contactPointId,
        'add-own-involvement',
        base,
        { snapshot: false, lock: true },
        async (loaded) => {
          const { trx, child } = loaded;
          const service = await findService(trx, request.serviceId);
          if (service === undefined) {
            throw new ChildRecordError('INVALID_INPUT', 'No service has that id', 'involvement.service');
          }
          const contact = await practitionerContact(trx, principal);
          const at = clock();
          const details = validInvolvement(
            {
              serviceId: service.id,
              practitionerName: contact.name,
              practitionerPhone: contact.phone,
              practitionerEmail: contact.email,
              startedOn: request.startedOn,
              leadProfessional: request.leadProfessional === true,
              consent:
                request.consentRecorded === true ? { recordedAt: at, recordedBy: principal.userId } : null,
            },
            service.sensitive,
            today(),
          );
          if (details.leadProfessional && (await history.hasCurrentLeadProfessional(trx, child.id))) {
            throw leadTaken();
          }
          const id = await insertOwnInvolvement(trx, child.id, details, manual(), principal.userId);
          await changed(trx, child.id);
          return {
            value: await viewOf(loaded, principal),
            details: { change: 'involvement-added', involvementId: id },
          };
        },
      );
    },

    async endOwnInvolvement(
      principal: Principal,
      contactPointId: string,
      involvementId: number,
      endedOn: IsoDate,
      options: { readonly purpose?: Purpose; readonly requestId?: string } = {},
    ): Promise<ChildView> {
      const purpose = options.purpose ?? impliedPurpose('new-involvement');
      const base = changeAudit(principal, purpose, options.requestId);
      return onChild(
        principal,
        contactPointId,
        'end-own-involvement',
        base,
        { snapshot: false, lock: true, own: ownCurrent(involvementId, principal) },
        async (loaded) => {
          const { trx, child } = loaded;
          const current = await currentInvolvementOrFail(trx, child.id, involvementId);
          const checked = validInvolvementEnd(endedOn, current.startedOn, today());
          if (current.endedOn !== checked) {
            await replaceInvolvement(
              trx,
              child.id,
              current,
              { endedOn: checked },
              manual(),
              principal.userId,
            );
            await changed(trx, child.id);
          }
          return {
            value: await viewOf(loaded, principal),
            details: { change: 'involvement-ended', involvementId },
          };
        },
      );
    },

    async markLeadProfessional(
      principal: Principal,
      contactPointId: string,
      involvementId: number,
      options: { readonly purpose?: Purpose; readonly requestId?: string } = {},
    ): Promise<ChildView> {
      const purpose = options.purpose ?? impliedPurpose('new-involvement');
      const base = changeAudit(principal, purpose, options.requestId);
      return onChild(
        principal,
        contactPointId,
        'mark-lead-professional',
        base,
        { snapshot: false, lock: true, own: ownCurrent(involvementId, principal) },
        async (loaded) => {
          const { trx, child } = loaded;
          const current = await currentInvolvementOrFail(trx, child.id, involvementId);
          if (current.endedOn !== null) {
            throw new ChildRecordError(
              'INVALID_STATE',
              'An involvement that has ended cannot be the lead',
              'involvement.ended',
            );
          }
          if (!current.leadProfessional) {
            if (await history.hasCurrentLeadProfessional(trx, child.id)) throw leadTaken();
            await replaceInvolvement(
              trx,
              child.id,
              current,
              { leadProfessional: true },
              manual(),
              principal.userId,
            );
            await changed(trx, child.id);
          }
          return {
            value: await viewOf(loaded, principal),
            details: { change: 'lead-professional', involvementId },
          };
        },
      );
    },

    /** Records that a CAF assessment exists, held by the caller. */
    async recordCaf(
      principal: Principal,
      contactPointId: string,
      request: { readonly completedOn?: IsoDate | null },
      options: { readonly purpose?: Purpose; readonly requestId?: string } = {},
    ): Promise<ChildView> {
      const purpose = options.purpose ?? impliedPurpose('new-involvement');
      const base = changeAudit(principal, purpose, options.requestId);
      return onChild(
        principal,
        contactPointId,
        'record-caf',
        base,
        { snapshot: false, lock: true },
        async (loaded) => {
          const { trx, child } = loaded;
          const contact = await practitionerContact(trx, principal);
          const caf = validCaf(
            {
              exists: true,
              completedOn: request.completedOn ?? null,
              holderName: contact.name,
              holderPhone: contact.phone,
              holderEmail: contact.email,
            },
            today(),
          );
          if ((await history.setCaf(trx, child.id, caf, manual())).changed) await changed(trx, child.id);
          return { value: await viewOf(loaded, principal), details: { change: 'caf-recorded' } };
        },
      );
    },

    /** Puts a report that the record is wrong on the data-quality queue; the record is not changed. */
    async reportInaccuracy(
      principal: Principal,
      contactPointId: string,
      report: { readonly field: string; readonly description: string },
      options: { readonly purpose?: Purpose; readonly requestId?: string } = {},
    ): Promise<{ readonly reportId: number }> {
      const field = report.field as InaccuracyField;
      if (!INACCURACY_FIELDS.includes(field)) {
        throw new ChildAccessError(
          'INVALID_INPUT',
          `Say which part is wrong: one of ${INACCURACY_FIELDS.join(', ')}`,
          'inaccuracy.field',
        );
      }
      const description = report.description.trim();
      if (description === '' || description.length > 2000 || description.includes('\u0000')) {
        throw new ChildAccessError(
          'INVALID_INPUT',
          'Describe what is wrong in up to 2,000 characters',
          'inaccuracy.description',
        );
      }
      const purpose = options.purpose ?? impliedPurpose('data-quality');
      const base = changeAudit(principal, purpose, options.requestId);
      return onChild(
        principal,
        contactPointId,
        'report-inaccuracy',
        base,
        { snapshot: false, lock: false },
        async ({ trx, child }) => {
          const reportId = await insertInaccuracyReport(trx, {
            childId: child.id,
            reportedBy: principal.userId,
            reportedAt: clock(),
            field,
            description,
          });
          // The description is the reporter's words about the child: it stays in the report.
          return { value: { reportId }, details: { change: 'inaccuracy-reported', reportId, field } };
        },
      );
    },
  };
}

export type ChildAccessService = ReturnType<typeof createChildAccessService>;

function leadTaken(): ChildRecordError {
  return new ChildRecordError(
    'CONFLICT',
    'The child already has a lead professional; their involvement must end or pass the role on first',
    'involvement.one-lead-professional',
  );
}

async function loadOrFail(trx: Transaction<Database>, childId: string): Promise<ChildRecord> {
  const record = await children.loadChildRecord(trx, childId);
  if (record === undefined) throw notFound('record.vanished');
  return record;
}

const FORBIDDEN_MESSAGES: Readonly<Record<string, string>> = {
  'policy.shielded-contact-la':
    'This record is restricted: contact the local authority ContactPoint management team shown on it',
  'policy.not-live': 'The record is archived and can no longer be changed',
  'policy.deceased-no-new-work': 'The child has died: new involvements and assessments cannot be recorded',
  'policy.own-involvements-only': 'You can only change involvements you recorded yourself',
  'policy.shield-own-la-only': 'Only a shielder of the child’s responsible local authority can do that',
  'shield.post-adoption': 'A post-adoption record is always shielded',
};

function ruleOf(error: unknown): string {
  return error instanceof ChildAccessError ? (error.rule ?? error.code) : 'error';
}

export function forbiddenMessage(rule: string): string {
  return FORBIDDEN_MESSAGES[rule] ?? 'You do not have permission to do that';
}
