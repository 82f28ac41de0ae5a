import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

/**
 * Kysely's view of the child-record tables (migration 20261125181000_child_record.sql).
 *
 * Both engines read `date` columns as 'YYYY-MM-DD' strings, bigint as number and timestamptz as Date.
 * In the history-kept tables every column but `valid_to` has an update type of `never`: a change
 * closes the row and inserts another, and the compiler refuses code that would edit one in place.
 */

/** Written once on insert, never updated. Nullable when T includes null (and then optional on insert). */
type Fixed<T> = ColumnType<T, T, never>;
/** Has a database default; never updated. */
type FixedDefault<T> = ColumnType<T, T | undefined, never>;

interface ProvenanceColumns {
  source_name: Fixed<string>;
  batch_id: Fixed<number | null>;
  received_at: Fixed<Date>;
}

interface HistoryColumns extends ProvenanceColumns {
  id: GeneratedAlways<number>;
  child_id: Fixed<string>;
  valid_from: FixedDefault<Date>;
  /** The one column a history row may have updated: set once, when the row is closed. */
  valid_to: ColumnType<Date | null, Date | null | undefined, Date>;
}

export interface LocalAuthorityTable {
  code: string;
  name: string;
  management_team_name: string;
  management_team_phone: string;
  management_team_email: string;
  created_at: Generated<Date>;
}

export interface SourceTable {
  name: string;
  kind: string;
  description: Generated<string>;
  created_at: Generated<Date>;
  /** Rank per field (higher wins), from the source's declaration; see survivorship.ts. */
  precedence: ColumnType<Record<string, number>, string | undefined, string>;
}

export interface SourceBatchTable {
  id: GeneratedAlways<number>;
  received_at: Generated<Date>;
  completed_at: Date | null;
  row_count: Generated<number>;
  accepted_count: Generated<number>;
  quarantined_count: Generated<number>;
  source_name: string;
  checksum: string;
  status: Generated<string>;
}

export interface ChildTable {
  id: Generated<string>;
  merged_into: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  received_at: Date;
  shielded_at: Date | null;
  batch_id: number | null;
  date_of_birth: string | null;
  date_of_death: string | null;
  shield_review_date: string | null;
  extension_consent_date: string | null;
  archived_at: string | null;
  purged_at: string | null;
  version: Generated<number>;
  shielded: Generated<boolean>;
  post_adoption: Generated<boolean>;
  contactpoint_id: string;
  status: Generated<string>;
  gender: string | null;
  responsible_la: string | null;
  source_name: string;
  shield_reason: string | null;
  extension_to_25: string | null;
}

export interface ChildNameTable extends HistoryColumns {
  kind: Fixed<string>;
  forename: Fixed<string>;
  middle_names: Fixed<string | null>;
  surname: Fixed<string>;
  forename_key: Fixed<string>;
  surname_key: Fixed<string>;
}

export interface ChildAddressTable extends HistoryColumns {
  uprn: Fixed<number | null>;
  line1: Fixed<string>;
  line2: Fixed<string | null>;
  line3: Fixed<string | null>;
  line4: Fixed<string | null>;
  town: Fixed<string | null>;
  postcode: Fixed<string | null>;
  postcode_key: GeneratedAlways<string | null>;
}

export interface ChildIdentifierTable extends HistoryColumns {
  scheme: Fixed<string>;
  value: Fixed<string>;
}

export interface CarerTable extends HistoryColumns {
  parental_responsibility: Fixed<boolean>;
  name: Fixed<string>;
  relationship: Fixed<string>;
  phone: Fixed<string | null>;
  email: Fixed<string | null>;
  address_line1: Fixed<string | null>;
  address_line2: Fixed<string | null>;
  address_line3: Fixed<string | null>;
  address_line4: Fixed<string | null>;
  address_town: Fixed<string | null>;
  address_postcode: Fixed<string | null>;
}

export interface EducationalSettingTable extends HistoryColumns {
  started_on: Fixed<string | null>;
  urn: Fixed<string>;
  name: Fixed<string>;
  phone: Fixed<string | null>;
}

export interface GpPracticeTable extends HistoryColumns {
  started_on: Fixed<string | null>;
  ods_code: Fixed<string>;
  name: Fixed<string>;
  phone: Fixed<string | null>;
}

export interface OrganisationTable {
  id: Generated<string>;
  created_at: Generated<Date>;
  name: string;
  local_authority: string | null;
  phone: string | null;
  email: string | null;
}

export interface ServiceTable {
  id: Generated<string>;
  organisation_id: string;
  created_at: Generated<Date>;
  sensitive: boolean;
  name: string;
  service_type: string;
  phone: string | null;
  email: string | null;
}

export interface InvolvementTable extends HistoryColumns {
  service_id: Fixed<string>;
  consent_recorded_at: Fixed<Date | null>;
  started_on: Fixed<string>;
  ended_on: Fixed<string | null>;
  lead_professional: FixedDefault<boolean>;
  sensitive: FixedDefault<boolean>;
  practitioner_name: Fixed<string>;
  practitioner_phone: Fixed<string | null>;
  practitioner_email: Fixed<string | null>;
  consent_recorded_by: Fixed<string | null>;
}

export interface CafIndicatorTable extends HistoryColumns {
  completed_on: Fixed<string | null>;
  assessment_exists: Fixed<boolean>;
  holder_name: Fixed<string | null>;
  holder_phone: Fixed<string | null>;
  holder_email: Fixed<string | null>;
}

export interface ChildEventTable {
  id: GeneratedAlways<number>;
  child_id: Fixed<string>;
  at: FixedDefault<Date>;
  kind: Fixed<string>;
  /** Read back parsed; written as JSON text so both drivers send it the same way. */
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  actor: Fixed<string>;
}

/** The child-record tables, spread into the application's `Database`. */
export interface ChildRecordTables {
  local_authority: LocalAuthorityTable;
  source: SourceTable;
  source_batch: SourceBatchTable;
  child: ChildTable;
  child_name: ChildNameTable;
  child_address: ChildAddressTable;
  child_identifier: ChildIdentifierTable;
  carer: CarerTable;
  educational_setting: EducationalSettingTable;
  gp_practice: GpPracticeTable;
  organisation: OrganisationTable;
  service: ServiceTable;
  involvement: InvolvementTable;
  caf_indicator: CafIndicatorTable;
  child_event: ChildEventTable;
}

/** The tables whose rows are history: closed, never edited. */
export type HistoryTableName =
  | 'child_name'
  | 'child_address'
  | 'child_identifier'
  | 'carer'
  | 'educational_setting'
  | 'gp_practice'
  | 'involvement'
  | 'caf_indicator';
