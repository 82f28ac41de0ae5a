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
  const config: Config = {
    environment: environmentOf(env.NODE_ENV),
    databaseUrl,
    dataDir: path.resolve(env.CONTACTPOINT_DATA_DIR ?? 'data'),
    host: env.HOST ?? '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65535),
    logLevel,
    poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    ...overrides,
  };
  if (config.environment === 'production' && config.databaseUrl === undefined) {
    throw new ConfigError(
      'production needs DATABASE_URL: the embedded database is for development and demos',
    );
  }
  return Object.freeze(config);
}
