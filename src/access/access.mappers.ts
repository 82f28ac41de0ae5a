import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UserAccountTable } from './access.table.ts';
import {
  isAccountStatus,
  isOrganisationKind,
  isRole,
  type Organisation,
  type Role,
  type User,
  type UserWithSecrets,
} from './access.model.ts';

/** Repositories take the database or the caller's transaction first; services decide which. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** Columns are constrained in the database, so an unknown value here means the schema and code disagree. */
function known<T extends string>(value: string, guard: (v: string) => v is T, what: string): T {
  if (!guard(value)) throw new Error(`unexpected ${what} "${value}" in the database`);
  return value;
}

export function userToDomain(row: Selectable<UserAccountTable>): UserWithSecrets {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    phone: row.phone,
    roles: row.roles.map((role): Role => known(role, isRole, 'role')),
    organisationId: row.organisation_id,
    localAuthority: row.local_authority,
    status: known(row.status, isAccountStatus, 'account status'),
    statusReason: row.status_reason,
    enhancedCheckDate: row.enhanced_check_date,
    trainingCompletedDate: row.training_completed_date,
    createdAt: row.created_at,
    lastActiveAt: row.last_active_at,
    lastSignInAt: row.last_sign_in_at,
    hasPassword: row.password_hash !== null,
    passwordHash: row.password_hash,
    activationCodeHash: row.activation_code_hash,
    activationExpiresAt: row.activation_expires_at,
  };
}

export function organisationToDomain(row: {
  id: string;
  name: string;
  kind: string;
  local_authority: string | null;
}): Organisation {
  return {
    id: row.id,
    name: row.name,
    kind: known(row.kind, isOrganisationKind, 'organisation kind'),
    localAuthority: row.local_authority,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids arrive from URLs and forms; a malformed one is simply not found, rather than a database error
 * that would abort the caller's transaction.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The user without password or activation hashes, for anything that leaves the access services. */
export function publicUser(user: UserWithSecrets): User {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    phone: user.phone,
    roles: user.roles,
    organisationId: user.organisationId,
    localAuthority: user.localAuthority,
    status: user.status,
    statusReason: user.statusReason,
    enhancedCheckDate: user.enhancedCheckDate,
    trainingCompletedDate: user.trainingCompletedDate,
    createdAt: user.createdAt,
    lastActiveAt: user.lastActiveAt,
    lastSignInAt: user.lastSignInAt,
    hasPassword: user.hasPassword,
  };
}

/** Trimmed text, or null when nothing but space was given. */
export function textOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}
