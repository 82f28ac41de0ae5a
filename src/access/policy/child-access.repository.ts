import { sql } from 'kysely';
import { involvementToRow } from '../../children/child.mappers.ts';
import type { Involvement, InvolvementDetails, Provenance } from '../../children/child.model.ts';
import type { Executor } from '../../children/executor.ts';
import { isUuid } from '../../children/executor.ts';

/**
 * What users change on a child's record through ContactPoint, beyond the child repositories: their
 * own involvements (which say whose they are) and inaccuracy reports. Involvement rows are history:
 * a change closes the current row and inserts its successor, which keeps the owner.
 */

/** Ids of the child's involvement rows the user recorded, current and past. */
export async function ownInvolvementIds(db: Executor, childId: string, userId: string): Promise<Set<number>> {
  if (!isUuid(userId)) return new Set();
  const rows = await db
    .selectFrom('involvement')
    .select('id')
    .where('child_id', '=', childId)
    .where('practitioner_user_id', '=', userId)
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** Who recorded a current involvement of this child: undefined when there is no such current row. */
export async function currentInvolvementOwner(
  db: Executor,
  childId: string,
  involvementId: number,
): Promise<{ readonly ownerId: string | null } | undefined> {
  const row = await db
    .selectFrom('involvement')
    .select('practitioner_user_id')
    .where('id', '=', involvementId)
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : { ownerId: row.practitioner_user_id };
}

export async function insertOwnInvolvement(
  db: Executor,
  childId: string,
  involvement: InvolvementDetails,
  provenance: Provenance,
  ownerId: string,
): Promise<number> {
  const { id } = await db
    .insertInto('involvement')
    .values({ ...involvementToRow(childId, involvement, provenance), practitioner_user_id: ownerId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * Replaces a current involvement with its successor carrying `changes`; the old row is closed at the
 * transaction's time, which is also the new row's start, so the history has no gap.
 */
export async function replaceInvolvement(
  db: Executor,
  childId: string,
  current: Involvement,
  changes: Pick<Partial<InvolvementDetails>, 'endedOn' | 'leadProfessional'>,
  provenance: Provenance,
  ownerId: string,
): Promise<number> {
  await db
    .updateTable('involvement')
    .set({ valid_to: sql<Date>`now()` })
    .where('id', '=', current.id)
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .execute();
  return insertOwnInvolvement(db, childId, { ...current, ...changes }, provenance, ownerId);
}

export const INACCURACY_FIELDS = [
  'name',
  'date_of_birth',
  'gender',
  'address',
  'identifier',
  'carer',
  'educational_setting',
  'gp_practice',
  'involvement',
  'caf',
  'other',
] as const;
export type InaccuracyField = (typeof INACCURACY_FIELDS)[number];

export async function insertInaccuracyReport(
  db: Executor,
  report: {
    readonly childId: string;
    readonly reportedBy: string;
    readonly reportedAt: Date;
    readonly field: InaccuracyField;
    readonly description: string;
  },
): Promise<number> {
  const { id } = await db
    .insertInto('child_inaccuracy_report')
    .values({
      child_id: report.childId,
      reported_by: report.reportedBy,
      reported_at: report.reportedAt,
      field: report.field,
      description: report.description,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}
