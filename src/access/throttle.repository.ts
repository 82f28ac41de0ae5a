import { OPEN, type ThrottleState } from './lockout.ts';
import type { Executor } from './access.mappers.ts';

/** Failed sign-in attempts by sign-in name (key: SHA-256 of the normalised name). */

export async function findThrottle(db: Executor, usernameKey: string): Promise<ThrottleState> {
  const row = await db
    .selectFrom('sign_in_throttle')
    .selectAll()
    .where('username_key', '=', usernameKey)
    .executeTakeFirst();
  return row === undefined
    ? OPEN
    : {
        failures: row.failures,
        lastFailureAt: row.last_failure_at,
        lockedUntil: row.locked_until,
        lockedPermanentlyAt: row.locked_permanently_at,
      };
}

/** Within a transaction: the name's row, locked so concurrent attempts count one after another. */
export async function findThrottleForUpdate(db: Executor, usernameKey: string): Promise<ThrottleState> {
  await db
    .insertInto('sign_in_throttle')
    .values({ username_key: usernameKey })
    .onConflict((oc) => oc.column('username_key').doNothing())
    .execute();
  const row = await db
    .selectFrom('sign_in_throttle')
    .selectAll()
    .where('username_key', '=', usernameKey)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return {
    failures: row.failures,
    lastFailureAt: row.last_failure_at,
    lockedUntil: row.locked_until,
    lockedPermanentlyAt: row.locked_permanently_at,
  };
}

export async function saveThrottle(db: Executor, usernameKey: string, state: ThrottleState): Promise<void> {
  await db
    .updateTable('sign_in_throttle')
    .set({
      failures: state.failures,
      last_failure_at: state.lastFailureAt,
      locked_until: state.lockedUntil,
      locked_permanently_at: state.lockedPermanentlyAt,
    })
    .where('username_key', '=', usernameKey)
    .execute();
}

/** After a successful sign-in, or when management unlocks the account. */
export async function clearThrottle(db: Executor, usernameKey: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('username_key', '=', usernameKey).execute();
}
