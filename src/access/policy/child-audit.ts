import type { Kysely, Transaction } from 'kysely';
import type { AuditEntryInput, JsonObject } from '../../audit/audit.model.ts';
import { recordAudit } from '../../audit/audit.record.ts';
import type { AuditAction, AuditOutcome } from '../../audit/audit.vocabulary.ts';
import type { Database } from '../../db/schema.ts';
import type { Actor } from '../access.model.ts';
import { actorOf } from '../access-audit.ts';
import type { ChildAccessError } from './child-access.errors.ts';
import type { Purpose } from './policy.ts';

/**
 * How reads and writes of a child are audited: in the transaction that does them, as its last
 * statement; a refusal is recorded and committed before it is reported, so the trail shows attempts
 * as well as successes.
 */

export interface AuditBase {
  readonly actor: Actor;
  readonly action: AuditAction;
  readonly purpose: Purpose | null;
  readonly requestId?: string | undefined;
}

export function auditEntry(
  base: AuditBase,
  outcome: AuditOutcome,
  about: { readonly childId?: string; readonly target?: string; readonly details?: JsonObject } = {},
): AuditEntryInput {
  const purpose = base.purpose;
  const details: JsonObject = {
    ...(purpose?.caseReference == null ? {} : { caseReference: purpose.caseReference }),
    ...about.details,
  };
  return {
    actor: actorOf(base.actor),
    action: base.action,
    outcome,
    ...(base.requestId === undefined ? {} : { requestId: base.requestId }),
    ...(about.childId === undefined ? {} : { childId: about.childId }),
    ...(about.target === undefined ? {} : { target: about.target }),
    ...(purpose === null ? {} : { reason: purpose.reason }),
    ...(purpose?.text == null ? {} : { reasonText: purpose.text }),
    ...(Object.keys(details).length === 0 ? {} : { details }),
  };
}

/** What a unit of work decided: done, or refused (and already audited in the same transaction). */
export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ChildAccessError };

export const done = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refused = (error: ChildAccessError): Outcome<never> => ({ ok: false, error });

const SERIALIZATION_FAILURE = '40001';
const ATTEMPTS = 3;

function isSerializationFailure(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'code' in error && error.code === SERIALIZATION_FAILURE
  );
}

/** A coded error's code (ChildRecordError, AccessError...): safe to record, unlike its message. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function withDetail(entry: AuditEntryInput, details: JsonObject): AuditEntryInput {
  return { ...entry, details: { ...entry.details, ...details } };
}

/**
 * Runs `work` in a transaction and throws its refusal after the commit. A repeatable-read snapshot
 * that meets a concurrent audit writer is retried, as the audit module asks. If `work` fails outright
 * (bad input, a broken rule) the transaction rolls back and the failure is recorded on its own.
 */
export async function audited<T>(
  db: Kysely<Database>,
  options: { readonly snapshot: boolean; readonly onFailure: AuditEntryInput },
  work: (trx: Transaction<Database>) => Promise<Outcome<T>>,
): Promise<T> {
  let outcome: Outcome<T> | undefined;
  for (let attempt = 1; outcome === undefined; attempt++) {
    try {
      const builder = db.transaction();
      outcome = await (options.snapshot ? builder.setIsolationLevel('repeatable read') : builder).execute(
        work,
      );
    } catch (error) {
      if (isSerializationFailure(error) && attempt < ATTEMPTS) continue;
      const code = errorCode(error);
      const entry = code === undefined ? options.onFailure : withDetail(options.onFailure, { error: code });
      await db.transaction().execute((trx) => recordAudit(trx, entry));
      throw error;
    }
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
