import type { ColumnType, Generated } from 'kysely';

/**
 * Kysely's view of the access tables (migration 20261125183000_access.sql). Both engines read
 * `date` columns as 'YYYY-MM-DD' strings, bigint as number and timestamptz as Date.
 */

/** Has a database default; may be given on insert and changed later. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** The column the access migration adds to the child record's `organisation` table. */
export interface OrganisationKindColumn {
  kind: Defaulted<string>;
}

export interface UserAccountTable {
  id: Generated<string>;
  created_at: Defaulted<Date>;
  last_active_at: Defaulted<Date>;
  last_sign_in_at: Date | null;
  status_changed_at: Date | null;
  password_changed_at: Date | null;
  activation_expires_at: Date | null;
  enhanced_check_date: string | null;
  training_completed_date: string | null;
  organisation_id: string;
  local_authority: string | null;
  created_by: string | null;
  status_changed_by: string | null;
  username: string;
  display_name: string;
  email: string | null;
  phone: string | null;
  roles: string[];
  status: Defaulted<string>;
  status_reason: string | null;
  password_hash: string | null;
  activation_code_hash: string | null;
}

export interface SignInThrottleTable {
  username_key: string;
  failures: Defaulted<number>;
  last_failure_at: Date | null;
  locked_until: Date | null;
  locked_permanently_at: Date | null;
}

export interface UserSessionTable {
  id: Generated<string>;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  webauthn_challenge_expires_at: Date | null;
  token_hash: string;
  stage: string;
  second_factor: string | null;
  webauthn_challenge: string | null;
  webauthn_ceremony: string | null;
}

export interface UserTotpTable {
  user_id: string;
  created_at: Date;
  confirmed_at: Date | null;
  last_used_step: number | null;
  secret_ciphertext: string;
}

export interface WebauthnCredentialTable {
  id: string;
  user_id: string;
  created_at: Date;
  last_used_at: Date | null;
  counter: Defaulted<number>;
  public_key: string;
  name: string;
  transports: Defaulted<string[]>;
}

export interface ApiTokenTable {
  id: Generated<string>;
  user_id: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by: string | null;
  revoked_by: string | null;
  token_hash: string;
  name: string;
  /** The feed sources the token may post; none for a token issued before tokens had them. */
  sources: Defaulted<string[]>;
}

/** The access tables, spread into the application's `Database`. */
export interface AccessTables {
  user_account: UserAccountTable;
  sign_in_throttle: SignInThrottleTable;
  user_session: UserSessionTable;
  user_totp: UserTotpTable;
  webauthn_credential: WebauthnCredentialTable;
  api_token: ApiTokenTable;
}
