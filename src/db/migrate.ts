import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { MigrationError } from './errors.ts';

export interface Migration {
  readonly id: string;
  readonly sql: string;
  readonly checksum: string;
}

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

const NAME = /^(\d{14})_[a-z0-9_]+\.sql$/;

/** Migrations are SQL files named `YYYYMMDDHHMMSS_what.sql`, applied in name order, forward only. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      if (!NAME.test(file)) {
        throw new MigrationError(`migration file ${file} is not named YYYYMMDDHHMMSS_name.sql`);
      }
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        id: file.replace(/\.sql$/, ''),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

// Any fixed number: concurrent migrators on one PostgreSQL database queue on it.
const MIGRATION_LOCK = 7_412_001;

export interface MigrateResult {
  readonly applied: string[];
  readonly alreadyApplied: number;
}

/**
 * Applies every pending migration, each in its own transaction, so a failure leaves the database
 * exactly as the last good migration left it. A migration edited after it was applied is refused:
 * history is forward only.
 */
export async function migrate(
  db: Kysely<Database>,
  migrations: readonly Migration[] = loadMigrations(),
  onApplied: (id: string) => void = () => undefined,
): Promise<MigrateResult> {
  await sql`create table if not exists schema_migrations (
    id text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`.execute(db);

  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const migration of migrations) {
    const done = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
      const existing = await trx
        .selectFrom('schema_migrations')
        .select('checksum')
        .where('id', '=', migration.id)
        .executeTakeFirst();
      if (existing !== undefined) {
        if (existing.checksum !== migration.checksum) {
          throw new MigrationError(
            `migration ${migration.id} was changed after it was applied; add a new migration instead`,
          );
        }
        return false;
      }
      try {
        await sql.raw(migration.sql).execute(trx);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new MigrationError(`migration ${migration.id} failed and was rolled back: ${message}`);
      }
      await trx
        .insertInto('schema_migrations')
        .values({ id: migration.id, checksum: migration.checksum })
        .execute();
      return true;
    });
    if (done) {
      applied.push(migration.id);
      onApplied(migration.id);
    } else {
      alreadyApplied += 1;
    }
  }
  return { applied, alreadyApplied };
}
