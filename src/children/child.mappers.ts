import type { Insertable, Selectable } from 'kysely';
import {
  BATCH_STATUSES,
  CARER_RELATIONSHIPS,
  CHILD_EVENT_KINDS,
  CHILD_STATUSES,
  EXTENSION_REASONS,
  GENDERS,
  IDENTIFIER_SCHEMES,
  NAME_KINDS,
  SERVICE_TYPES,
  SHIELD_REASONS,
  SOURCE_KINDS,
} from './child.model.ts';
import type {
  AddressDetails,
  CafDetails,
  CafIndicator,
  Carer,
  CarerDetails,
  ChildAddress,
  ChildCore,
  ChildEvent,
  ChildIdentifier,
  ChildName,
  EducationalSetting,
  EducationalSettingDetails,
  GpPractice,
  GpPracticeDetails,
  History,
  IdentifierDetails,
  Involvement,
  InvolvementDetails,
  IsoDate,
  LocalAuthority,
  NameDetails,
  Organisation,
  Provenance,
  Recorded,
  Service,
  Shield,
  ShieldDetails,
  Source,
  SourceBatch,
  Extension,
  Gender,
} from './child.model.ts';
import type {
  CafIndicatorTable,
  CarerTable,
  ChildAddressTable,
  ChildEventTable,
  ChildIdentifierTable,
  ChildNameTable,
  ChildTable,
  EducationalSettingTable,
  GpPracticeTable,
  InvolvementTable,
  LocalAuthorityTable,
  OrganisationTable,
  ServiceTable,
  SourceBatchTable,
  SourceTable,
} from './child.table.ts';
import { nameKey } from './search-keys.ts';

/**
 * Explicit row <-> domain mappers. Reading a value outside a closed vocabulary, or a half-set
 * shield, means the database broke an invariant its constraints should hold: that throws rather
 * than passing a record the rest of the system cannot reason about.
 */

class CorruptRowError extends Error {
  override readonly name = 'CorruptRowError';
}

function oneOf<T extends string>(allowed: readonly T[], value: string, what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CorruptRowError(`${what} holds a value outside its vocabulary`);
  }
  return value as T;
}

function present<T>(value: T | null, what: string): T {
  if (value === null) throw new CorruptRowError(`${what} is missing`);
  return value;
}

interface ProvenanceRow {
  source_name: string;
  batch_id: number | null;
  received_at: Date;
}

export function provenanceOf(row: ProvenanceRow): Provenance {
  return { source: row.source_name, batchId: row.batch_id, receivedAt: row.received_at };
}

export function provenanceColumns(provenance: Provenance): ProvenanceRow {
  return {
    source_name: provenance.source,
    batch_id: provenance.batchId,
    received_at: provenance.receivedAt,
  };
}

interface HistoryRow extends ProvenanceRow {
  id: number;
  valid_from: Date;
  valid_to: Date | null;
}

function recordedOf(row: HistoryRow): Recorded {
  return { id: row.id, provenance: provenanceOf(row), validFrom: row.valid_from, validTo: row.valid_to };
}

/** Splits rows into current and closed, the closed newest first. */
export function historyOf<T extends Recorded>(rows: readonly T[]): History<T> {
  const current = rows.filter((row) => row.validTo === null);
  const previous = rows
    .filter((row): row is T & { validTo: Date } => row.validTo !== null)
    .sort((a, b) => b.validTo.getTime() - a.validTo.getTime() || b.id - a.id);
  return { current, previous };
}

export function childToDomain(row: Selectable<ChildTable>): ChildCore {
  const shield: Shield | null = row.shielded
    ? {
        reason: oneOf(SHIELD_REASONS, present(row.shield_reason, 'shield reason'), 'shield reason'),
        reviewDate: present(row.shield_review_date, 'shield review date'),
        shieldedAt: present(row.shielded_at, 'shielded at'),
      }
    : null;
  const extension: Extension | null =
    row.extension_to_25 === null
      ? null
      : {
          reason: oneOf(EXTENSION_REASONS, row.extension_to_25, 'extension'),
          consentDate: present(row.extension_consent_date, 'extension consent date'),
        };
  return {
    id: row.id,
    contactPointId: row.contactpoint_id,
    status: oneOf(CHILD_STATUSES, row.status, 'status'),
    gender: row.gender === null ? null : oneOf(GENDERS, row.gender, 'gender'),
    dateOfBirth: row.date_of_birth,
    dateOfDeath: row.date_of_death,
    responsibleLa: row.responsible_la,
    shield,
    postAdoption: row.post_adoption,
    extension,
    archivedAt: row.archived_at,
    purgedAt: row.purged_at,
    mergedInto: row.merged_into,
    provenance: provenanceOf(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** What creating a child writes to its own row; attributes go to their tables. */
export interface NewChild {
  readonly contactPointId: string;
  readonly gender: Gender;
  readonly dateOfBirth: IsoDate;
  readonly dateOfDeath: IsoDate | null;
  readonly responsibleLa: string | null;
  readonly shield: ShieldDetails | null;
  readonly postAdoption: boolean;
  readonly extension: Extension | null;
  readonly provenance: Provenance;
}

/** `shielded_at` is left to the repository so it comes from the database clock. */
export function childToRow(child: NewChild): Insertable<ChildTable> {
  return {
    contactpoint_id: child.contactPointId,
    status: child.dateOfDeath === null ? 'active' : 'deceased',
    gender: child.gender,
    date_of_birth: child.dateOfBirth,
    date_of_death: child.dateOfDeath,
    responsible_la: child.responsibleLa,
    shielded: child.shield !== null,
    shield_reason: child.shield?.reason ?? null,
    shield_review_date: child.shield?.reviewDate ?? null,
    post_adoption: child.postAdoption,
    extension_to_25: child.extension?.reason ?? null,
    extension_consent_date: child.extension?.consentDate ?? null,
    ...provenanceColumns(child.provenance),
  };
}

export function localAuthorityToDomain(row: Selectable<LocalAuthorityTable>): LocalAuthority {
  return {
    code: row.code,
    name: row.name,
    managementTeam: {
      name: row.management_team_name,
      phone: row.management_team_phone,
      email: row.management_team_email,
    },
  };
}

export function localAuthorityToRow(la: LocalAuthority): Insertable<LocalAuthorityTable> {
  return {
    code: la.code,
    name: la.name,
    management_team_name: la.managementTeam.name,
    management_team_phone: la.managementTeam.phone,
    management_team_email: la.managementTeam.email,
  };
}

export function sourceToDomain(row: Selectable<SourceTable>): Source {
  return { name: row.name, kind: oneOf(SOURCE_KINDS, row.kind, 'source kind'), description: row.description };
}

export function sourceBatchToDomain(row: Selectable<SourceBatchTable>): SourceBatch {
  return {
    id: row.id,
    source: row.source_name,
    checksum: row.checksum,
    receivedAt: row.received_at,
    completedAt: row.completed_at,
    status: oneOf(BATCH_STATUSES, row.status, 'batch status'),
    rowCount: row.row_count,
    acceptedCount: row.accepted_count,
    quarantinedCount: row.quarantined_count,
  };
}

export function organisationToDomain(row: Selectable<OrganisationTable>): Organisation {
  return {
    id: row.id,
    name: row.name,
    localAuthority: row.local_authority,
    phone: row.phone,
    email: row.email,
  };
}

export function serviceToDomain(row: Selectable<ServiceTable>): Service {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    type: oneOf(SERVICE_TYPES, row.service_type, 'service type'),
    sensitive: row.sensitive,
    phone: row.phone,
    email: row.email,
  };
}

export function nameToDomain(row: Selectable<ChildNameTable>): ChildName {
  return {
    ...recordedOf(row),
    kind: oneOf(NAME_KINDS, row.kind, 'name kind'),
    forename: row.forename,
    middleNames: row.middle_names,
    surname: row.surname,
  };
}

export function nameToRow(
  childId: string,
  name: NameDetails,
  provenance: Provenance,
): Insertable<ChildNameTable> {
  return {
    child_id: childId,
    kind: name.kind,
    forename: name.forename,
    middle_names: name.middleNames,
    surname: name.surname,
    forename_key: nameKey(name.forename),
    surname_key: nameKey(name.surname),
    ...provenanceColumns(provenance),
  };
}

export function addressToDomain(row: Selectable<ChildAddressTable>): ChildAddress {
  return {
    ...recordedOf(row),
    line1: row.line1,
    line2: row.line2,
    line3: row.line3,
    line4: row.line4,
    town: row.town,
    postcode: row.postcode,
    uprn: row.uprn,
  };
}

export function addressToRow(
  childId: string,
  address: AddressDetails,
  provenance: Provenance,
): Insertable<ChildAddressTable> {
  return {
    child_id: childId,
    line1: address.line1,
    line2: address.line2,
    line3: address.line3,
    line4: address.line4,
    town: address.town,
    postcode: address.postcode,
    uprn: address.uprn,
    ...provenanceColumns(provenance),
  };
}

export function identifierToDomain(row: Selectable<ChildIdentifierTable>): ChildIdentifier {
  return {
    ...recordedOf(row),
    scheme: oneOf(IDENTIFIER_SCHEMES, row.scheme, 'identifier scheme'),
    value: row.value,
  };
}

export function identifierToRow(
  childId: string,
  identifier: IdentifierDetails,
  provenance: Provenance,
): Insertable<ChildIdentifierTable> {
  return {
    child_id: childId,
    scheme: identifier.scheme,
    value: identifier.value,
    ...provenanceColumns(provenance),
  };
}

export function carerToDomain(row: Selectable<CarerTable>): Carer {
  return {
    ...recordedOf(row),
    name: row.name,
    relationship: oneOf(CARER_RELATIONSHIPS, row.relationship, 'carer relationship'),
    parentalResponsibility: row.parental_responsibility,
    phone: row.phone,
    email: row.email,
    address:
      row.address_line1 === null
        ? null
        : {
            line1: row.address_line1,
            line2: row.address_line2,
            line3: row.address_line3,
            line4: row.address_line4,
            town: row.address_town,
            postcode: row.address_postcode,
          },
  };
}

export function carerToRow(
  childId: string,
  carer: CarerDetails,
  provenance: Provenance,
): Insertable<CarerTable> {
  return {
    child_id: childId,
    name: carer.name,
    relationship: carer.relationship,
    parental_responsibility: carer.parentalResponsibility,
    phone: carer.phone,
    email: carer.email,
    address_line1: carer.address?.line1 ?? null,
    address_line2: carer.address?.line2 ?? null,
    address_line3: carer.address?.line3 ?? null,
    address_line4: carer.address?.line4 ?? null,
    address_town: carer.address?.town ?? null,
    address_postcode: carer.address?.postcode ?? null,
    ...provenanceColumns(provenance),
  };
}

export function educationalSettingToDomain(row: Selectable<EducationalSettingTable>): EducationalSetting {
  return { ...recordedOf(row), urn: row.urn, name: row.name, phone: row.phone, startedOn: row.started_on };
}

export function educationalSettingToRow(
  childId: string,
  setting: EducationalSettingDetails,
  provenance: Provenance,
): Insertable<EducationalSettingTable> {
  return {
    child_id: childId,
    urn: setting.urn,
    name: setting.name,
    phone: setting.phone,
    started_on: setting.startedOn,
    ...provenanceColumns(provenance),
  };
}

export function gpPracticeToDomain(row: Selectable<GpPracticeTable>): GpPractice {
  return {
    ...recordedOf(row),
    odsCode: row.ods_code,
    name: row.name,
    phone: row.phone,
    startedOn: row.started_on,
  };
}

export function gpPracticeToRow(
  childId: string,
  practice: GpPracticeDetails,
  provenance: Provenance,
): Insertable<GpPracticeTable> {
  return {
    child_id: childId,
    ods_code: practice.odsCode,
    name: practice.name,
    phone: practice.phone,
    started_on: practice.startedOn,
    ...provenanceColumns(provenance),
  };
}

/** An involvement row joined to its service and organisation. */
export interface InvolvementServiceRow extends Selectable<InvolvementTable> {
  service_name: string;
  service_type: string;
  service_sensitive: boolean;
  service_phone: string | null;
  service_email: string | null;
  organisation_id: string;
  organisation_name: string;
}

export function involvementToDomain(row: InvolvementServiceRow): Involvement {
  return {
    ...recordedOf(row),
    serviceId: row.service_id,
    practitionerName: row.practitioner_name,
    practitionerPhone: row.practitioner_phone,
    practitionerEmail: row.practitioner_email,
    startedOn: row.started_on,
    endedOn: row.ended_on,
    leadProfessional: row.lead_professional,
    sensitive: row.sensitive,
    consent:
      row.consent_recorded_at === null
        ? null
        : {
            recordedAt: row.consent_recorded_at,
            recordedBy: present(row.consent_recorded_by, 'consent recorded by'),
          },
    service: {
      id: row.service_id,
      name: row.service_name,
      type: oneOf(SERVICE_TYPES, row.service_type, 'service type'),
      sensitive: row.service_sensitive,
      phone: row.service_phone,
      email: row.service_email,
      organisation: { id: row.organisation_id, name: row.organisation_name },
    },
  };
}

export function involvementToRow(
  childId: string,
  involvement: InvolvementDetails,
  provenance: Provenance,
): Insertable<InvolvementTable> {
  return {
    child_id: childId,
    service_id: involvement.serviceId,
    practitioner_name: involvement.practitionerName,
    practitioner_phone: involvement.practitionerPhone,
    practitioner_email: involvement.practitionerEmail,
    started_on: involvement.startedOn,
    ended_on: involvement.endedOn,
    lead_professional: involvement.leadProfessional,
    sensitive: involvement.sensitive,
    consent_recorded_at: involvement.consent?.recordedAt ?? null,
    consent_recorded_by: involvement.consent?.recordedBy ?? null,
    ...provenanceColumns(provenance),
  };
}

export function cafToDomain(row: Selectable<CafIndicatorTable>): CafIndicator {
  return {
    ...recordedOf(row),
    exists: row.assessment_exists,
    completedOn: row.completed_on,
    holderName: row.holder_name,
    holderPhone: row.holder_phone,
    holderEmail: row.holder_email,
  };
}

export function cafToRow(
  childId: string,
  caf: CafDetails,
  provenance: Provenance,
): Insertable<CafIndicatorTable> {
  return {
    child_id: childId,
    assessment_exists: caf.exists,
    completed_on: caf.completedOn,
    holder_name: caf.holderName,
    holder_phone: caf.holderPhone,
    holder_email: caf.holderEmail,
    ...provenanceColumns(provenance),
  };
}

export function eventToDomain(row: Selectable<ChildEventTable>): ChildEvent {
  return {
    id: row.id,
    at: row.at,
    kind: oneOf(CHILD_EVENT_KINDS, row.kind, 'event kind'),
    detail: row.detail,
    actor: row.actor,
  };
}

// The details-only views below let the repository tell a restatement of the current value (which
// changes nothing, so re-running a batch is a no-op) from a real change.

export function nameDetailsOf(name: NameDetails): NameDetails {
  return { kind: name.kind, forename: name.forename, middleNames: name.middleNames, surname: name.surname };
}

export function addressDetailsOf(address: AddressDetails): AddressDetails {
  const { line1, line2, line3, line4, town, postcode, uprn } = address;
  return { line1, line2, line3, line4, town, postcode, uprn };
}

export function carerDetailsOf(carer: CarerDetails): CarerDetails {
  const { name, relationship, parentalResponsibility, phone, email, address } = carer;
  return {
    name,
    relationship,
    parentalResponsibility,
    phone,
    email,
    address:
      address === null
        ? null
        : {
            line1: address.line1,
            line2: address.line2,
            line3: address.line3,
            line4: address.line4,
            town: address.town,
            postcode: address.postcode,
          },
  };
}

export function educationalSettingDetailsOf(setting: EducationalSettingDetails): EducationalSettingDetails {
  const { urn, name, phone, startedOn } = setting;
  return { urn, name, phone, startedOn };
}

export function gpPracticeDetailsOf(practice: GpPracticeDetails): GpPracticeDetails {
  const { odsCode, name, phone, startedOn } = practice;
  return { odsCode, name, phone, startedOn };
}

export function cafDetailsOf(caf: CafDetails): CafDetails {
  const { exists, completedOn, holderName, holderPhone, holderEmail } = caf;
  return { exists, completedOn, holderName, holderPhone, holderEmail };
}

/** Structural equality of plain details objects (strings, numbers, booleans, null, nested objects). */
export function sameDetails(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) =>
    sameDetails((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
