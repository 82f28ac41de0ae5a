import { createHash } from 'node:crypto';
import path from 'node:path';

export type Environment = 'development' | 'test' | 'production';

export interface Config {
  readonly environment: Environment;
  /** When set, a PostgreSQL server; otherwise the embedded database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  readonly poolSize: number;
  /** Seeds one known account per role at start; refused in production. */
  readonly demo: boolean;
  readonly access: AccessConfig;
  readonly fieldEncryption: FieldEncryptionConfig;
  readonly search: SearchConfig;
}

/**
 * Encryption at rest of shielded children's location fields (src/children/encryption.ts). Keys carry
 * an id stored with every ciphertext, so a new key can become active while rows sealed under the old
 * one are still readable and `contactpoint keys rotate` re-seals them.
 */
export interface FieldEncryptionConfig {
  /** Key id to 32-byte AES-256 key, 64 hex digits. */
  readonly keys: Readonly<Record<string, string>>;
  /** The key new ciphertexts are sealed under. */
  readonly activeKeyId: string;
  /**
   * Key id to 32-byte HMAC-SHA-256 key (64 hex digits) for the matching keys of sealed fields; never
   * an encryption key. Several may be configured while `keys rotate` re-hashes rows under the active
   * one; lookups hash under all of them until the old one is removed.
   */
  readonly hmacKeys: Readonly<Record<string, string>>;
  /** The HMAC key new matching keys are computed under. */
  readonly activeHmacKeyId: string;
}

/** Child search (src/children/search.service.ts). */
export interface SearchConfig {
  /** Searches one user may make in a minute, counted in the database so every process shares it. */
  readonly rateLimitPerMinute: number;
}

/** Sign-in, sessions and account rules (src/access). */
export interface AccessConfig {
  /** An enhanced criminal record check older than this many days stops the user signing in. */
  readonly enhancedCheckValidityDays: number;
  /** An account not used for this many days expires. */
  readonly accountIdleExpiryDays: number;
  /** Failed attempts in a row that lock an account for `lockMinutes` (and again at each multiple). */
  readonly lockAfterFailures: number;
  readonly lockMinutes: number;
  /** Failed attempts in a row that lock an account until its LA management team unlocks it. */
  readonly permanentLockAfterFailures: number;
  readonly sessionIdleMinutes: number;
  readonly sessionAbsoluteHours: number;
  /** Sign-in requests a minute from one network address, and for one account. */
  readonly signInRateLimitPerAddress: number;
  readonly signInRateLimitPerAccount: number;
  /** Session cookies carry Secure; only plain-http development and tests may turn it off. */
  readonly cookieSecure: boolean;
  /** 32-byte AES key (64 hex digits) sealing TOTP secrets at rest. */
  readonly totpSecretKey: string;
  readonly webauthnRpId: string;
  readonly webauthnOrigin: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`);
}

// Development and tests only: production must bring its own key (checked below).
const DEVELOPMENT_TOTP_KEY = createHash('sha256').update('contactpoint development totp key').digest('hex');

/** An empty variable counts as unset, as for the others. */
function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function accessConfig(env: NodeJS.ProcessEnv, environment: Environment, port: number): AccessConfig {
  const totpSecretKey = setting(env, 'TOTP_SECRET_KEY');
  if (totpSecretKey !== undefined && !/^[0-9a-fA-F]{64}$/.test(totpSecretKey)) {
    throw new ConfigError('TOTP_SECRET_KEY must be 64 hex digits (32 random bytes)');
  }
  if (totpSecretKey === undefined && environment === 'production') {
    throw new ConfigError(
      'production needs TOTP_SECRET_KEY (64 hex digits, e.g. from `openssl rand -hex 32`)',
    );
  }
  return {
    enhancedCheckValidityDays: integer(env, 'ENHANCED_CHECK_VALIDITY_DAYS', 1095, 1, 3650),
    accountIdleExpiryDays: integer(env, 'ACCOUNT_IDLE_EXPIRY_DAYS', 90, 1, 3650),
    lockAfterFailures: integer(env, 'SIGN_IN_LOCK_AFTER', 5, 1, 100),
    lockMinutes: integer(env, 'SIGN_IN_LOCK_MINUTES', 15, 1, 1440),
    permanentLockAfterFailures: integer(env, 'SIGN_IN_PERMANENT_LOCK_AFTER', 15, 2, 1000),
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 15, 1, 1440),
    sessionAbsoluteHours: integer(env, 'SESSION_ABSOLUTE_HOURS', 10, 1, 168),
    signInRateLimitPerAddress: integer(env, 'SIGN_IN_RATE_LIMIT_PER_ADDRESS', 60, 1, 100_000),
    signInRateLimitPerAccount: integer(env, 'SIGN_IN_RATE_LIMIT_PER_ACCOUNT', 10, 1, 1000),
    cookieSecure: flag(env, 'COOKIE_SECURE', environment === 'production'),
    totpSecretKey: (totpSecretKey ?? DEVELOPMENT_TOTP_KEY).toLowerCase(),
    webauthnRpId: setting(env, 'WEBAUTHN_RP_ID') ?? 'localhost',
    webauthnOrigin: setting(env, 'WEBAUTHN_ORIGIN') ?? `http://localhost:${port}`,
  };
}

// Development and tests only: production must bring its own keys (checked below).
const DEVELOPMENT_FIELD_KEY_ID = 'dev';
const DEVELOPMENT_FIELD_KEY = createHash('sha256').update('contactpoint development field key').digest('hex');
const DEVELOPMENT_HMAC_KEY = createHash('sha256').update('contactpoint development hmac key').digest('hex');
/**
 * The id of the HMAC key given alone in FIELD_HMAC_KEY (and of the development key): hashes stored
 * before HMAC keys had ids are under it (migration 20261125224000_field_keys.sql), so the first
 * FIELD_HMAC_KEYS list of a deployment that had FIELD_HMAC_KEY names that key h1.
 */
export const SINGLE_HMAC_KEY_ID = 'h1';
const KEY_ID = /^[a-z0-9][a-z0-9_-]{0,15}$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** `id:hex,id:hex` as a map of id to lower-case hex. */
function keyList(raw: string, variable: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    const [id = '', hex = '', ...extra] = entry.trim().split(':');
    if (!KEY_ID.test(id) || !HEX_KEY.test(hex) || extra.length > 0) {
      throw new ConfigError(
        `${variable} must be id:key pairs separated by commas, each id 1-16 of a-z 0-9 _ - and each key 64 hex digits`,
      );
    }
    if (Object.hasOwn(keys, id)) throw new ConfigError(`${variable} names key "${id}" twice`);
    keys[id] = hex.toLowerCase();
  }
  return keys;
}

/** The named active key, or the only one when there is one and none is named. */
function activeKey(keys: Record<string, string>, named: string, variable: string, list: string): string {
  const ids = Object.keys(keys);
  const active = named !== '' ? named : ids.length === 1 ? (ids[0] ?? '') : '';
  if (!Object.hasOwn(keys, active)) {
    throw new ConfigError(`${variable} must name one of the keys in ${list} (${ids.join(', ')})`);
  }
  return active;
}

function hmacKeysOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const list = env.FIELD_HMAC_KEYS ?? '';
  const single = env.FIELD_HMAC_KEY ?? '';
  if (list !== '' && single !== '') {
    throw new ConfigError(
      `set FIELD_HMAC_KEYS or FIELD_HMAC_KEY, not both (FIELD_HMAC_KEY is the key ${SINGLE_HMAC_KEY_ID})`,
    );
  }
  if (list !== '') return keyList(list, 'FIELD_HMAC_KEYS');
  if (single !== '' && !HEX_KEY.test(single)) {
    throw new ConfigError('FIELD_HMAC_KEY must be 64 hex digits (32 random bytes)');
  }
  return { [SINGLE_HMAC_KEY_ID]: single === '' ? DEVELOPMENT_HMAC_KEY : single.toLowerCase() };
}

function fieldEncryptionConfig(env: NodeJS.ProcessEnv, environment: Environment): FieldEncryptionConfig {
  const rawKeys = env.FIELD_ENCRYPTION_KEYS ?? '';
  const hmacGiven = (env.FIELD_HMAC_KEYS ?? '') !== '' || (env.FIELD_HMAC_KEY ?? '') !== '';
  if (environment === 'production' && (rawKeys === '' || !hmacGiven)) {
    throw new ConfigError(
      'production needs FIELD_ENCRYPTION_KEYS (id:64-hex-digits, comma separated) and FIELD_HMAC_KEYS (likewise) or FIELD_HMAC_KEY (64 hex digits)',
    );
  }
  const keys =
    rawKeys === ''
      ? { [DEVELOPMENT_FIELD_KEY_ID]: DEVELOPMENT_FIELD_KEY }
      : keyList(rawKeys, 'FIELD_ENCRYPTION_KEYS');
  const activeKeyId = activeKey(
    keys,
    env.FIELD_ENCRYPTION_ACTIVE_KEY ?? '',
    'FIELD_ENCRYPTION_ACTIVE_KEY',
    'FIELD_ENCRYPTION_KEYS',
  );
  const hmacKeys = hmacKeysOf(env);
  const activeHmacKeyId = activeKey(
    hmacKeys,
    env.FIELD_HMAC_ACTIVE_KEY ?? '',
    'FIELD_HMAC_ACTIVE_KEY',
    'FIELD_HMAC_KEYS',
  );
  const encryptionKeys = new Set(Object.values(keys));
  if (Object.values(hmacKeys).some((hex) => encryptionKeys.has(hex))) {
    throw new ConfigError('every HMAC key must differ from every key in FIELD_ENCRYPTION_KEYS');
  }
  return Object.freeze({
    keys: Object.freeze(keys),
    activeKeyId,
    hmacKeys: Object.freeze(hmacKeys),
    activeHmacKeyId,
  });
}

function checkAccess(config: Config): void {
  const access = config.access;
  if (access.permanentLockAfterFailures <= access.lockAfterFailures) {
    throw new ConfigError('SIGN_IN_PERMANENT_LOCK_AFTER must be greater than SIGN_IN_LOCK_AFTER');
  }
  if (access.sessionAbsoluteHours * 60 < access.sessionIdleMinutes) {
    throw new ConfigError('SESSION_ABSOLUTE_HOURS must not be shorter than SESSION_IDLE_MINUTES');
  }
  let origin: URL;
  try {
    origin = new URL(access.webauthnOrigin);
  } catch {
    throw new ConfigError(
      `WEBAUTHN_ORIGIN must be a URL such as https://contactpoint.example, got "${access.webauthnOrigin}"`,
    );
  }
  const host = origin.hostname;
  if (host !== access.webauthnRpId && !host.endsWith(`.${access.webauthnRpId}`)) {
    throw new ConfigError(
      `WEBAUTHN_RP_ID "${access.webauthnRpId}" must be the host of WEBAUTHN_ORIGIN or a parent domain of it`,
    );
  }
  if (config.environment === 'production') {
    if (!access.cookieSecure)
      throw new ConfigError('production refuses COOKIE_SECURE=0: session cookies must be Secure');
    if (origin.protocol !== 'https:') throw new ConfigError('production needs an https:// WEBAUTHN_ORIGIN');
  }
}

function environmentOf(raw: string | undefined): Environment {
  switch (raw) {
    case undefined:
    case '':
    case 'development':
      return 'development';
    case 'test':
    case 'production':
      return raw;
    default:
      throw new ConfigError(`NODE_ENV must be development, test or production, got "${raw}"`);
  }
}

/** Reads configuration once, at start, and refuses to start on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const { access: accessOverride, fieldEncryption, search, ...rest } = overrides;
  const base: Omit<Config, 'access' | 'fieldEncryption' | 'search'> = {
    environment: environmentOf(env.NODE_ENV),
    databaseUrl,
    dataDir: path.resolve(env.CONTACTPOINT_DATA_DIR ?? 'data'),
    host: env.HOST ?? '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65535),
    logLevel,
    poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    demo: flag(env, 'CONTACTPOINT_DEMO', false),
    ...rest,
  };
  // Demo accounts have published passwords: nothing may make them reachable in production.
  if (base.environment === 'production' && base.demo) {
    throw new ConfigError('demo mode is refused in production: unset CONTACTPOINT_DEMO and drop --demo');
  }
  if (base.environment === 'production' && base.databaseUrl === undefined) {
    throw new ConfigError(
      'production needs DATABASE_URL: the embedded database is for development and demos',
    );
  }
  const config: Config = {
    ...base,
    access: accessOverride ?? accessConfig(env, base.environment, base.port),
    fieldEncryption: fieldEncryption ?? fieldEncryptionConfig(env, base.environment),
    search:
      search ??
      Object.freeze({ rateLimitPerMinute: integer(env, 'SEARCH_RATE_LIMIT_PER_MINUTE', 30, 1, 10_000) }),
  };
  checkAccess(config);
  return Object.freeze({ ...config, access: Object.freeze({ ...config.access }) });
}
