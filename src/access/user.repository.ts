import type { Insertable } from 'kysely';
import type { AccountStatus, Organisation, OrganisationKind, UserWithSecrets } from './access.model.ts';
import type { UserAccountTable } from './access.table.ts';
import { isUuid, organisationToDomain, userToDomain, type Executor } from './access.mappers.ts';

/** Users, and the organisations and LAs they belong to. */

export type NewUserRow = Insertable<UserAccountTable>;

export async function insertUser(db: Executor, row: NewUserRow): Promise<UserWithSecrets> {
  const inserted = await db.insertInto('user_account').values(row).returningAll().executeTakeFirstOrThrow();
  return userToDomain(inserted);
}

export async function findUserById(db: Executor, id: string): Promise<UserWithSecrets | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('user_account').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : userToDomain(row);
}

/** `lock` holds the row until the transaction ends, so concurrent status changes queue. */
export async function findUserByIdForUpdate(db: Executor, id: string): Promise<UserWithSecrets | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db
    .selectFrom('user_account')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row === undefined ? undefined : userToDomain(row);
}

export async function findUserByUsername(
  db: Executor,
  username: string,
): Promise<UserWithSecrets | undefined> {
  const row = await db
    .selectFrom('user_account')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
  return row === undefined ? undefined : userToDomain(row);
}

export async function usernameTaken(db: Executor, username: string): Promise<boolean> {
  const row = await db
    .selectFrom('user_account')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirst();
  return row !== undefined;
}

export async function listUsers(
  db: Executor,
  filter: { readonly localAuthority?: string | undefined },
): Promise<UserWithSecrets[]> {
  let query = db.selectFrom('user_account').selectAll().orderBy('username');
  if (filter.localAuthority !== undefined) query = query.where('local_authority', '=', filter.localAuthority);
  return (await query.execute()).map(userToDomain);
}

export async function updateStatus(
  db: Executor,
  id: string,
  change: { status: AccountStatus; reason: string | null; by: string | null; at: Date; active?: boolean },
): Promise<UserWithSecrets> {
  const row = await db
    .updateTable('user_account')
    .set({
      status: change.status,
      status_reason: change.reason,
      status_changed_by: change.by,
      status_changed_at: change.at,
      // Reactivation restarts the idle clock, or the account would expire again at once.
      ...(change.active === true ? { last_active_at: change.at } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return userToDomain(row);
}

export async function setPassword(db: Executor, id: string, passwordHash: string, at: Date): Promise<void> {
  await db
    .updateTable('user_account')
    .set({
      password_hash: passwordHash,
      password_changed_at: at,
      activation_code_hash: null,
      activation_expires_at: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function recordSignIn(db: Executor, id: string, at: Date): Promise<void> {
  await db
    .updateTable('user_account')
    .set({ last_sign_in_at: at, last_active_at: at })
    .where('id', '=', id)
    .execute();
}

/** Use by a system account's token counts as activity, so a working feed does not expire. */
export async function recordActivity(db: Executor, id: string, at: Date): Promise<void> {
  await db.updateTable('user_account').set({ last_active_at: at }).where('id', '=', id).execute();
}

export async function updateChecks(
  db: Executor,
  id: string,
  checks: { enhancedCheckDate: string | null; trainingCompletedDate: string | null },
): Promise<UserWithSecrets> {
  const row = await db
    .updateTable('user_account')
    .set({
      enhanced_check_date: checks.enhancedCheckDate,
      training_completed_date: checks.trainingCompletedDate,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return userToDomain(row);
}

/** Expires every active account last used before `cutoff`; returns their ids. */
export async function expireIdleUsers(
  db: Executor,
  cutoff: Date,
  at: Date,
  reason: string,
): Promise<string[]> {
  const rows = await db
    .updateTable('user_account')
    .set({ status: 'expired', status_reason: reason, status_changed_at: at, status_changed_by: null })
    .where('status', '=', 'active')
    .where('last_active_at', '<', cutoff)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

export async function findOrganisation(db: Executor, id: string): Promise<Organisation | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db
    .selectFrom('organisation')
    .select(['id', 'name', 'kind', 'local_authority'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : organisationToDomain(row);
}

export async function findOrganisationByName(
  db: Executor,
  name: string,
  localAuthority: string | null,
): Promise<Organisation | undefined> {
  const row = await db
    .selectFrom('organisation')
    .select(['id', 'name', 'kind', 'local_authority'])
    .where('name', '=', name)
    .where((eb) =>
      localAuthority === null
        ? eb('local_authority', 'is', null)
        : eb('local_authority', '=', localAuthority),
    )
    .executeTakeFirst();
  return row === undefined ? undefined : organisationToDomain(row);
}

export async function insertOrganisation(
  db: Executor,
  organisation: { name: string; kind: OrganisationKind; localAuthority: string | null },
): Promise<Organisation> {
  const row = await db
    .insertInto('organisation')
    .values({
      name: organisation.name,
      kind: organisation.kind,
      local_authority: organisation.localAuthority,
    })
    .returning(['id', 'name', 'kind', 'local_authority'])
    .executeTakeFirstOrThrow();
  return organisationToDomain(row);
}

export async function listOrganisations(
  db: Executor,
  filter: { readonly localAuthority?: string | undefined },
): Promise<Organisation[]> {
  let query = db.selectFrom('organisation').select(['id', 'name', 'kind', 'local_authority']).orderBy('name');
  if (filter.localAuthority !== undefined) query = query.where('local_authority', '=', filter.localAuthority);
  return (await query.execute()).map(organisationToDomain);
}

export async function localAuthorityExists(db: Executor, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('local_authority')
    .select('code')
    .where('code', '=', code)
    .executeTakeFirst();
  return row !== undefined;
}

/** Demo mode only: the LA its accounts belong to, unless the reference data already has it. */
export async function ensureLocalAuthority(
  db: Executor,
  la: { code: string; name: string; teamName: string; teamPhone: string; teamEmail: string },
): Promise<void> {
  await db
    .insertInto('local_authority')
    .values({
      code: la.code,
      name: la.name,
      management_team_name: la.teamName,
      management_team_phone: la.teamPhone,
      management_team_email: la.teamEmail,
    })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}
