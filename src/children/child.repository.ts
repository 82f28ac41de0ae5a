import { sql } from 'kysely';
import {
  deleteAttributeRows,
  findChildIdByIdentifier,
  loadAttributeRows,
} from './child-history.repository.ts';
import { childToDomain, childToRow, eventToDomain, historyOf } from './child.mappers.ts';
import type { NewChild } from './child.mappers.ts';
import type {
  ChildCore,
  ChildEvent,
  ChildEventKind,
  ChildRecord,
  Gender,
  IdentifierScheme,
  IsoDate,
  Provenance,
  ShieldDetails,
} from './child.model.ts';
import { isUuid } from './executor.ts';
import { findLocalAuthority } from './reference.repository.ts';
import type { Executor } from './executor.ts';

/**
 * The child's own row and its event history. The row's columns are updated in place, so every
 * change here writes a child_event holding what was there before. These functions do not bump the
 * version: the service does that once per transaction, after locking the row with lockChild.
 */

/** Undefined when the ContactPoint ID is already taken (the caller draws another). */
export async function insertChild(db: Executor, child: NewChild): Promise<ChildCore | undefined> {
  const row = await db
    .insertInto('child')
    .values({ ...childToRow(child), shielded_at: child.shield === null ? null : sql<Date>`now()` })
    .onConflict((oc) => oc.column('contactpoint_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : childToDomain(row);
}

export async function findChildById(db: Executor, id: string): Promise<ChildCore | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('child').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : childToDomain(row);
}

/** `contactPointId` in canonical form ('CP' and 10 digits). */
export async function findByContactPointId(
  db: Executor,
  contactPointId: string,
): Promise<ChildCore | undefined> {
  const row = await db
    .selectFrom('child')
    .selectAll()
    .where('contactpoint_id', '=', contactPointId)
    .executeTakeFirst();
  return row === undefined ? undefined : childToDomain(row);
}

/** The child holding a current identifier; `value` canonical, `source` needed for 'source_record'. */
export async function findByIdentifier(
  db: Executor,
  scheme: IdentifierScheme,
  value: string,
  source?: string,
): Promise<ChildCore | undefined> {
  const childId = await findChildIdByIdentifier(db, scheme, value, source);
  return childId === undefined ? undefined : findChildById(db, childId);
}

/** Reads the child and holds its row until the transaction ends, serialising changes to one child. */
export async function lockChild(db: Executor, id: string): Promise<ChildCore | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('child').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  return row === undefined ? undefined : childToDomain(row);
}

/** Marks one committed change to the record; returns the new version. */
export async function bumpVersion(db: Executor, id: string): Promise<number> {
  const row = await db
    .updateTable('child')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
    .where('id', '=', id)
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

export async function recordEvent(
  db: Executor,
  childId: string,
  kind: ChildEventKind,
  detail: Readonly<Record<string, unknown>>,
  actor: string,
): Promise<ChildEvent> {
  const row = await db
    .insertInto('child_event')
    .values({ child_id: childId, kind, detail: JSON.stringify(detail), actor })
    .returningAll()
    .executeTakeFirstOrThrow();
  return eventToDomain(row);
}

export interface DetailChanges {
  readonly gender?: Gender;
  readonly dateOfBirth?: IsoDate;
  readonly responsibleLa?: string | null;
}

/** Corrects the child's own details; the event keeps the old values. False when nothing differs. */
export async function changeDetails(
  db: Executor,
  childId: string,
  changes: DetailChanges,
  provenance: Provenance,
  actor: string,
): Promise<boolean> {
  const before = await lockChild(db, childId);
  if (before === undefined) return false;
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  if (changes.gender !== undefined && changes.gender !== before.gender) {
    changed.gender = { from: before.gender, to: changes.gender };
  }
  if (changes.dateOfBirth !== undefined && changes.dateOfBirth !== before.dateOfBirth) {
    changed.dateOfBirth = { from: before.dateOfBirth, to: changes.dateOfBirth };
  }
  if (changes.responsibleLa !== undefined && changes.responsibleLa !== before.responsibleLa) {
    changed.responsibleLa = { from: before.responsibleLa, to: changes.responsibleLa };
  }
  if (Object.keys(changed).length === 0) return false;
  await db
    .updateTable('child')
    .set({
      ...(changed.gender === undefined ? {} : { gender: changes.gender }),
      ...(changed.dateOfBirth === undefined ? {} : { date_of_birth: changes.dateOfBirth }),
      ...(changed.responsibleLa === undefined ? {} : { responsible_la: changes.responsibleLa }),
      source_name: provenance.source,
      batch_id: provenance.batchId,
      received_at: provenance.receivedAt,
    })
    .where('id', '=', childId)
    .execute();
  await recordEvent(
    db,
    childId,
    'details_changed',
    {
      changes: changed,
      previousProvenance: provenanceDetail(before.provenance),
      ...provenanceDetail(provenance),
    },
    actor,
  );
  return true;
}

function provenanceDetail(provenance: Provenance): Record<string, unknown> {
  return {
    source: provenance.source,
    batchId: provenance.batchId,
    receivedAt: provenance.receivedAt.toISOString(),
  };
}

/** Shields the record, or changes the reason or review date of its shield. False when unchanged. */
export async function setShield(
  db: Executor,
  childId: string,
  shield: ShieldDetails,
  actor: string,
): Promise<boolean> {
  const before = await lockChild(db, childId);
  if (before === undefined) return false;
  const previous = before.shield;
  if (previous?.reason === shield.reason && previous.reviewDate === shield.reviewDate) return false;
  await db
    .updateTable('child')
    .set({
      shielded: true,
      shield_reason: shield.reason,
      shield_review_date: shield.reviewDate,
      // A changed shield keeps the date the child was first shielded.
      shielded_at: previous?.shieldedAt ?? sql<Date>`now()`,
    })
    .where('id', '=', childId)
    .execute();
  await recordEvent(
    db,
    childId,
    previous === null ? 'shielded' : 'shield_changed',
    {
      reason: shield.reason,
      reviewDate: shield.reviewDate,
      ...(previous === null
        ? {}
        : { previousReason: previous.reason, previousReviewDate: previous.reviewDate }),
    },
    actor,
  );
  return true;
}

/** Lifts the shield. The database refuses this for a post-adoption record. False when not shielded. */
export async function clearShield(db: Executor, childId: string, actor: string): Promise<boolean> {
  const before = await lockChild(db, childId);
  if (before?.shield == null) return false;
  await db
    .updateTable('child')
    .set({ shielded: false, shield_reason: null, shield_review_date: null, shielded_at: null })
    .where('id', '=', childId)
    .execute();
  await recordEvent(
    db,
    childId,
    'unshielded',
    {
      previousReason: before.shield.reason,
      previousReviewDate: before.shield.reviewDate,
      shieldedAt: before.shield.shieldedAt.toISOString(),
    },
    actor,
  );
  return true;
}

/** Records a death on an active record. False when the record is not active. */
export async function markDeceased(
  db: Executor,
  childId: string,
  dateOfDeath: IsoDate,
  provenance: Provenance,
  actor: string,
): Promise<boolean> {
  const result = await db
    .updateTable('child')
    .set({
      status: 'deceased',
      date_of_death: dateOfDeath,
      source_name: provenance.source,
      batch_id: provenance.batchId,
      received_at: provenance.receivedAt,
    })
    .where('id', '=', childId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await recordEvent(db, childId, 'deceased', { dateOfDeath, ...provenanceDetail(provenance) }, actor);
  return true;
}

/** Archives an active or deceased record. False otherwise. */
export async function archive(
  db: Executor,
  childId: string,
  archivedOn: IsoDate,
  actor: string,
): Promise<boolean> {
  const before = await lockChild(db, childId);
  if (before === undefined || (before.status !== 'active' && before.status !== 'deceased')) return false;
  await db
    .updateTable('child')
    .set({ status: 'archived', archived_at: archivedOn })
    .where('id', '=', childId)
    .execute();
  await recordEvent(
    db,
    childId,
    'archived',
    { archivedAt: archivedOn, previousStatus: before.status },
    actor,
  );
  return true;
}

/**
 * Removes every item of personal data about an archived child: the attribute rows and the event
 * history are deleted (events can reveal a shield or a death) and the child's own personal columns
 * nulled. What remains is the id, the ContactPoint ID (never reissued), the status, the dates and
 * one 'purged' event. False when the record is not archived.
 */
export async function purge(
  db: Executor,
  childId: string,
  purgedOn: IsoDate,
  actor: string,
): Promise<boolean> {
  const before = await lockChild(db, childId);
  if (before?.status !== 'archived') return false;
  await deleteAttributeRows(db, childId);
  await db.deleteFrom('child_event').where('child_id', '=', childId).execute();
  await db
    .updateTable('child')
    .set({
      status: 'purged',
      purged_at: purgedOn,
      gender: null,
      date_of_birth: null,
      date_of_death: null,
      responsible_la: null,
      shielded: false,
      shield_reason: null,
      shield_review_date: null,
      shielded_at: null,
      post_adoption: false,
      extension_to_25: null,
      extension_consent_date: null,
      merged_into: null,
    })
    .where('id', '=', childId)
    .execute();
  await recordEvent(db, childId, 'purged', { archivedAt: before.archivedAt, purgedAt: purgedOn }, actor);
  return true;
}

export async function loadEvents(db: Executor, childId: string): Promise<ChildEvent[]> {
  const rows = await db
    .selectFrom('child_event')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(eventToDomain);
}

/**
 * The whole record, current values and history. Several queries: run it in a repeatable-read
 * transaction when a consistent picture matters.
 */
export async function loadChildRecord(db: Executor, id: string): Promise<ChildRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('child').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  const child = childToDomain(row);
  const localAuthority =
    child.responsibleLa === null ? null : ((await findLocalAuthority(db, child.responsibleLa)) ?? null);
  const attributes = await loadAttributeRows(db, id);
  const events = await loadEvents(db, id);
  return {
    ...child,
    localAuthority,
    names: historyOf(attributes.names),
    addresses: historyOf(attributes.addresses),
    identifiers: historyOf(attributes.identifiers),
    carers: historyOf(attributes.carers),
    educationalSettings: historyOf(attributes.educationalSettings),
    gpPractices: historyOf(attributes.gpPractices),
    involvements: historyOf(attributes.involvements),
    caf: historyOf(attributes.caf),
    events,
  };
}
