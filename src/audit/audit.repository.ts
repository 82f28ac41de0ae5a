import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { AuditContent, AuditEntry, AuditPosition } from './audit.model.ts';
import type { AuditEntryTable } from './audit.table.ts';

/** All SQL of the audit trail. Functions take the database or the caller's transaction first. */

type Db = Kysely<Database>;

export interface ChainHead {
  readonly chainId: number;
  readonly lastSeq: number;
  readonly lastHash: Buffer;
}

export interface NewEntry extends AuditContent, AuditPosition {
  readonly prevHash: Buffer;
  readonly hash: Buffer;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toRow(entry: NewEntry): Insertable<AuditEntryTable> {
  return {
    chain_id: entry.chainId,
    seq: entry.seq,
    at: entry.at,
    child_id: entry.childId,
    prev_hash: entry.prevHash,
    hash: entry.hash,
    action: entry.action,
    outcome: entry.outcome,
    actor_type: entry.actorType,
    actor: entry.actor,
    role: entry.role,
    organisation: entry.organisation,
    target: entry.target,
    reason: entry.reason,
    reason_text: entry.reasonText,
    request_id: entry.requestId,
    details: entry.details,
  };
}

function toEntry(row: Selectable<AuditEntryTable>): AuditEntry {
  return {
    chainId: row.chain_id,
    seq: row.seq,
    at: row.at,
    childId: row.child_id,
    prevHash: asBuffer(row.prev_hash),
    hash: asBuffer(row.hash),
    action: row.action,
    outcome: row.outcome,
    actorType: row.actor_type,
    actor: row.actor,
    role: row.role,
    organisation: row.organisation,
    target: row.target,
    reason: row.reason,
    reasonText: row.reason_text,
    requestId: row.request_id,
    details: row.details,
  };
}

function toHead(row: Selectable<Database['audit_chain']>): ChainHead {
  return { chainId: row.chain_id, lastSeq: row.last_seq, lastHash: asBuffer(row.last_hash) };
}

/**
 * Locks the chain's head until the transaction ends, so its appends are the only ones: writers on
 * other chains are not held up. Under READ COMMITTED a writer that waited reads the head its
 * predecessor committed.
 */
export async function lockChainHead(trx: Transaction<Database>, chainId: number): Promise<ChainHead> {
  const row = await trx
    .selectFrom('audit_chain')
    .select(['last_seq', 'last_hash'])
    .where('chain_id', '=', chainId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (row === undefined) throw new Error(`audit chain ${chainId} does not exist`);
  return { chainId, lastSeq: row.last_seq, lastHash: asBuffer(row.last_hash) };
}

/** Inserts the entries and moves the head in one statement (one round trip). */
export async function appendToChain(
  trx: Transaction<Database>,
  head: ChainHead,
  entries: readonly NewEntry[],
): Promise<void> {
  const last = entries.at(-1);
  if (last === undefined) return;
  const moved = await trx
    .with('appended', (db) => db.insertInto('audit_entry').values(entries.map(toRow)))
    .updateTable('audit_chain')
    .set({ last_seq: last.seq, last_hash: last.hash })
    .where('chain_id', '=', head.chainId)
    .where('last_seq', '=', head.lastSeq)
    .returning('chain_id')
    .execute();
  // Cannot happen while the head is locked; if it did, failing rolls the entries back with it.
  if (moved.length !== 1) throw new Error(`audit chain ${head.chainId} moved while locked`);
}

export async function readChainHeads(db: Db): Promise<ChainHead[]> {
  const rows = await db
    .selectFrom('audit_chain')
    .select(['chain_id', 'last_seq', 'last_hash'])
    .orderBy('chain_id')
    .execute();
  return rows.map(toHead);
}

export async function readChainHead(db: Db, chainId: number): Promise<ChainHead | undefined> {
  const row = await db
    .selectFrom('audit_chain')
    .select(['chain_id', 'last_seq', 'last_hash'])
    .where('chain_id', '=', chainId)
    .executeTakeFirst();
  return row === undefined ? undefined : toHead(row);
}

/** Entries of one chain after `afterSeq` up to `uptoSeq`, in order: keyset pages over the primary key. */
export async function readChainPage(
  db: Db,
  chainId: number,
  afterSeq: number,
  uptoSeq: number,
  limit: number,
): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_entry')
    .selectAll()
    .where('chain_id', '=', chainId)
    .where('seq', '>', afterSeq)
    .where('seq', '<=', uptoSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toEntry);
}

export async function highestSeq(db: Db, chainId: number): Promise<number> {
  const row = await db
    .selectFrom('audit_entry')
    .select((eb) => eb.fn.max<number | null>('seq').as('seq'))
    .where('chain_id', '=', chainId)
    .executeTakeFirst();
  return row?.seq ?? 0;
}

/** Every chain id that has entries, found by one index probe per chain rather than a scan. */
export async function chainIdsWithEntries(db: Db): Promise<number[]> {
  const ids: number[] = [];
  let after = -1;
  for (;;) {
    const row = await db
      .selectFrom('audit_entry')
      .select((eb) => eb.fn.min<number | null>('chain_id').as('chain_id'))
      .where('chain_id', '>', after)
      .executeTakeFirst();
    if (row?.chain_id == null) return ids;
    ids.push(row.chain_id);
    after = row.chain_id;
  }
}

export type EntrySubject = { readonly childId: string } | { readonly actor: string };

export interface EntryQuery {
  readonly from: Date | undefined;
  readonly to: Date | undefined;
  /** Keyset: entries strictly after this position, in (at, chain, seq) order. */
  readonly after: AuditPosition | undefined;
  readonly limit: number;
}

/** One page of the entries about a child or by an actor, oldest first. */
export async function findEntries(db: Db, subject: EntrySubject, query: EntryQuery): Promise<AuditEntry[]> {
  let select = db.selectFrom('audit_entry').selectAll();
  select =
    'childId' in subject
      ? select.where('child_id', '=', subject.childId)
      : select.where('actor', '=', subject.actor);
  if (query.from !== undefined) select = select.where('at', '>=', query.from);
  if (query.to !== undefined) select = select.where('at', '<', query.to);
  const after = query.after;
  if (after !== undefined) {
    select = select.where((eb) =>
      eb(eb.refTuple('at', 'chain_id', 'seq'), '>', eb.tuple(after.at, after.chainId, after.seq)),
    );
  }
  const rows = await select.orderBy('at').orderBy('chain_id').orderBy('seq').limit(query.limit).execute();
  return rows.map(toEntry);
}
