import { isUuid, type Executor } from './access.mappers.ts';

/** Bearer tokens for system accounts, found by the SHA-256 of the token. */

export interface TokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  /** The feed sources it may post, in name order. */
  readonly sources: readonly string[];
  readonly createdAt: Date;
  readonly createdBy: string | null;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
  readonly revokedBy: string | null;
}

function toRecord(row: {
  id: string;
  user_id: string;
  name: string;
  sources: string[];
  created_at: Date;
  created_by: string | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}): TokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    sources: row.sources,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
  };
}

const COLUMNS = [
  'id',
  'user_id',
  'name',
  'sources',
  'created_at',
  'created_by',
  'last_used_at',
  'revoked_at',
  'revoked_by',
] as const;

/** Undefined when the account already has a live token of that name. */
export async function insertToken(
  db: Executor,
  token: {
    userId: string;
    name: string;
    sources: readonly string[];
    tokenHash: string;
    createdBy: string | null;
    at: Date;
  },
): Promise<TokenRecord | undefined> {
  const row = await db
    .insertInto('api_token')
    .values({
      user_id: token.userId,
      name: token.name,
      sources: [...token.sources],
      token_hash: token.tokenHash,
      created_by: token.createdBy,
      created_at: token.at,
    })
    .onConflict((oc) => oc.columns(['user_id', 'name']).where('revoked_at', 'is', null).doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function findTokenByHash(db: Executor, tokenHash: string): Promise<TokenRecord | undefined> {
  const row = await db
    .selectFrom('api_token')
    .select(COLUMNS)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function findToken(db: Executor, id: string): Promise<TokenRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db.selectFrom('api_token').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function listTokens(db: Executor, userId: string): Promise<TokenRecord[]> {
  const rows = await db
    .selectFrom('api_token')
    .select(COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map(toRecord);
}

export async function revokeToken(db: Executor, id: string, by: string | null, at: Date): Promise<void> {
  await db
    .updateTable('api_token')
    .set({ revoked_at: at, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function touchToken(db: Executor, id: string, at: Date): Promise<void> {
  await db.updateTable('api_token').set({ last_used_at: at }).where('id', '=', id).execute();
}

/** Demo mode only: the published demo token is put back however it was left. */
export async function deleteTokenByHash(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom('api_token').where('token_hash', '=', tokenHash).execute();
}
