import { sql } from 'kysely';
import {
  addressDetailsOf,
  addressToDomain,
  addressToRow,
  cafDetailsOf,
  cafToDomain,
  cafToRow,
  carerDetailsOf,
  carerToDomain,
  carerToRow,
  educationalSettingDetailsOf,
  educationalSettingToDomain,
  educationalSettingToRow,
  gpPracticeDetailsOf,
  gpPracticeToDomain,
  gpPracticeToRow,
  identifierToDomain,
  identifierToRow,
  involvementToDomain,
  involvementToRow,
  nameDetailsOf,
  nameToDomain,
  nameToRow,
  sameDetails,
} from './child.mappers.ts';
import type {
  AddressDetails,
  CafDetails,
  CafIndicator,
  Carer,
  CarerDetails,
  ChildAddress,
  ChildIdentifier,
  ChildName,
  EducationalSetting,
  EducationalSettingDetails,
  GpPractice,
  GpPracticeDetails,
  IdentifierDetails,
  Involvement,
  InvolvementDetails,
  IsoDate,
  NameDetails,
  PersonName,
  Provenance,
} from './child.model.ts';
import type { HistoryTableName } from './child.table.ts';
import { isUuid } from './executor.ts';
import type { Executor } from './executor.ts';

/**
 * The history-kept attributes of a child. Rows are never edited: a change closes the current row
 * (valid_to = the transaction's now(), which is also the new row's valid_from, so history has no
 * gaps) and inserts its successor. Restating the current value changes nothing, so re-running a
 * batch is a no-op. These functions do not lock the child or bump its version: the caller (the
 * service) does both, once per transaction.
 */

/** What a recording function did: `changed` is false when the value was already current. */
export interface Outcome<T> {
  readonly value: T;
  readonly changed: boolean;
}

async function close(db: Executor, table: HistoryTableName, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable(table)
    .set({ valid_to: sql<Date>`now()` })
    .where('id', 'in', ids)
    .where('valid_to', 'is', null)
    .execute();
}

// Names

export async function addName(
  db: Executor,
  childId: string,
  name: NameDetails,
  provenance: Provenance,
): Promise<ChildName> {
  const row = await db
    .insertInto('child_name')
    .values(nameToRow(childId, name, provenance))
    .returningAll()
    .executeTakeFirstOrThrow();
  return nameToDomain(row);
}

/**
 * Makes `name` the child's current name. The old current name is closed and restated as a current
 * 'former' name, so search and matching still find the child by it.
 */
export async function replaceCurrentName(
  db: Executor,
  childId: string,
  name: PersonName,
  provenance: Provenance,
): Promise<Outcome<ChildName>> {
  const next: NameDetails = {
    kind: 'current',
    forename: name.forename,
    middleNames: name.middleNames,
    surname: name.surname,
  };
  const row = await db
    .selectFrom('child_name')
    .selectAll()
    .where('child_id', '=', childId)
    .where('kind', '=', 'current')
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  const current = row === undefined ? undefined : nameToDomain(row);
  if (current !== undefined && sameDetails(nameDetailsOf(current), next)) {
    return { value: current, changed: false };
  }
  if (current !== undefined) {
    await close(db, 'child_name', [current.id]);
    await addName(db, childId, { ...nameDetailsOf(current), kind: 'former' }, provenance);
  }
  return { value: await addName(db, childId, next, provenance), changed: true };
}

/** Adds a former name, alias or preferred name unless the child already has it. */
export async function recordOtherName(
  db: Executor,
  childId: string,
  name: NameDetails,
  provenance: Provenance,
): Promise<Outcome<ChildName>> {
  const rows = await db
    .selectFrom('child_name')
    .selectAll()
    .where('child_id', '=', childId)
    .where('kind', '=', name.kind)
    .where('valid_to', 'is', null)
    .execute();
  const same = rows.map(nameToDomain).find((n) => sameDetails(nameDetailsOf(n), nameDetailsOf(name)));
  if (same !== undefined) return { value: same, changed: false };
  return { value: await addName(db, childId, name, provenance), changed: true };
}

/** Closes a name that was recorded in error or no longer applies. */
export async function endName(db: Executor, childId: string, nameId: number): Promise<boolean> {
  const result = await db
    .updateTable('child_name')
    .set({ valid_to: sql<Date>`now()` })
    .where('id', '=', nameId)
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// Addresses

export async function addAddress(
  db: Executor,
  childId: string,
  address: AddressDetails,
  provenance: Provenance,
): Promise<ChildAddress> {
  const row = await db
    .insertInto('child_address')
    .values(addressToRow(childId, address, provenance))
    .returningAll()
    .executeTakeFirstOrThrow();
  return addressToDomain(row);
}

/** The child now lives at `address` only: every current address is closed and kept as history. */
export async function moveAddress(
  db: Executor,
  childId: string,
  address: AddressDetails,
  provenance: Provenance,
): Promise<Outcome<ChildAddress>> {
  const rows = await db
    .selectFrom('child_address')
    .selectAll()
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .execute();
  const current = rows.map(addressToDomain);
  const only = current.length === 1 ? current[0] : undefined;
  if (only !== undefined && sameDetails(addressDetailsOf(only), addressDetailsOf(address))) {
    return { value: only, changed: false };
  }
  await close(
    db,
    'child_address',
    current.map((a) => a.id),
  );
  return { value: await addAddress(db, childId, address, provenance), changed: true };
}

// Identifiers

/**
 * Records an identifier. A child holds one current NHS number and one current UPN, and one current
 * record id per source system: a different value replaces the old one, which is kept as history.
 * Another child holding the value fails on the database's unique index.
 */
export async function recordIdentifier(
  db: Executor,
  childId: string,
  identifier: IdentifierDetails,
  provenance: Provenance,
): Promise<Outcome<ChildIdentifier>> {
  let query = db
    .selectFrom('child_identifier')
    .selectAll()
    .where('child_id', '=', childId)
    .where('scheme', '=', identifier.scheme)
    .where('valid_to', 'is', null);
  if (identifier.scheme === 'source_record') query = query.where('source_name', '=', provenance.source);
  const current = (await query.execute()).map(identifierToDomain);
  const same = current.find((c) => c.value === identifier.value);
  if (same !== undefined) return { value: same, changed: false };
  await close(
    db,
    'child_identifier',
    current.map((c) => c.id),
  );
  const row = await db
    .insertInto('child_identifier')
    .values(identifierToRow(childId, identifier, provenance))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { value: identifierToDomain(row), changed: true };
}

/** The child holding `value` as a current identifier of `scheme`; source_record ids need their source. */
export async function findChildIdByIdentifier(
  db: Executor,
  scheme: IdentifierDetails['scheme'],
  value: string,
  source?: string,
): Promise<string | undefined> {
  let query = db
    .selectFrom('child_identifier')
    .select('child_id')
    .where('scheme', '=', scheme)
    .where('value', '=', value)
    .where('valid_to', 'is', null);
  if (scheme === 'source_record') {
    if (source === undefined) return undefined;
    query = query.where('source_name', '=', source);
  }
  const row = await query.executeTakeFirst();
  return row?.child_id;
}

// Carers

/**
 * Records a carer. A current carer with the same name and relationship is the same person: if
 * anything else about them differs, that row is closed and the new details inserted.
 */
export async function recordCarer(
  db: Executor,
  childId: string,
  carer: CarerDetails,
  provenance: Provenance,
): Promise<Outcome<Carer>> {
  const rows = await db
    .selectFrom('carer')
    .selectAll()
    .where('child_id', '=', childId)
    .where('relationship', '=', carer.relationship)
    .where('valid_to', 'is', null)
    .execute();
  // Compared here, not in SQL: a shielded child's carers have their names sealed in the database.
  const current = rows.map(carerToDomain).filter((c) => c.name === carer.name);
  const same = current.find((c) => sameDetails(carerDetailsOf(c), carerDetailsOf(carer)));
  if (same !== undefined) return { value: same, changed: false };
  await close(
    db,
    'carer',
    current.map((c) => c.id),
  );
  const row = await db
    .insertInto('carer')
    .values(carerToRow(childId, carer, provenance))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { value: carerToDomain(row), changed: true };
}

/** The carer no longer cares for the child. */
export async function endCarer(db: Executor, childId: string, carerId: number): Promise<boolean> {
  const result = await db
    .updateTable('carer')
    .set({ valid_to: sql<Date>`now()` })
    .where('id', '=', carerId)
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// Educational setting and GP practice: one current each.

export async function setEducationalSetting(
  db: Executor,
  childId: string,
  setting: EducationalSettingDetails,
  provenance: Provenance,
): Promise<Outcome<EducationalSetting>> {
  const row = await db
    .selectFrom('educational_setting')
    .selectAll()
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  const current = row === undefined ? undefined : educationalSettingToDomain(row);
  if (
    current !== undefined &&
    sameDetails(educationalSettingDetailsOf(current), educationalSettingDetailsOf(setting))
  ) {
    return { value: current, changed: false };
  }
  if (current !== undefined) await close(db, 'educational_setting', [current.id]);
  const inserted = await db
    .insertInto('educational_setting')
    .values(educationalSettingToRow(childId, setting, provenance))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { value: educationalSettingToDomain(inserted), changed: true };
}

export async function endEducationalSetting(db: Executor, childId: string): Promise<boolean> {
  const result = await db
    .updateTable('educational_setting')
    .set({ valid_to: sql<Date>`now()` })
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setGpPractice(
  db: Executor,
  childId: string,
  practice: GpPracticeDetails,
  provenance: Provenance,
): Promise<Outcome<GpPractice>> {
  const row = await db
    .selectFrom('gp_practice')
    .selectAll()
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  const current = row === undefined ? undefined : gpPracticeToDomain(row);
  if (current !== undefined && sameDetails(gpPracticeDetailsOf(current), gpPracticeDetailsOf(practice))) {
    return { value: current, changed: false };
  }
  if (current !== undefined) await close(db, 'gp_practice', [current.id]);
  const inserted = await db
    .insertInto('gp_practice')
    .values(gpPracticeToRow(childId, practice, provenance))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { value: gpPracticeToDomain(inserted), changed: true };
}

export async function endGpPractice(db: Executor, childId: string): Promise<boolean> {
  const result = await db
    .updateTable('gp_practice')
    .set({ valid_to: sql<Date>`now()` })
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

// Involvements

function selectInvolvements(db: Executor) {
  return db
    .selectFrom('involvement as i')
    .innerJoin('service as s', 's.id', 'i.service_id')
    .innerJoin('organisation as o', 'o.id', 's.organisation_id')
    .selectAll('i')
    .select([
      's.name as service_name',
      's.service_type as service_type',
      's.sensitive as service_sensitive',
      's.phone as service_phone',
      's.email as service_email',
      'o.id as organisation_id',
      'o.name as organisation_name',
    ]);
}

async function findInvolvement(db: Executor, involvementId: number): Promise<Involvement | undefined> {
  const row = await selectInvolvements(db).where('i.id', '=', involvementId).executeTakeFirst();
  return row === undefined ? undefined : involvementToDomain(row);
}

/**
 * Records a practitioner's involvement. It is sensitive if either the caller or the service says
 * so, and the database refuses a sensitive involvement without recorded consent. Undefined when
 * the service does not exist.
 */
export async function addInvolvement(
  db: Executor,
  childId: string,
  involvement: InvolvementDetails,
  provenance: Provenance,
): Promise<Involvement | undefined> {
  if (!isUuid(involvement.serviceId)) return undefined;
  const service = await db
    .selectFrom('service')
    .select('sensitive')
    .where('id', '=', involvement.serviceId)
    .executeTakeFirst();
  if (service === undefined) return undefined;
  const { id } = await db
    .insertInto('involvement')
    .values(
      involvementToRow(
        childId,
        { ...involvement, sensitive: involvement.sensitive || service.sensitive },
        provenance,
      ),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return findInvolvement(db, id);
}

export async function hasCurrentLeadProfessional(db: Executor, childId: string): Promise<boolean> {
  const row = await db
    .selectFrom('involvement')
    .select('id')
    .where('child_id', '=', childId)
    .where('lead_professional', '=', true)
    .where('ended_on', 'is', null)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** The current version of an involvement of this child, if it is current. */
export async function findCurrentInvolvement(
  db: Executor,
  childId: string,
  involvementId: number,
): Promise<Involvement | undefined> {
  const row = await selectInvolvements(db)
    .where('i.id', '=', involvementId)
    .where('i.child_id', '=', childId)
    .where('i.valid_to', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : involvementToDomain(row);
}

/**
 * Ends an involvement on `endedOn`: its current version is closed and a successor with the end
 * date inserted, so the record keeps who was involved and when they stopped. Undefined when the
 * involvement is not a current one of this child.
 */
export async function endInvolvement(
  db: Executor,
  childId: string,
  involvementId: number,
  endedOn: IsoDate,
  provenance: Provenance,
): Promise<Outcome<Involvement> | undefined> {
  const current = await findCurrentInvolvement(db, childId, involvementId);
  if (current === undefined) return undefined;
  if (current.endedOn === endedOn) return { value: current, changed: false };
  await close(db, 'involvement', [current.id]);
  const { id } = await db
    .insertInto('involvement')
    .values(involvementToRow(childId, { ...current, endedOn }, provenance))
    .returning('id')
    .executeTakeFirstOrThrow();
  const ended = await findInvolvement(db, id);
  if (ended === undefined) throw new Error('an involvement just inserted could not be read back');
  return { value: ended, changed: true };
}

// CAF indicator: one current.

export async function setCaf(
  db: Executor,
  childId: string,
  caf: CafDetails,
  provenance: Provenance,
): Promise<Outcome<CafIndicator>> {
  const row = await db
    .selectFrom('caf_indicator')
    .selectAll()
    .where('child_id', '=', childId)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  const current = row === undefined ? undefined : cafToDomain(row);
  if (current !== undefined && sameDetails(cafDetailsOf(current), cafDetailsOf(caf))) {
    return { value: current, changed: false };
  }
  if (current !== undefined) await close(db, 'caf_indicator', [current.id]);
  const inserted = await db
    .insertInto('caf_indicator')
    .values(cafToRow(childId, caf, provenance))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { value: cafToDomain(inserted), changed: true };
}

// Reading every row of a child, current and closed, oldest first.

export interface AttributeRows {
  readonly names: readonly ChildName[];
  readonly addresses: readonly ChildAddress[];
  readonly identifiers: readonly ChildIdentifier[];
  readonly carers: readonly Carer[];
  readonly educationalSettings: readonly EducationalSetting[];
  readonly gpPractices: readonly GpPractice[];
  readonly involvements: readonly Involvement[];
  readonly caf: readonly CafIndicator[];
}

/** Run sequentially: on the embedded engine there is one connection, and a transaction holds it. */
export async function loadAttributeRows(db: Executor, childId: string): Promise<AttributeRows> {
  const names = await db
    .selectFrom('child_name')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
  const addresses = await db
    .selectFrom('child_address')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
  const identifiers = await db
    .selectFrom('child_identifier')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
  const carers = await db
    .selectFrom('carer')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
  const settings = await db
    .selectFrom('educational_setting')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
  const practices = await db
    .selectFrom('gp_practice')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
  const involvements = await selectInvolvements(db)
    .where('i.child_id', '=', childId)
    .orderBy('i.valid_from')
    .orderBy('i.id')
    .execute();
  const caf = await db
    .selectFrom('caf_indicator')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
  return {
    names: names.map(nameToDomain),
    addresses: addresses.map(addressToDomain),
    identifiers: identifiers.map(identifierToDomain),
    carers: carers.map(carerToDomain),
    educationalSettings: settings.map(educationalSettingToDomain),
    gpPractices: practices.map(gpPracticeToDomain),
    involvements: involvements.map(involvementToDomain),
    caf: caf.map(cafToDomain),
  };
}

/** Every table holding a child's personal data row by row; the purge empties each for the child. */
export const PERSONAL_DATA_TABLES: readonly HistoryTableName[] = [
  'child_name',
  'child_address',
  'child_identifier',
  'carer',
  'educational_setting',
  'gp_practice',
  'involvement',
  'caf_indicator',
];

export async function deleteAttributeRows(db: Executor, childId: string): Promise<void> {
  for (const table of PERSONAL_DATA_TABLES) {
    await db.deleteFrom(table).where('child_id', '=', childId).execute();
  }
}
