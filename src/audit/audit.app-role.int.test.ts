import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, testEngine, type TestDatabase } from '../../test/helpers/database.ts';
import { DatabaseUnavailableError } from '../db/errors.ts';
import { createAuditService } from './audit.service.ts';
import { CHILD_A, viewOf } from './audit.test-support.ts';

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.dispose();
  database = undefined;
});

async function whoAmI(db: TestDatabase['db']): Promise<string | undefined> {
  const { rows } = await sql<{ who: string }>`select current_user as who`.execute(db);
  return rows[0]?.who;
}

describe('the database handle after useAppRole()', () => {
  it('works as contactpoint_app on every connection, those opened before included', async () => {
    database = await openTestDatabase();
    const db = database.db;
    // Opens connections as the owner first, as the migration at start-up does.
    await Promise.all(
      [1, 2, 3].map(() => db.transaction().execute((trx) => sql`select pg_sleep(0.05)`.execute(trx))),
    );
    await database.useAppRole();
    const users = await Promise.all(
      [1, 2, 3, 4].map(() =>
        db.transaction().execute(async (trx) => {
          await sql`select pg_sleep(0.05)`.execute(trx);
          return whoAmI(trx);
        }),
      ),
    );
    expect(new Set(users)).toEqual(new Set(['contactpoint_app']));
    const audit = createAuditService(db);
    await audit.record(viewOf(CHILD_A));
    await expect(sql`delete from audit_entry`.execute(db)).rejects.toThrow(
      /permission denied for table audit_entry/,
    );
    expect(await audit.verify({ type: 'operator', id: 'tester' })).toMatchObject({ ok: true, entries: 1 });
  });

  it.skipIf(testEngine === 'postgres')('refuses on a database that was never migrated', async () => {
    // Roles are cluster-wide on PostgreSQL, so only the embedded engine can lack it.
    database = await openTestDatabase({ migrated: false });
    await expect(database.useAppRole()).rejects.toThrow(DatabaseUnavailableError);
    await expect(database.useAppRole()).rejects.toThrow(/run "contactpoint migrate" first/);
  });
});
