-- Who may use ContactPoint and how they prove it: user accounts, sign-in throttling, sessions,
-- second factors (TOTP, WebAuthn security keys) and bearer tokens for system (feed) accounts.
-- Owned by src/access. Timestamps that drive rules (idle expiry, lockout, session timeouts) are
-- written by the application from its clock, so tests control time; defaults are a fallback only.

-- Organisations come from the child record (20261125181000); users need to know what kind each is.
alter table organisation
  add column kind text not null default 'other'
    constraint organisation_kind_known check (kind in (
      'local_authority', 'school', 'early_years', 'health', 'police', 'youth_justice', 'voluntary',
      'government', 'other'
    ));

create table user_account (
  id uuid primary key default gen_random_uuid(),
  created_at timestamptz not null default now(),
  -- Idle expiry counts from here: set at registration, each sign-in (or token use) and reactivation.
  last_active_at timestamptz not null default now(),
  last_sign_in_at timestamptz,
  status_changed_at timestamptz,
  password_changed_at timestamptz,
  activation_expires_at timestamptz,
  enhanced_check_date date,
  training_completed_date date,
  organisation_id uuid not null references organisation (id),
  -- The LA whose management team registered the user and manages them; null for national accounts
  -- (auditors, data managers, national feeds) created by an operator.
  local_authority text references local_authority (code),
  -- Null when an operator created the account from the command line.
  created_by uuid references user_account (id),
  status_changed_by uuid references user_account (id),
  -- Sign-in name, lower case: usually the work email address, or a system account's name.
  username text not null
    constraint user_account_username_unique unique
    constraint user_account_username_format check (username ~ '^[a-z0-9][a-z0-9._@+-]{2,99}$'),
  display_name text not null constraint user_account_display_name_present check (btrim(display_name) <> ''),
  email text constraint user_account_email_format check (email like '%_@_%'),
  phone text,
  roles text[] not null constraint user_account_roles_known check (
    cardinality(roles) >= 1
    and roles <@ array['practitioner', 'la_management', 'shielder', 'data_manager', 'auditor', 'feed']::text[]
  ),
  status text not null default 'active'
    constraint user_account_status_known check (status in ('active', 'suspended', 'expired')),
  status_reason text constraint user_account_status_reason_length check (length(status_reason) <= 500),
  -- argon2id, PHC string format. Null until the user sets one, and always for system accounts.
  password_hash text constraint user_account_password_hash_format check (password_hash like '$argon2id$%'),
  -- SHA-256 (hex) of the one-time code a new user sets their password with; the code is shown once.
  activation_code_hash text constraint user_account_activation_code_hash_format check (activation_code_hash ~ '^[0-9a-f]{64}$'),
  -- A system account signs in with bearer tokens only, and holds no other role.
  constraint user_account_feed_alone check (not ('feed' = any (roles)) or cardinality(roles) = 1),
  constraint user_account_feed_no_password check (
    not ('feed' = any (roles)) or (password_hash is null and activation_code_hash is null)
  ),
  -- Management and shielding are done for one LA.
  constraint user_account_la_roles_have_la check (
    local_authority is not null or not (roles && array['la_management', 'shielder']::text[])
  ),
  constraint user_account_activation_whole check ((activation_code_hash is null) = (activation_expires_at is null))
);

create index user_account_local_authority on user_account (local_authority);
create index user_account_organisation on user_account (organisation_id);
-- The idle-expiry sweep.
create index user_account_active_idle on user_account (last_active_at) where status = 'active';

-- Failed sign-in attempts, by the name typed rather than by account: an unknown name is throttled
-- and locked exactly like a real one, so lockout never tells anyone which accounts exist. The key
-- is a SHA-256 of the normalised name, so nothing typed into the name box (sometimes a password) is
-- kept.
create table sign_in_throttle (
  username_key text primary key constraint sign_in_throttle_key_format check (username_key ~ '^[0-9a-f]{64}$'),
  failures integer not null default 0 constraint sign_in_throttle_failures_non_negative check (failures >= 0),
  last_failure_at timestamptz,
  locked_until timestamptz,
  -- Only the LA management team (or an operator) lifts this.
  locked_permanently_at timestamptz
);

-- Server-side sessions. Only a SHA-256 of the cookie's token is stored, so a copy of this table
-- cannot be replayed as cookies.
create table user_session (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references user_account (id) on delete cascade,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  -- The absolute limit; the idle limit is last_seen_at plus the configured minutes.
  expires_at timestamptz not null,
  webauthn_challenge_expires_at timestamptz,
  token_hash text not null
    constraint user_session_token_hash_unique unique
    constraint user_session_token_hash_format check (token_hash ~ '^[0-9a-f]{64}$'),
  -- 'second_factor': the password was right and a second factor (or its enrolment) is awaited; such a
  -- session grants nothing else. 'complete': signed in.
  stage text not null constraint user_session_stage_known check (stage in ('second_factor', 'complete')),
  second_factor text constraint user_session_second_factor_known check (second_factor in ('totp', 'webauthn')),
  -- A WebAuthn ceremony in progress: its challenge (single use) and which ceremony it is for.
  webauthn_challenge text,
  webauthn_ceremony text constraint user_session_webauthn_ceremony_known check (webauthn_ceremony in ('registration', 'authentication')),
  constraint user_session_complete_has_factor check ((stage = 'complete') = (second_factor is not null)),
  constraint user_session_challenge_whole check (
    (webauthn_challenge is null) = (webauthn_ceremony is null)
    and (webauthn_challenge is null) = (webauthn_challenge_expires_at is null)
  ),
  constraint user_session_times check (last_seen_at >= created_at and expires_at > created_at)
);

create index user_session_user on user_session (user_id);
create index user_session_expires on user_session (expires_at);

create table user_totp (
  user_id uuid primary key references user_account (id) on delete cascade,
  created_at timestamptz not null,
  -- Null while enrolment waits for the first code.
  confirmed_at timestamptz,
  -- The RFC 6238 time step of the last accepted code: a code is accepted only for a later step, so
  -- a code seen over someone's shoulder cannot be used again within its window.
  last_used_step bigint,
  -- AES-256-GCM under TOTP_SECRET_KEY, bound to the user id.
  secret_ciphertext text not null constraint user_totp_ciphertext_format check (secret_ciphertext ~ '^v1\.[A-Za-z0-9_-]+$')
);

create table webauthn_credential (
  -- The credential id the authenticator chose, base64url.
  id text primary key constraint webauthn_credential_id_format check (id ~ '^[A-Za-z0-9_-]{16,}$' and length(id) <= 1366),
  user_id uuid not null references user_account (id) on delete cascade,
  created_at timestamptz not null,
  last_used_at timestamptz,
  -- Signature counter; a value that fails to increase suggests a cloned key and is refused.
  counter bigint not null default 0 constraint webauthn_credential_counter_non_negative check (counter >= 0),
  -- COSE public key, base64url.
  public_key text not null constraint webauthn_credential_public_key_format check (public_key ~ '^[A-Za-z0-9_-]+$'),
  name text not null constraint webauthn_credential_name_present check (btrim(name) <> '' and length(name) <= 100),
  transports text[] not null default '{}'
);

create index webauthn_credential_user on webauthn_credential (user_id);

-- Bearer tokens for system (feed) accounts: 32 random bytes shown once; only a SHA-256 is kept.
create table api_token (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references user_account (id),
  created_at timestamptz not null,
  last_used_at timestamptz,
  revoked_at timestamptz,
  -- Null when an operator acted from the command line.
  created_by uuid references user_account (id),
  revoked_by uuid references user_account (id),
  token_hash text not null
    constraint api_token_token_hash_unique unique
    constraint api_token_token_hash_format check (token_hash ~ '^[0-9a-f]{64}$'),
  name text not null constraint api_token_name_present check (btrim(name) <> '' and length(name) <= 100)
);

create index api_token_user on api_token (user_id);
create unique index api_token_name_unique on api_token (user_id, name) where revoked_at is null;
