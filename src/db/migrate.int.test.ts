import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { MigrationError } from './errors.ts';
import { loadMigrations, migrate } from './migrate.ts';

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-migrations-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

async function tableExists(database: TestDatabase, table: string): Promise<boolean> {
  const { rows } = await sql<{ found: string | null }>`select to_regclass(${table})::text as found`.execute(
    database.db,
  );
  return rows[0]?.found !== null && rows[0]?.found !== undefined;
}

describe('migrate', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  it('applies every migration to an empty database, with the extensions, then has nothing left to do', async () => {
    database = await openTestDatabase({ migrated: false });
    const first = await migrate(database.db);
    expect(first.applied).toEqual(loadMigrations().map((m) => m.id));
    const { rows } = await sql<{
      extname: string;
    }>`select extname from pg_extension order by extname`.execute(database.db);
    expect(rows.map((r) => r.extname)).toEqual(
      expect.arrayContaining(['fuzzystrmatch', 'pg_trgm', 'pgcrypto']),
    );
    const second = await migrate(database.db);
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });
  });

  it('rolls back a failing migration whole and stops before the ones after it', async () => {
    database = await openTestDatabase({ migrated: false });
    const dir = migrationsDir({
      '20260101000000_good.sql': 'create table good_one (id int);',
      '20260101000001_bad.sql': 'create table half_done (id int);\nselect * from no_such_table;',
      '20260101000002_later.sql': 'create table later_one (id int);',
    });
    await expect(migrate(database.db, loadMigrations(dir))).rejects.toThrow(
      /migration 20260101000001_bad failed and was rolled back: .*no_such_table/,
    );
    expect(await tableExists(database, 'good_one')).toBe(true);
    expect(await tableExists(database, 'half_done')).toBe(false);
    expect(await tableExists(database, 'later_one')).toBe(false);
  });

  it('refuses a migration edited after it was applied', async () => {
    database = await openTestDatabase({ migrated: false });
    const dir = migrationsDir({ '20260101000000_one.sql': 'create table one_table (id int);' });
    await migrate(database.db, loadMigrations(dir));
    fs.writeFileSync(path.join(dir, '20260101000000_one.sql'), 'create table one_table (id bigint);');
    await expect(migrate(database.db, loadMigrations(dir))).rejects.toThrow(MigrationError);
  });

  it('rejects a misnamed migration file', () => {
    const dir = migrationsDir({ 'add_things.sql': 'select 1;' });
    expect(() => loadMigrations(dir)).toThrow(/not named YYYYMMDDHHMMSS_name.sql/);
  });
});
