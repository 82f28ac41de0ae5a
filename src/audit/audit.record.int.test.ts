import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { AuditError } from './audit.errors.ts';
import { entryHash, GENESIS_HASH } from './audit.hash.ts';
import { AUDIT_CHAIN_COUNT, recordAudit, recordAudits } from './audit.record.ts';
import { readChainHead, readChainHeads, readChainPage } from './audit.repository.ts';
import { CHILD_A, CHILD_B, searchBy, viewOf } from './audit.test-support.ts';
import { verifyAuditTrail } from './audit.verify.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.dispose();
});

async function entriesOf(chainId: number) {
  return readChainPage(database.db, chainId, 0, Number.MAX_SAFE_INTEGER, 10_000);
}

function later(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('recording an audit entry', () => {
  it('has one head per chain, each at the start', async () => {
    const heads = await readChainHeads(database.db);
    expect(heads.map((head) => head.chainId)).toEqual([...Array(AUDIT_CHAIN_COUNT).keys()]);
    // Other tests in this file may have written by now; the start is the all-zero hash at seq 0.
    expect(GENESIS_HASH.equals(Buffer.alloc(32))).toBe(true);
  });

  it('stores every field and links to its chain', async () => {
    const before = await readChainHeads(database.db);
    const ref = await database.db.transaction().execute((trx) =>
      recordAudit(trx, {
        ...viewOf(CHILD_A.toUpperCase()),
        reasonText: 'strategy meeting — Zoë’s school 📚',
        target: 'involvement:42',
        details: { fields: ['name', 'school'], nested: { n: 0.1, big: 1e21, neg: -3, t: true }, empty: [] },
      }),
    );
    const head = before.find((h) => h.chainId === ref.chainId);
    expect(ref.seq).toBe((head?.lastSeq ?? 0) + 1);
    const [entry] = (await entriesOf(ref.chainId)).filter((e) => e.seq === ref.seq);
    expect(entry).toMatchObject({
      action: 'child.view',
      outcome: 'success',
      actorType: 'user',
      actor: 'user-1',
      role: 'practitioner',
      organisation: '202',
      childId: CHILD_A,
      target: 'involvement:42',
      reason: 'safeguarding-concern',
      reasonText: 'strategy meeting — Zoë’s school 📚',
      details: { fields: ['name', 'school'], nested: { n: 0.1, big: 1e21, neg: -3, t: true }, empty: [] },
    });
    expect(entry?.prevHash.equals(head?.lastHash ?? Buffer.alloc(0))).toBe(true);
    // What was read back hashes to what was written: the serialisation survives the round trip.
    expect(entry && entryHash(entry.prevHash, entry).equals(entry.hash)).toBe(true);
    expect(entry?.hash.equals(ref.hash)).toBe(true);
    const after = await readChainHead(database.db, ref.chainId);
    expect(after).toMatchObject({ lastSeq: ref.seq });
    expect(after?.lastHash.equals(ref.hash)).toBe(true);
  });

  it('keeps the entries of one transaction on one chain, in order', async () => {
    const refs = await database.db.transaction().execute(async (trx) => {
      const first = await recordAudits(trx, [viewOf(CHILD_A), viewOf(CHILD_B)]);
      const second = await recordAudit(trx, searchBy('user-2'));
      return [...first, second];
    });
    expect(new Set(refs.map((ref) => ref.chainId)).size).toBe(1);
    expect(refs.map((ref) => ref.seq - (refs[0]?.seq ?? 0))).toEqual([0, 1, 2]);
    const entries = (await entriesOf(refs[0]?.chainId ?? -1)).slice(-3);
    expect(entries[1]?.prevHash.equals(entries[0]?.hash ?? Buffer.alloc(0))).toBe(true);
    expect(entries[2]?.prevHash.equals(entries[1]?.hash ?? Buffer.alloc(0))).toBe(true);
  });

  it('spreads transactions over the chains', async () => {
    const refs = await Promise.all(
      Array.from({ length: AUDIT_CHAIN_COUNT }, () =>
        database.db.transaction().execute((trx) => recordAudit(trx, searchBy('user-3'))),
      ),
    );
    expect(new Set(refs.map((ref) => ref.chainId)).size).toBe(AUDIT_CHAIN_COUNT);
  });

  it('rolls back with the change it records, leaving no gap', async () => {
    const failed = database.db.transaction().execute(async (trx) => {
      await recordAudit(trx, viewOf(CHILD_A, 'user-rolled-back'));
      throw new Error('the change failed');
    });
    await expect(failed).rejects.toThrow('the change failed');
    const entries = await Promise.all([...Array(AUDIT_CHAIN_COUNT).keys()].map(entriesOf));
    expect(entries.flat().some((entry) => entry.actor === 'user-rolled-back')).toBe(false);
    expect(await verifyAuditTrail(database.db)).toMatchObject({ ok: true });
  });

  it('refuses a bad entry before touching the chain, failing the caller', async () => {
    const before = await readChainHeads(database.db);
    const failed = database.db
      .transaction()
      .execute((trx) => recordAudit(trx, { ...viewOf(CHILD_A), reason: undefined }));
    await expect(failed).rejects.toBeInstanceOf(AuditError);
    expect(await readChainHeads(database.db)).toEqual(before);
  });

  it('makes a writer on a busy chain wait its turn, and a rollback ahead of it leaves no gap', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holderChain = -1;
    let holderSeq = -1;
    // Holds its chain, then rolls back.
    const holder = database.db.transaction().execute(async (trx) => {
      const ref = await recordAudit(trx, viewOf(CHILD_A, 'user-holder'));
      holderChain = ref.chainId;
      holderSeq = ref.seq;
      await held;
      throw new Error('rolled back on purpose');
    });
    holder.catch(() => undefined);
    while (holderChain < 0) await later(5);
    // Round robin: one of the next AUDIT_CHAIN_COUNT writers lands on the held chain.
    const others = Promise.all(
      Array.from({ length: AUDIT_CHAIN_COUNT }, (_, i) =>
        database.db.transaction().execute((trx) => recordAudit(trx, viewOf(CHILD_B, `user-waiting-${i}`))),
      ),
    );
    await later(200);
    release();
    await expect(holder).rejects.toThrow('rolled back on purpose');
    const refs = await others;
    const onHeldChain = refs.filter((ref) => ref.chainId === holderChain);
    expect(onHeldChain.map((ref) => ref.seq)).toEqual([holderSeq]);
    expect(await verifyAuditTrail(database.db)).toMatchObject({ ok: true });
  });

  it('stays whole under many concurrent writers', async () => {
    const writers = 8;
    const each = 25;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < each; i += 1) {
          await database.db.transaction().execute((trx) => recordAudit(trx, viewOf(CHILD_B, `writer-${w}`)));
        }
      }),
    );
    const result = await verifyAuditTrail(database.db, { pageSize: 7 });
    expect(result).toMatchObject({ ok: true, chains: AUDIT_CHAIN_COUNT });
    const heads = await readChainHeads(database.db);
    expect(result.entries).toBe(heads.reduce((sum, head) => sum + head.lastSeq, 0));
  });
});
