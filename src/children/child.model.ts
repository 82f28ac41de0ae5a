/**
 * The child record as the rest of ContactPoint sees it: plain readonly data, no behaviour, no SQL.
 * Closed vocabularies are `as const` arrays so code can both iterate them and switch exhaustively;
 * the migration's check constraints list the same values.
 */

export const GENDERS = ['female', 'male', 'unknown', 'other'] as const;
export type Gender = (typeof GENDERS)[number];

export const CHILD_STATUSES = ['active', 'deceased', 'archived', 'purged'] as const;
export type ChildStatus = (typeof CHILD_STATUSES)[number];

export const SHIELD_REASONS = ['risk_to_child', 'risk_to_adult', 'crime_prevention', 'adoption'] as const;
export type ShieldReason = (typeof SHIELD_REASONS)[number];

export const EXTENSION_REASONS = ['care_leaver', 'learning_difficulties'] as const;
export type ExtensionReason = (typeof EXTENSION_REASONS)[number];

export const NAME_KINDS = ['current', 'former', 'alias', 'preferred'] as const;
export type NameKind = (typeof NAME_KINDS)[number];

export const IDENTIFIER_SCHEMES = ['nhs_number', 'upn', 'source_record'] as const;
export type IdentifierScheme = (typeof IDENTIFIER_SCHEMES)[number];

export const CARER_RELATIONSHIPS = [
  'mother',
  'father',
  'parent',
  'step_parent',
  'grandparent',
  'other_relative',
  'foster_carer',
  'special_guardian',
  'guardian',
  'other',
] as const;
export type CarerRelationship = (typeof CARER_RELATIONSHIPS)[number];

export const SERVICE_TYPES = [
  'education',
  'early_years',
  'health',
  'social_care',
  'youth_justice',
  'youth_support',
  'police',
  'housing',
  'voluntary',
  'sexual_health',
  'mental_health',
  'substance_misuse',
  'other',
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** Service types whose involvements are always sensitive: recorded only with consent. */
export const SENSITIVE_SERVICE_TYPES: readonly ServiceType[] = [
  'sexual_health',
  'mental_health',
  'substance_misuse',
];

export const SOURCE_KINDS = ['national', 'local', 'manual'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const BATCH_STATUSES = ['received', 'processing', 'completed', 'failed'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const CHILD_EVENT_KINDS = [
  'created',
  'details_changed',
  'shielded',
  'shield_changed',
  'unshielded',
  'deceased',
  'archived',
  'purged',
  'merged',
  'unmerged',
] as const;
export type ChildEventKind = (typeof CHILD_EVENT_KINDS)[number];

/** The source that supplies what users enter through ContactPoint itself (seeded by the migration). */
export const MANUAL_SOURCE = 'contactpoint';

/** A calendar date, 'YYYY-MM-DD': never a Date, so it cannot shift with the time zone. */
export type IsoDate = string;

export interface Provenance {
  readonly source: string;
  readonly batchId: number | null;
  readonly receivedAt: Date;
}

/** What every history row carries: where it came from and when it was part of the record. */
export interface Recorded {
  readonly id: number;
  readonly provenance: Provenance;
  readonly validFrom: Date;
  /** Null while the row is current. */
  readonly validTo: Date | null;
}

/** Current rows, and closed ones newest first. */
export interface History<T> {
  readonly current: readonly T[];
  readonly previous: readonly T[];
}

export interface PersonName {
  readonly forename: string;
  readonly middleNames: string | null;
  readonly surname: string;
}

export interface NameDetails extends PersonName {
  readonly kind: NameKind;
}
export type ChildName = NameDetails & Recorded;

export interface AddressDetails {
  readonly line1: string;
  readonly line2: string | null;
  readonly line3: string | null;
  readonly line4: string | null;
  readonly town: string | null;
  /** Normalised, e.g. 'SW1A 1AA'. */
  readonly postcode: string | null;
  readonly uprn: number | null;
}
export type ChildAddress = AddressDetails & Recorded;

export interface IdentifierDetails {
  readonly scheme: IdentifierScheme;
  /** Canonical form: NHS number as 10 digits, UPN upper-case. */
  readonly value: string;
}
/** For a 'source_record' identifier, `provenance.source` is the system the record id belongs to. */
export type ChildIdentifier = IdentifierDetails & Recorded;

export type CarerAddress = Omit<AddressDetails, 'uprn'>;

export interface CarerDetails {
  readonly name: string;
  readonly relationship: CarerRelationship;
  readonly parentalResponsibility: boolean;
  readonly phone: string | null;
  readonly email: string | null;
  readonly address: CarerAddress | null;
}
export type Carer = CarerDetails & Recorded;

export interface EducationalSettingDetails {
  /** DfE unique reference number. */
  readonly urn: string;
  readonly name: string;
  readonly phone: string | null;
  readonly startedOn: IsoDate | null;
}
export type EducationalSetting = EducationalSettingDetails & Recorded;

export interface GpPracticeDetails {
  readonly odsCode: string;
  readonly name: string;
  readonly phone: string | null;
  readonly startedOn: IsoDate | null;
}
export type GpPractice = GpPracticeDetails & Recorded;

export interface Consent {
  readonly recordedAt: Date;
  /** Who recorded it (a user id or name); not the young person. */
  readonly recordedBy: string;
}

export interface InvolvementDetails {
  readonly serviceId: string;
  readonly practitionerName: string;
  readonly practitionerPhone: string | null;
  readonly practitionerEmail: string | null;
  readonly startedOn: IsoDate;
  readonly endedOn: IsoDate | null;
  readonly leadProfessional: boolean;
  readonly sensitive: boolean;
  readonly consent: Consent | null;
}

export interface ServiceSummary {
  readonly id: string;
  readonly name: string;
  readonly type: ServiceType;
  readonly sensitive: boolean;
  readonly phone: string | null;
  readonly email: string | null;
  readonly organisation: { readonly id: string; readonly name: string };
}

export type Involvement = InvolvementDetails & Recorded & { readonly service: ServiceSummary };

export interface CafDetails {
  readonly exists: boolean;
  readonly completedOn: IsoDate | null;
  readonly holderName: string | null;
  readonly holderPhone: string | null;
  readonly holderEmail: string | null;
}
export type CafIndicator = CafDetails & Recorded;

export interface ShieldDetails {
  readonly reason: ShieldReason;
  readonly reviewDate: IsoDate;
}

export interface Shield extends ShieldDetails {
  readonly shieldedAt: Date;
}

export interface Extension {
  readonly reason: ExtensionReason;
  /** When the young person consented to their record being kept to 25. */
  readonly consentDate: IsoDate;
}

export interface LocalAuthority {
  /** DfE three-digit LA code. */
  readonly code: string;
  readonly name: string;
  /** Shown on a shielded record in place of anything that could locate the child. */
  readonly managementTeam: { readonly name: string; readonly phone: string; readonly email: string };
}

export interface Source {
  readonly name: string;
  readonly kind: SourceKind;
  readonly description: string;
}

export interface SourceBatch {
  readonly id: number;
  readonly source: string;
  readonly checksum: string;
  readonly receivedAt: Date;
  readonly completedAt: Date | null;
  readonly status: BatchStatus;
  readonly rowCount: number;
  readonly acceptedCount: number;
  readonly quarantinedCount: number;
}

export interface Organisation {
  readonly id: string;
  readonly name: string;
  readonly localAuthority: string | null;
  readonly phone: string | null;
  readonly email: string | null;
}

export interface Service {
  readonly id: string;
  readonly organisationId: string;
  readonly name: string;
  readonly type: ServiceType;
  readonly sensitive: boolean;
  readonly phone: string | null;
  readonly email: string | null;
}

export interface ChildEvent {
  readonly id: number;
  readonly at: Date;
  readonly kind: ChildEventKind;
  /** Never holds more personal data than the child's own columns did. */
  readonly detail: Readonly<Record<string, unknown>>;
  readonly actor: string;
}

/** The child's own columns: what a search result or a lock needs without the attribute tables. */
export interface ChildCore {
  readonly id: string;
  readonly contactPointId: string;
  readonly status: ChildStatus;
  /** Null only once purged. */
  readonly gender: Gender | null;
  /** Null only once purged. */
  readonly dateOfBirth: IsoDate | null;
  readonly dateOfDeath: IsoDate | null;
  readonly responsibleLa: string | null;
  readonly shield: Shield | null;
  readonly postAdoption: boolean;
  readonly extension: Extension | null;
  readonly archivedAt: IsoDate | null;
  readonly purgedAt: IsoDate | null;
  readonly mergedInto: string | null;
  /** Provenance of gender and the dates of birth and death. */
  readonly provenance: Provenance;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly version: number;
}

/**
 * Everything held about a child, current and past. Shielding and sensitive-service visibility are
 * applied by the access layer, not here: this is the whole record.
 */
export interface ChildRecord extends ChildCore {
  readonly localAuthority: LocalAuthority | null;
  readonly names: History<ChildName>;
  readonly addresses: History<ChildAddress>;
  readonly identifiers: History<ChildIdentifier>;
  readonly carers: History<Carer>;
  readonly educationalSettings: History<EducationalSetting>;
  readonly gpPractices: History<GpPractice>;
  readonly involvements: History<Involvement>;
  readonly caf: History<CafIndicator>;
  /** Oldest first. */
  readonly events: readonly ChildEvent[];
}
