/** Who uses ContactPoint (DESIGN.md, "Who uses it"). */
export const ROLES = [
  'practitioner',
  'la_management',
  'shielder',
  'data_manager',
  'auditor',
  'feed',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles an LA management team may grant to users of its own LA; national roles need an operator. */
export const LA_GRANTABLE_ROLES: readonly Role[] = ['practitioner', 'la_management', 'shielder', 'feed'];

/** Roles that act for one LA, so their holder must belong to one. */
export const LA_SCOPED_ROLES: readonly Role[] = ['la_management', 'shielder'];

export const ORGANISATION_KINDS = [
  'local_authority',
  'school',
  'early_years',
  'health',
  'police',
  'youth_justice',
  'voluntary',
  'government',
  'other',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const ACCOUNT_STATUSES = ['active', 'suspended', 'expired'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export type SecondFactor = 'totp' | 'webauthn';

/** 'YYYY-MM-DD', a calendar date in England. */
export type IsoDate = string;

export interface Organisation {
  readonly id: string;
  readonly name: string;
  readonly kind: OrganisationKind;
  /** Null for a national organisation. */
  readonly localAuthority: string | null;
}

export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly roles: readonly Role[];
  readonly organisationId: string;
  readonly localAuthority: string | null;
  readonly status: AccountStatus;
  readonly statusReason: string | null;
  readonly enhancedCheckDate: IsoDate | null;
  readonly trainingCompletedDate: IsoDate | null;
  readonly createdAt: Date;
  readonly lastActiveAt: Date;
  readonly lastSignInAt: Date | null;
  /** True once the user has set a password (system accounts never do). */
  readonly hasPassword: boolean;
}

/** A user with the secrets sign-in needs; never leaves the access services. */
export interface UserWithSecrets extends User {
  readonly passwordHash: string | null;
  readonly activationCodeHash: string | null;
  readonly activationExpiresAt: Date | null;
}

/**
 * The signed-in caller, as every later route sees it: who they are, what they may do and where.
 * Resolved from a session cookie (people) or a bearer token (system accounts).
 */
export interface Principal {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly organisationId: string;
  /** The LA the user belongs to; null for national accounts. */
  readonly la: string | null;
  readonly via: 'session' | 'token';
}

/**
 * Who is asking a service to act: a signed-in user (whose scope is checked) or an operator at the
 * command line (who already holds the database credentials, so no scope applies).
 */
export type Actor =
  | { readonly kind: 'user'; readonly principal: Principal }
  | { readonly kind: 'operator'; readonly name: string };

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isOrganisationKind(value: string): value is OrganisationKind {
  return (ORGANISATION_KINDS as readonly string[]).includes(value);
}

export function isAccountStatus(value: string): value is AccountStatus {
  return (ACCOUNT_STATUSES as readonly string[]).includes(value);
}

/** Sign-in names are compared without case or surrounding space. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}
