import { randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { entryHash } from './audit.hash.ts';
import { normaliseEntry, type AuditEntryInput } from './audit.model.ts';
import { appendToChain, lockChainHead, type NewEntry } from './audit.repository.ts';

/** How many chains migration 20261125190000_audit_trail.sql creates (chain ids 0 to 15). */
export const AUDIT_CHAIN_COUNT = 16;

export interface AuditRef {
  readonly chainId: number;
  readonly seq: number;
  readonly hash: Buffer;
}

// Round robin from a random start: concurrent writers in one process land on different chains, and
// several processes rarely line up.
let nextChain = randomInt(AUDIT_CHAIN_COUNT);
// A transaction keeps to the chain it first wrote to, so it never holds two chain locks and two
// transactions can never wait on each other's chains.
const chainOfTransaction = new WeakMap<Transaction<Database>, number>();

function chainFor(trx: Transaction<Database>): number {
  let chainId = chainOfTransaction.get(trx);
  if (chainId === undefined) {
    chainId = nextChain;
    nextChain = (nextChain + 1) % AUDIT_CHAIN_COUNT;
    chainOfTransaction.set(trx, chainId);
  }
  return chainId;
}

/**
 * Appends entries to the trail inside the caller's transaction: they commit with the change they
 * record, or roll back with it and leave no trace (and no gap). Call it last in the transaction: the
 * chain stays locked from here to the commit, and a transaction that took other locks after it could
 * keep other writers of its chain waiting. Under REPEATABLE READ or SERIALIZABLE a concurrent writer
 * on the same chain makes this fail with a serialization error; retry the transaction, as for any.
 */
export async function recordAudits(
  trx: Transaction<Database>,
  inputs: readonly AuditEntryInput[],
): Promise<AuditRef[]> {
  // Checked before the chain is locked, so a bad entry holds up nobody.
  const contents = inputs.map(normaliseEntry);
  if (contents.length === 0) return [];
  const head = await lockChainHead(trx, chainFor(trx));
  const at = new Date();
  let prevHash = head.lastHash;
  let seq = head.lastSeq;
  const entries: NewEntry[] = contents.map((content) => {
    seq += 1;
    const position = { chainId: head.chainId, seq, at };
    const hash = entryHash(prevHash, { ...content, ...position });
    const entry = { ...content, ...position, prevHash, hash };
    prevHash = hash;
    return entry;
  });
  await appendToChain(trx, head, entries);
  return entries.map(({ chainId, seq: entrySeq, hash }) => ({ chainId, seq: entrySeq, hash }));
}

/** Appends one entry inside the caller's transaction; see recordAudits. */
export async function recordAudit(trx: Transaction<Database>, input: AuditEntryInput): Promise<AuditRef> {
  const [ref] = await recordAudits(trx, [input]);
  if (ref === undefined) throw new Error('an appended entry has no place in its chain');
  return ref;
}
