import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { entryHash, GENESIS_HASH } from './audit.hash.ts';
import type { AuditEntry } from './audit.model.ts';
import {
  chainIdsWithEntries,
  highestSeq,
  readChainHead,
  readChainHeads,
  readChainPage,
  type ChainHead,
} from './audit.repository.ts';

export type AuditBreakKind =
  'missing-entry' | 'prev-hash-mismatch' | 'hash-mismatch' | 'head-mismatch' | 'unknown-chain';

/** The first place where the trail is not what was written. */
export interface AuditBreak {
  readonly chainId: number;
  readonly seq: number;
  readonly kind: AuditBreakKind;
  readonly message: string;
}

export type VerifyResult =
  | { readonly ok: true; readonly entries: number; readonly chains: number }
  | { readonly ok: false; readonly entries: number; readonly chains: number; readonly broken: AuditBreak };

export interface VerifyOptions {
  /** Entries read at a time: memory stays bounded however long the trail. */
  readonly pageSize?: number;
  readonly onProgress?: (entries: number) => void;
}

function checkEntry(entry: AuditEntry, expectedSeq: number, prevHash: Buffer): AuditBreak | undefined {
  const at = { chainId: entry.chainId };
  if (entry.seq !== expectedSeq) {
    return {
      ...at,
      seq: expectedSeq,
      kind: 'missing-entry',
      message: `entry ${expectedSeq} is missing (deleted?); the next one is ${entry.seq}`,
    };
  }
  if (!entry.prevHash.equals(prevHash)) {
    return {
      ...at,
      seq: entry.seq,
      kind: 'prev-hash-mismatch',
      message: 'it does not link to the entry before it (entries moved, or the one before replaced)',
    };
  }
  if (!entryHash(prevHash, entry).equals(entry.hash)) {
    return {
      ...at,
      seq: entry.seq,
      kind: 'hash-mismatch',
      message: 'its content does not match its hash (altered)',
    };
  }
  return undefined;
}

/**
 * Walks one chain from its start to the head read at the outset. Entries up to that head are
 * committed and never change, so writers may keep appending meanwhile.
 */
async function verifyChain(
  db: Kysely<Database>,
  head: ChainHead,
  pageSize: number,
  counted: (entries: number) => void,
): Promise<AuditBreak | undefined> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let page = readChainPage(db, head.chainId, 0, head.lastSeq, pageSize);
  for (;;) {
    const entries = await page;
    const last = entries.at(-1);
    if (last === undefined) break;
    // The next page is read while this one is hashed.
    page =
      entries.length === pageSize
        ? readChainPage(db, head.chainId, last.seq, head.lastSeq, pageSize)
        : Promise.resolve([]);
    page.catch(() => undefined);
    for (const entry of entries) {
      const broken = checkEntry(entry, expectedSeq, prevHash);
      if (broken !== undefined) return broken;
      prevHash = entry.hash;
      expectedSeq += 1;
    }
    counted(entries.length);
  }
  const lastSeq = expectedSeq - 1;
  const chainId = head.chainId;
  if (lastSeq < head.lastSeq) {
    return {
      chainId,
      seq: expectedSeq,
      kind: 'head-mismatch',
      message: `the chain's head is at ${head.lastSeq} but its entries end at ${lastSeq} (newest entries removed)`,
    };
  }
  if (!prevHash.equals(head.lastHash)) {
    return {
      chainId,
      seq: lastSeq,
      kind: 'head-mismatch',
      message: "the chain's head does not hold the last entry's hash",
    };
  }
  // Entries past the head are either appended since it was read (the head has moved on to cover
  // them: both change in one transaction) or left behind by a head moved back.
  const highest = await highestSeq(db, chainId);
  if (highest > head.lastSeq) {
    const now = await readChainHead(db, chainId);
    if (now === undefined || highest > now.lastSeq) {
      return {
        chainId,
        seq: head.lastSeq + 1,
        kind: 'head-mismatch',
        message: `entries run to ${highest}, past the chain's head (head moved back)`,
      };
    }
  }
  return undefined;
}

/**
 * Recomputes every chain and reports the first broken link: an altered entry, a deleted one, entries
 * moved, the newest entries cut off, or entries in a chain that does not exist.
 */
export async function verifyAuditTrail(
  db: Kysely<Database>,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const pageSize = options.pageSize ?? 2_000;
  const heads = await readChainHeads(db);
  const chains = heads.length;
  let entries = 0;
  const counted = (n: number) => {
    entries += n;
    options.onProgress?.(entries);
  };
  const known = new Set(heads.map((head) => head.chainId));
  const stray = (await chainIdsWithEntries(db)).find((chainId) => !known.has(chainId));
  if (stray !== undefined) {
    return {
      ok: false,
      entries,
      chains,
      broken: {
        chainId: stray,
        seq: 1,
        kind: 'unknown-chain',
        message: `chain ${stray} has entries but no head`,
      },
    };
  }
  for (const head of heads) {
    const broken = await verifyChain(db, head, pageSize, counted);
    if (broken !== undefined) return { ok: false, entries, chains, broken };
  }
  return { ok: true, entries, chains };
}

export function describeBreak(broken: AuditBreak): string {
  return `chain ${broken.chainId}, entry ${broken.seq}: ${broken.kind}: ${broken.message}`;
}
