import { sql, type ControlledTransaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testEngine, type TestDatabase } from '../../test/helpers/database.ts';
import type { Database } from '../db/schema.ts';
import { recordAudit, type AuditRef } from './audit.record.ts';
import { CHILD_A, rolledBack, viewOf } from './audit.test-support.ts';

let database: TestDatabase;
let recorded: AuditRef;
beforeAll(async () => {
  database = await openTestDatabase();
  recorded = await database.db.transaction().execute((trx) => recordAudit(trx, viewOf(CHILD_A)));
});
afterAll(async () => {
  await database.dispose();
});

/** Runs a statement in a savepoint, so a refusal leaves the surrounding transaction usable. */
async function attempt(
  trx: ControlledTransaction<Database>,
  statement: ReturnType<typeof sql>,
): Promise<string> {
  const savepoint = await trx.savepoint('attempt').execute();
  try {
    await statement.execute(savepoint);
    await savepoint.releaseSavepoint('attempt').execute();
    return 'allowed';
  } catch (error) {
    await savepoint.rollbackToSavepoint('attempt').execute();
    return (error as Error).message;
  }
}

const rewrite = () =>
  sql`update audit_entry set actor = 'someone else' where chain_id = ${recorded.chainId} and seq = ${recorded.seq}`;
const remove = () =>
  sql`delete from audit_entry where chain_id = ${recorded.chainId} and seq = ${recorded.seq}`;
const empty = () => sql`truncate audit_entry`;
const moveHeadBack = () =>
  sql`update audit_chain set last_seq = last_seq - 1 where chain_id = ${recorded.chainId}`;

describe('the audit trail is append-only', () => {
  // Both engines enforce grants once the session has switched role, the embedded one included.
  describe(`as the application role (${testEngine})`, () => {
    it('may append to and read the trail', async () => {
      await rolledBack(database.db, 'app', async (trx) => {
        const { rows } = await sql<{ who: string }>`select current_user as who`.execute(trx);
        expect(rows[0]?.who).toBe('contactpoint_app');
        const ref = await recordAudit(trx, viewOf(CHILD_A, 'as-app'));
        expect(ref.seq).toBeGreaterThan(0);
        const count = await trx
          .selectFrom('audit_entry')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst();
        expect(Number(count?.n)).toBeGreaterThan(0);
      });
    });

    it('may not update, delete or truncate entries: the grants refuse it', async () => {
      await rolledBack(database.db, 'app', async (trx) => {
        expect(await attempt(trx, rewrite())).toMatch(/permission denied for table audit_entry/);
        expect(await attempt(trx, remove())).toMatch(/permission denied for table audit_entry/);
        expect(await attempt(trx, empty())).toMatch(/permission denied for table audit_entry/);
      });
    });

    it('may not move a chain head back, delete it, or add one', async () => {
      await rolledBack(database.db, 'app', async (trx) => {
        expect(await attempt(trx, moveHeadBack())).toMatch(/audit chain \d+ may only move forward/);
        expect(await attempt(trx, sql`delete from audit_chain`)).toMatch(
          /permission denied for table audit_chain/,
        );
        expect(
          await attempt(trx, sql`insert into audit_chain values (99, 0, decode(repeat('00', 32), 'hex'))`),
        ).toMatch(/permission denied for table audit_chain/);
      });
    });

    it('may not switch the triggers off, change the schema or pose as the owner', async () => {
      await rolledBack(database.db, 'app', async (trx) => {
        expect(
          await attempt(trx, sql`alter table audit_entry disable trigger audit_entry_append_only`),
        ).toMatch(/must be owner of table audit_entry/);
        expect(await attempt(trx, sql`create table sneaky (id int)`)).toMatch(
          /permission denied for schema public/,
        );
        expect(await attempt(trx, sql`set session_replication_role = replica`)).toMatch(/permission denied/);
      });
    });

    it('has ordinary rights on the other tables, and none over migrations', async () => {
      await rolledBack(database.db, 'app', async (trx) => {
        expect(await attempt(trx, sql`insert into source (name, kind) values ('test-feed', 'local')`)).toBe(
          'allowed',
        );
        expect(await attempt(trx, sql`update source set description = 'x' where name = 'test-feed'`)).toBe(
          'allowed',
        );
        expect(await attempt(trx, sql`select count(*) from schema_migrations`)).toBe('allowed');
        expect(await attempt(trx, sql`delete from schema_migrations`)).toMatch(/permission denied/);
      });
    });
  });

  describe('as the owner, whom grants do not bind', () => {
    it('the triggers refuse updates, deletes and truncation of entries', async () => {
      await rolledBack(database.db, 'owner', async (trx) => {
        const { rows } = await sql<{
          su: boolean;
        }>`select rolsuper as su from pg_roles where rolname = current_user`.execute(trx);
        expect(rows[0]?.su).toBe(true);
        expect(await attempt(trx, rewrite())).toMatch(
          /the audit trail is append-only: UPDATE on audit_entry refused/,
        );
        expect(await attempt(trx, remove())).toMatch(
          /the audit trail is append-only: DELETE on audit_entry refused/,
        );
        expect(await attempt(trx, empty())).toMatch(
          /the audit trail is append-only: TRUNCATE on audit_entry refused/,
        );
      });
    });

    it('the triggers keep chain heads moving forward only', async () => {
      await rolledBack(database.db, 'owner', async (trx) => {
        expect(await attempt(trx, moveHeadBack())).toMatch(/may only move forward/);
        expect(await attempt(trx, sql`delete from audit_chain`)).toMatch(
          /append-only: DELETE on audit_chain/,
        );
        expect(await attempt(trx, sql`truncate audit_chain`)).toMatch(/append-only: TRUNCATE on audit_chain/);
      });
    });

    it('leaves the entry as it was', async () => {
      const entry = await database.db
        .selectFrom('audit_entry')
        .select('actor')
        .where('chain_id', '=', recorded.chainId)
        .where('seq', '=', recorded.seq)
        .executeTakeFirst();
      expect(entry?.actor).toBe('user-1');
    });
  });
});
