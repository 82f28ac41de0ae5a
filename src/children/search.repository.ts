import { sql } from 'kysely';
import { findChildIdByIdentifier } from './child-history.repository.ts';
import type { Executor } from './executor.ts';
import type { NameSearch, SearchCriteria } from './search.ts';

/**
 * The queries behind child search. They return candidate child ids only; what a caller may see of
 * each is the policy's decision, made on the loaded records.
 */

/** Similarity (pg_trgm) at or above which a surname counts as a likely misspelling, with a date of birth. */
export const SURNAME_SIMILARITY = 0.5;

export async function findCandidateIds(
  db: Executor,
  criteria: SearchCriteria,
  postcodeHmacs: readonly string[],
  limit: number,
): Promise<string[]> {
  if (criteria.kind === 'identifier') {
    if (criteria.scheme === 'contactpoint_id') {
      const row = await db
        .selectFrom('child')
        .select('id')
        .where('contactpoint_id', '=', criteria.value)
        .executeTakeFirst();
      return row === undefined ? [] : [row.id];
    }
    const id = await findChildIdByIdentifier(db, criteria.scheme, criteria.value);
    return id === undefined ? [] : [id];
  }
  return findByName(db, criteria, postcodeHmacs, limit);
}

async function findByName(
  db: Executor,
  criteria: NameSearch,
  postcodeHmacs: readonly string[],
  limit: number,
): Promise<string[]> {
  const { surnameKey, forenameKey, dateOfBirth, postcode, gender } = criteria;
  let query = db
    .selectFrom('child as c')
    .innerJoin('child_name as n', 'n.child_id', 'c.id')
    .select('c.id')
    .distinct()
    .where('n.valid_to', 'is', null)
    .where('c.merged_into', 'is', null)
    .where('c.status', '<>', 'purged');
  if (dateOfBirth !== null) {
    // The date of birth is the selective part; the surname may be misspelt.
    query = query
      .where('c.date_of_birth', '=', dateOfBirth)
      .where((eb) =>
        eb.or([
          eb('n.surname_key', '=', surnameKey),
          eb(sql<number>`similarity(n.surname_key, ${surnameKey})`, '>=', SURNAME_SIMILARITY),
        ]),
      );
    if (forenameKey !== null) {
      query = query.where((eb) =>
        eb.or([
          eb('n.forename_key', '=', forenameKey),
          eb(sql<number>`similarity(n.forename_key, ${forenameKey})`, '>=', SURNAME_SIMILARITY),
        ]),
      );
    }
  } else {
    query = query.where('n.surname_key', '=', surnameKey);
    if (forenameKey !== null) query = query.where('n.forename_key', '=', forenameKey);
  }
  if (gender !== null) query = query.where('c.gender', '=', gender);
  if (postcode !== null) {
    // A sealed (shielded) address keeps only a keyed hash of its postcode, under whichever HMAC key
    // was active when it was sealed or last rehashed: the caller hashes under every configured one.
    query = query.where((outer) =>
      outer.exists(
        outer
          .selectFrom('child_address as a')
          .select('a.id')
          .whereRef('a.child_id', '=', 'c.id')
          .where('a.valid_to', 'is', null)
          .where((eb) =>
            postcodeHmacs.length === 0
              ? eb('a.postcode', '=', postcode)
              : eb.or([eb('a.postcode', '=', postcode), eb('a.postcode_hmac', 'in', postcodeHmacs)]),
          ),
      ),
    );
  }
  const rows = await query.orderBy('c.id').limit(limit).execute();
  return rows.map((row) => row.id);
}

/**
 * Counts one search against the user's allowance for the current minute and returns the count so
 * far. A fixed window, kept in the database so every process serving the API shares it.
 */
export async function countSearch(db: Executor, userId: string, now: Date): Promise<number> {
  const windowStart = new Date(now.getTime() - 60_000);
  const row = await db
    .insertInto('child_search_rate')
    .values({ user_id: userId, window_started_at: now, searches: 1 })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        searches: sql<number>`case when child_search_rate.window_started_at <= ${windowStart}
          then 1 else child_search_rate.searches + 1 end`,
        window_started_at: sql<Date>`case when child_search_rate.window_started_at <= ${windowStart}
          then ${now}::timestamptz else child_search_rate.window_started_at end`,
      }),
    )
    .returning('searches')
    .executeTakeFirstOrThrow();
  return row.searches;
}
