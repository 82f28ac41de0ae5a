import { normalisePostcode } from './identifiers/postcode.ts';
import { validateNhsNumber } from './identifiers/nhs-number.ts';
import { validateUpn } from './identifiers/upn.ts';
import { ChildRecordError } from './child.errors.ts';
import {
  CARER_RELATIONSHIPS,
  EXTENSION_REASONS,
  GENDERS,
  IDENTIFIER_SCHEMES,
  NAME_KINDS,
  SHIELD_REASONS,
} from './child.model.ts';
import type {
  AddressDetails,
  CafDetails,
  CarerAddress,
  CarerDetails,
  CarerRelationship,
  EducationalSettingDetails,
  Extension,
  ExtensionReason,
  Gender,
  GpPracticeDetails,
  IdentifierDetails,
  IdentifierScheme,
  InvolvementDetails,
  IsoDate,
  NameDetails,
  NameKind,
  PersonName,
  Provenance,
  ShieldDetails,
  ShieldReason,
} from './child.model.ts';

/**
 * Checks and normalises what callers hand the child service, before anything reaches the
 * database: the database's constraints are the backstop, these give the caller a message naming
 * the rule. Messages never echo the value supplied, so they are safe to log.
 *
 * Input shapes are looser than the domain (optional fields, untrusted strings from HTTP or CSV);
 * each function returns the canonical domain value or throws a ChildRecordError.
 */

// Input types

export interface ProvenanceInput {
  readonly source: string;
  readonly batchId?: number | null;
  /** Defaults to now. */
  readonly receivedAt?: Date;
}

export interface NameInput {
  readonly forename: string;
  readonly middleNames?: string | null;
  readonly surname: string;
}

export interface OtherNameInput extends NameInput {
  readonly kind: Exclude<NameKind, 'current'>;
}

export interface AddressInput {
  readonly line1: string;
  readonly line2?: string | null;
  readonly line3?: string | null;
  readonly line4?: string | null;
  readonly town?: string | null;
  readonly postcode?: string | null;
  readonly uprn?: number | null;
}

export interface IdentifierInput {
  readonly scheme: IdentifierScheme;
  readonly value: string;
}

export interface CarerInput {
  readonly name: string;
  readonly relationship: CarerRelationship;
  readonly parentalResponsibility: boolean;
  readonly phone?: string | null;
  readonly email?: string | null;
  readonly address?: Omit<AddressInput, 'uprn'> | null;
}

export interface EducationalSettingInput {
  readonly urn: string;
  readonly name: string;
  readonly phone?: string | null;
  readonly startedOn?: IsoDate | null;
}

export interface GpPracticeInput {
  readonly odsCode: string;
  readonly name: string;
  readonly phone?: string | null;
  readonly startedOn?: IsoDate | null;
}

export interface InvolvementInput {
  readonly serviceId: string;
  readonly practitionerName: string;
  readonly practitionerPhone?: string | null;
  readonly practitionerEmail?: string | null;
  readonly startedOn: IsoDate;
  readonly leadProfessional?: boolean;
  readonly sensitive?: boolean;
  readonly consent?: { readonly recordedAt: Date; readonly recordedBy: string } | null;
}

export interface CafInput {
  readonly exists: boolean;
  readonly completedOn?: IsoDate | null;
  readonly holderName?: string | null;
  readonly holderPhone?: string | null;
  readonly holderEmail?: string | null;
}

// Helpers

function invalid(rule: string, message: string): ChildRecordError {
  return new ChildRecordError('INVALID_INPUT', message, rule);
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, rule: string, what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(rule, `${what} must be one of: ${allowed.join(', ')}`);
  }
  return value as T;
}

function required(value: unknown, rule: string, what: string, maxLength = 200): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') throw invalid(rule, `${what} is required`);
  if (text.length > maxLength) throw invalid(rule, `${what} must be at most ${maxLength} characters`);
  return text;
}

/** Blank means absent: feeds send empty strings for missing values. */
function optional(value: unknown, rule: string, what: string, maxLength = 200): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(rule, `${what} must be text`);
  const text = value.trim();
  if (text === '') return null;
  if (text.length > maxLength) throw invalid(rule, `${what} must be at most ${maxLength} characters`);
  return text;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (match === null) return false;
  const [, y = '', m = '', d = ''] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return (
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(m) - 1 &&
    date.getUTCDate() === Number(d)
  );
}

function date(value: unknown, rule: string, what: string): IsoDate {
  if (!isIsoDate(value)) throw invalid(rule, `${what} must be a real date written YYYY-MM-DD`);
  return value;
}

function pastDate(value: unknown, today: IsoDate, rule: string, what: string): IsoDate {
  const checked = date(value, rule, what);
  if (checked > today) throw invalid(rule, `${what} must not be in the future`);
  return checked;
}

const LONDON_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date in England at `now`: a record's dates are English dates, not UTC ones. */
export function londonDate(now: Date): IsoDate {
  return LONDON_DATE.format(now);
}

/** `date` plus whole years; 29 February becomes 28 February in a common year. */
export function addYears(value: IsoDate, years: number): IsoDate {
  const [y = 0, m = 1, d = 1] = value.split('-').map(Number);
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCDate() !== d) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

function postcode(value: unknown, rule: string): string | null {
  const text = optional(value, rule, 'Postcode', 16);
  if (text === null) return null;
  const result = normalisePostcode(text);
  if (!result.ok) throw invalid(result.rule, `Postcode is not valid: ${result.message}`);
  return result.value;
}

// Validators

export function validProvenance(input: ProvenanceInput, now: Date): Provenance {
  const source = required(input.source, 'provenance.source', 'Source', 64);
  const batchId = input.batchId ?? null;
  if (batchId !== null && (!Number.isSafeInteger(batchId) || batchId < 1)) {
    throw invalid('provenance.batch', 'Batch id must be a positive whole number');
  }
  const receivedAt = input.receivedAt ?? now;
  if (!(receivedAt instanceof Date) || Number.isNaN(receivedAt.getTime())) {
    throw invalid('provenance.received-at', 'Received-at must be a valid time');
  }
  return { source, batchId, receivedAt };
}

export function validGender(value: unknown): Gender {
  return oneOf(GENDERS, value, 'child.gender', 'Gender');
}

export function validDateOfBirth(value: unknown, today: IsoDate): IsoDate {
  return pastDate(value, today, 'child.date-of-birth', 'Date of birth');
}

export function validDateOfDeath(value: unknown, dateOfBirth: IsoDate, today: IsoDate): IsoDate {
  const checked = pastDate(value, today, 'child.date-of-death', 'Date of death');
  if (checked < dateOfBirth)
    throw invalid('child.date-of-death', 'Date of death must not be before the date of birth');
  return checked;
}

export function validLaCode(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9]{3}$/.test(value)) {
    throw invalid('child.responsible-la', 'Local authority code must be three digits');
  }
  return value;
}

export function validName(input: NameInput): PersonName {
  return {
    forename: required(input.forename, 'name.forename', 'Forename', 100),
    middleNames: optional(input.middleNames, 'name.middle-names', 'Middle names', 200),
    surname: required(input.surname, 'name.surname', 'Surname', 100),
  };
}

export function validOtherName(input: OtherNameInput): NameDetails {
  const kind = oneOf(NAME_KINDS, input.kind, 'name.kind', 'Name kind');
  if (kind === 'current')
    throw invalid('name.kind', 'A current name is recorded as the name, not as another name');
  return { kind, ...validName(input) };
}

export function validAddress(input: AddressInput): AddressDetails {
  const uprn = input.uprn ?? null;
  if (uprn !== null && (!Number.isSafeInteger(uprn) || uprn < 1 || uprn > 999_999_999_999)) {
    throw invalid('address.uprn', 'UPRN must be a whole number of up to 12 digits');
  }
  return {
    line1: required(input.line1, 'address.line1', 'Address line 1'),
    line2: optional(input.line2, 'address.line2', 'Address line 2'),
    line3: optional(input.line3, 'address.line3', 'Address line 3'),
    line4: optional(input.line4, 'address.line4', 'Address line 4'),
    town: optional(input.town, 'address.town', 'Town', 100),
    postcode: postcode(input.postcode, 'address.postcode'),
    uprn,
  };
}

export const IDENTIFIER_LABELS: Readonly<Record<IdentifierScheme, string>> = {
  nhs_number: 'NHS number',
  upn: 'UPN',
  source_record: 'source record id',
};

export function validIdentifier(input: IdentifierInput): IdentifierDetails {
  const scheme = oneOf(IDENTIFIER_SCHEMES, input.scheme, 'identifier.scheme', 'Identifier scheme');
  const value: unknown = input.value;
  if (typeof value !== 'string') {
    throw new ChildRecordError(
      'INVALID_IDENTIFIER',
      `The ${IDENTIFIER_LABELS[scheme]} must be text`,
      'identifier.type',
    );
  }
  switch (scheme) {
    case 'nhs_number':
    case 'upn': {
      const result = scheme === 'nhs_number' ? validateNhsNumber(value) : validateUpn(value);
      if (!result.ok) {
        throw new ChildRecordError(
          'INVALID_IDENTIFIER',
          `${IDENTIFIER_LABELS[scheme]} is not valid (${result.rule}): ${result.message}`,
          result.rule,
        );
      }
      return { scheme, value: result.value };
    }
    case 'source_record': {
      const text = value.trim();
      if (text === '' || text.length > 64) {
        throw new ChildRecordError(
          'INVALID_IDENTIFIER',
          'Source record id is not valid (source-record.length): it must be 1 to 64 characters',
          'source-record.length',
        );
      }
      return { scheme, value: text };
    }
  }
}

function validCarerAddress(input: Omit<AddressInput, 'uprn'>): CarerAddress {
  const address = validAddress({ ...input, uprn: null });
  return {
    line1: address.line1,
    line2: address.line2,
    line3: address.line3,
    line4: address.line4,
    town: address.town,
    postcode: address.postcode,
  };
}

export function validCarer(input: CarerInput): CarerDetails {
  return {
    name: required(input.name, 'carer.name', 'Carer name'),
    relationship: oneOf(CARER_RELATIONSHIPS, input.relationship, 'carer.relationship', 'Carer relationship'),
    parentalResponsibility: boolean(
      input.parentalResponsibility,
      'carer.parental-responsibility',
      'Parental responsibility',
    ),
    phone: optional(input.phone, 'carer.phone', 'Carer phone', 40),
    email: optional(input.email, 'carer.email', 'Carer email', 254),
    address: input.address == null ? null : validCarerAddress(input.address),
  };
}

function boolean(value: unknown, rule: string, what: string): boolean {
  if (typeof value !== 'boolean') throw invalid(rule, `${what} must be true or false`);
  return value;
}

export function validEducationalSetting(
  input: EducationalSettingInput,
  today: IsoDate,
): EducationalSettingDetails {
  const urn = required(input.urn, 'setting.urn', 'School URN', 7);
  if (!/^[0-9]{6,7}$/.test(urn)) throw invalid('setting.urn', 'School URN must be 6 or 7 digits');
  return {
    urn,
    name: required(input.name, 'setting.name', 'Setting name'),
    phone: optional(input.phone, 'setting.phone', 'Setting phone', 40),
    startedOn:
      input.startedOn == null ? null : pastDate(input.startedOn, today, 'setting.started-on', 'Start date'),
  };
}

export function validGpPractice(input: GpPracticeInput, today: IsoDate): GpPracticeDetails {
  const odsCode = required(input.odsCode, 'gp.ods-code', 'GP practice code', 6).toUpperCase();
  if (!/^[A-Z][0-9]{5}$/.test(odsCode)) {
    throw invalid('gp.ods-code', 'GP practice code must be a letter followed by five digits');
  }
  return {
    odsCode,
    name: required(input.name, 'gp.name', 'GP practice name'),
    phone: optional(input.phone, 'gp.phone', 'GP practice phone', 40),
    startedOn:
      input.startedOn == null ? null : pastDate(input.startedOn, today, 'gp.started-on', 'Registration date'),
  };
}

/**
 * `serviceSensitive` is the service's own flag: an involvement with a sensitive service is
 * sensitive whatever the caller says, and is refused without recorded consent.
 */
export function validInvolvement(
  input: InvolvementInput,
  serviceSensitive: boolean,
  today: IsoDate,
): InvolvementDetails {
  const sensitive = serviceSensitive || input.sensitive === true;
  const consent =
    input.consent == null
      ? null
      : {
          recordedAt: input.consent.recordedAt,
          recordedBy: required(input.consent.recordedBy, 'involvement.consent', 'Who recorded consent'),
        };
  if (
    consent !== null &&
    (!(consent.recordedAt instanceof Date) || Number.isNaN(consent.recordedAt.getTime()))
  ) {
    throw invalid('involvement.consent', 'Consent must have a valid time it was recorded');
  }
  if (sensitive && consent === null) {
    throw invalid(
      'involvement.sensitive-needs-consent',
      'An involvement with a sensitive service can only be recorded once the young person’s consent is recorded',
    );
  }
  const practitionerPhone = optional(input.practitionerPhone, 'involvement.phone', 'Practitioner phone', 40);
  const practitionerEmail = optional(input.practitionerEmail, 'involvement.email', 'Practitioner email', 254);
  if (practitionerPhone === null && practitionerEmail === null) {
    throw invalid('involvement.contactable', 'A practitioner phone number or email address is required');
  }
  return {
    serviceId: required(input.serviceId, 'involvement.service', 'Service', 36),
    practitionerName: required(input.practitionerName, 'involvement.practitioner', 'Practitioner name'),
    practitionerPhone,
    practitionerEmail,
    startedOn: pastDate(input.startedOn, today, 'involvement.started-on', 'Involvement start date'),
    endedOn: null,
    leadProfessional: input.leadProfessional === true,
    sensitive,
    consent,
  };
}

export function validInvolvementEnd(endedOn: unknown, startedOn: IsoDate, today: IsoDate): IsoDate {
  const checked = pastDate(endedOn, today, 'involvement.ended-on', 'Involvement end date');
  if (checked < startedOn)
    throw invalid('involvement.ended-on', 'An involvement cannot end before it started');
  return checked;
}

export function validCaf(input: CafInput, today: IsoDate): CafDetails {
  if (!boolean(input.exists, 'caf.exists', 'Whether a CAF exists')) {
    return { exists: false, completedOn: null, holderName: null, holderPhone: null, holderEmail: null };
  }
  const holderPhone = optional(input.holderPhone, 'caf.holder-phone', 'CAF holder phone', 40);
  const holderEmail = optional(input.holderEmail, 'caf.holder-email', 'CAF holder email', 254);
  if (holderPhone === null && holderEmail === null) {
    throw invalid(
      'caf.holder-contact',
      'A phone number or email address for whoever holds the CAF is required',
    );
  }
  return {
    exists: true,
    completedOn:
      input.completedOn == null
        ? null
        : pastDate(input.completedOn, today, 'caf.completed-on', 'CAF completion date'),
    holderName: required(input.holderName, 'caf.holder-name', 'CAF holder name'),
    holderPhone,
    holderEmail,
  };
}

export function validShield(
  input: { readonly reason: ShieldReason; readonly reviewDate: IsoDate },
  today: IsoDate,
): ShieldDetails {
  const reason = oneOf(SHIELD_REASONS, input.reason, 'shield.reason', 'Shield reason');
  const reviewDate = date(input.reviewDate, 'shield.review-date', 'Shield review date');
  if (reviewDate <= today) throw invalid('shield.review-date', 'Shield review date must be in the future');
  return { reason, reviewDate };
}

export function validExtension(
  input: { readonly reason: ExtensionReason; readonly consentDate: IsoDate },
  today: IsoDate,
): Extension {
  return {
    reason: oneOf(EXTENSION_REASONS, input.reason, 'extension.reason', 'Extension reason'),
    consentDate: pastDate(input.consentDate, today, 'extension.consent-date', 'Extension consent date'),
  };
}

export function validActor(value: unknown): string {
  return required(value, 'actor', 'Actor', 200);
}
