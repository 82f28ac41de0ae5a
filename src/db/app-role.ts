import { CompiledQuery, sql, type DatabaseConnection, type Kysely } from 'kysely';
import { DatabaseUnavailableError } from './errors.ts';

/**
 * The role the application works as (created by migration 20261125190000_audit_trail.sql): ordinary
 * rights on the tables, but it can neither change nor delete audit entries, nor alter the schema.
 * Tests and development connect as a superuser or the owner, so the application switches to it
 * with SET ROLE after migrating. In production the server should log in as a role that is only a
 * member of this one: SET ROLE is least privilege, not a wall, since a session can RESET ROLE back.
 */
export const APP_ROLE = 'contactpoint_app';

const SET_APP_ROLE = CompiledQuery.raw(`set role ${APP_ROLE}`);

async function requireAppRole<DB>(db: Kysely<DB>): Promise<void> {
  const { rows } = await sql<{
    found: boolean;
  }>`select exists (select from pg_roles where rolname = ${APP_ROLE}) as found`.execute(db);
  if (rows[0]?.found !== true) {
    throw new DatabaseUnavailableError(
      `the database has no role ${APP_ROLE}: run "contactpoint migrate" first`,
    );
  }
}

/**
 * For a pool: once enabled, every connection switches to the application role the next time it is
 * lent out, so connections opened before (by the migration) switch too, each once.
 */
export function appRoleSwitch(): {
  onReserveConnection: (connection: DatabaseConnection) => Promise<void>;
  enable: <DB>(db: Kysely<DB>) => Promise<void>;
} {
  let enabled = false;
  const switched = new WeakSet<DatabaseConnection>();
  return {
    async onReserveConnection(connection) {
      if (!enabled || switched.has(connection)) return;
      await connection.executeQuery(SET_APP_ROLE);
      switched.add(connection);
    },
    async enable(db) {
      await requireAppRole(db);
      enabled = true;
    },
  };
}

/** For the embedded engine's single connection: the session keeps the role from then on. */
export async function useAppRoleOnSingleConnection<DB>(db: Kysely<DB>): Promise<void> {
  await requireAppRole(db);
  await db.executeQuery(SET_APP_ROLE);
}
