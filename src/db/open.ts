import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { DatabaseUnavailableError } from './errors.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { pglitePool } from './pglite-pool.ts';
import { appRoleSwitch, useAppRoleOnSingleConnection } from './app-role.ts';

export type Engine = 'pglite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** Where the data lives, without credentials: safe to log. */
  readonly location: string;
  ping(): Promise<boolean>;
  /**
   * From now on, work as the application role (src/db/app-role.ts), which cannot rewrite the audit
   * trail or the schema: call it after migrating, before serving.
   */
  useAppRole(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly poolSize?: number;
}

const INT8 = 20;
const DATE = 1082;

/**
 * Both engines hand back the same JavaScript types: bigint counts as numbers (they never approach
 * 2^53) and calendar dates as 'YYYY-MM-DD' strings, so a date of birth never shifts with the time zone.
 */
const asNumber = (value: string): number => Number(value);
const asText = (value: string): string => value;

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'postgres://(unparseable)';
  }
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}

async function openPostgres(url: string, poolSize: number): Promise<DatabaseHandle> {
  const location = redact(url);
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8, asNumber);
  types.setTypeParser(DATE, asText);
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, types });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseUnavailableError(`cannot reach PostgreSQL at ${location}: ${reason(error)}`);
  }
  const appRole = appRoleSwitch();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool, onReserveConnection: appRole.onReserveConnection }),
  });
  return {
    db,
    engine: 'postgres',
    location,
    ping: () => ping(db),
    useAppRole: () => appRole.enable(db),
    close: () => db.destroy(),
  };
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    throw new DatabaseUnavailableError(`cannot use data directory ${dataDir}: ${reason(error)}`);
  }
  const unlock = lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir,
      extensions: { pg_trgm, fuzzystrmatch, pgcrypto },
      parsers: { [INT8]: asNumber, [DATE]: asText },
    });
  } catch (error) {
    unlock();
    throw new DatabaseUnavailableError(`cannot open the embedded database in ${dataDir}: ${reason(error)}`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pglitePool(pglite) }) });
  return {
    db,
    engine: 'pglite',
    location: path.resolve(dataDir),
    ping: () => ping(db),
    useAppRole: () => useAppRoleOnSingleConnection(db),
    async close() {
      await db.destroy();
      await pglite.close();
      unlock();
    },
  };
}

async function ping(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL when a URL is configured, otherwise the embedded engine with its data on disk. */
export function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.databaseUrl !== undefined
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openPglite(options.dataDir);
}
