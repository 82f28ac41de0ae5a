import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testEngine, type TestDatabase } from '../../test/helpers/database.ts';
import { entryHash } from './audit.hash.ts';
import { AUDIT_CHAIN_COUNT, recordAudit } from './audit.record.ts';
import { readChainHeads, readChainPage } from './audit.repository.ts';
import { CHILD_A, CHILD_B, rolledBack, searchBy, viewOf, whileTampered } from './audit.test-support.ts';
import { verifyAuditTrail } from './audit.verify.ts';

let database: TestDatabase;
/** A chain with at least five entries, and its head. */
let chainId: number;
let lastSeq: number;

beforeAll(async () => {
  database = await openTestDatabase();
  // Empty first: the template's trail.
  expect(await verifyAuditTrail(database.db)).toEqual({ ok: true, entries: 0, chains: AUDIT_CHAIN_COUNT });
  for (let i = 0; i < 6 * AUDIT_CHAIN_COUNT; i += 1) {
    await database.db
      .transaction()
      .execute((trx) =>
        recordAudit(
          trx,
          i % 2 === 0 ? viewOf(i % 4 === 0 ? CHILD_A : CHILD_B, `user-${i}`) : searchBy(`user-${i}`),
        ),
      );
  }
  const heads = await readChainHeads(database.db);
  const head = heads.find((h) => h.lastSeq >= 5);
  if (head === undefined) throw new Error('expected a chain with five entries');
  chainId = head.chainId;
  lastSeq = head.lastSeq;
});
afterAll(async () => {
  await database.dispose();
});

describe('verifying the audit trail', () => {
  it('passes an intact trail, reading it a few entries at a time', async () => {
    let progress = 0;
    const result = await verifyAuditTrail(database.db, { pageSize: 2, onProgress: (n) => (progress = n) });
    expect(result).toEqual({ ok: true, entries: 6 * AUDIT_CHAIN_COUNT, chains: AUDIT_CHAIN_COUNT });
    expect(progress).toBe(6 * AUDIT_CHAIN_COUNT);
  });

  it('finds an altered field', async () => {
    const result = await whileTampered(
      database.db,
      (trx) =>
        sql`update audit_entry set actor = 'someone-else' where chain_id = ${chainId} and seq = 3`.execute(
          trx,
        ),
      (trx) => verifyAuditTrail(trx),
    );
    expect(result).toMatchObject({ ok: false, broken: { chainId, seq: 3, kind: 'hash-mismatch' } });
  });

  it('finds an altered entry whose hash was recomputed, at the link after it', async () => {
    const result = await whileTampered(
      database.db,
      async (trx) => {
        const [victim] = await readChainPage(trx, chainId, 2, 3, 1);
        if (victim === undefined) throw new Error('no entry 3');
        const forged = { ...victim, reasonText: null, reason: 'system' };
        const hash = entryHash(forged.prevHash, forged);
        await sql`update audit_entry set reason = 'system', hash = ${hash} where chain_id = ${chainId} and seq = 3`.execute(
          trx,
        );
      },
      (trx) => verifyAuditTrail(trx),
    );
    expect(result).toMatchObject({ ok: false, broken: { chainId, seq: 4, kind: 'prev-hash-mismatch' } });
  });

  it('finds a deleted entry', async () => {
    const result = await whileTampered(
      database.db,
      (trx) => sql`delete from audit_entry where chain_id = ${chainId} and seq = 2`.execute(trx),
      (trx) => verifyAuditTrail(trx),
    );
    expect(result).toMatchObject({ ok: false, broken: { chainId, seq: 2, kind: 'missing-entry' } });
  });

  it('finds two entries swapped', async () => {
    const result = await whileTampered(
      database.db,
      async (trx) => {
        const swap = (from: number, to: number) =>
          sql`update audit_entry set seq = ${to} where chain_id = ${chainId} and seq = ${from}`.execute(trx);
        await swap(2, 1_000_000);
        await swap(4, 2);
        await swap(1_000_000, 4);
      },
      (trx) => verifyAuditTrail(trx),
    );
    expect(result).toMatchObject({ ok: false, broken: { chainId, seq: 2, kind: 'prev-hash-mismatch' } });
  });

  it('finds the newest entries cut off', async () => {
    const result = await whileTampered(
      database.db,
      (trx) =>
        sql`delete from audit_entry where chain_id = ${chainId} and seq >= ${lastSeq - 1}`.execute(trx),
      (trx) => verifyAuditTrail(trx),
    );
    expect(result).toMatchObject({ ok: false, broken: { chainId, seq: lastSeq - 1, kind: 'head-mismatch' } });
    expect(result.ok || result.broken.message).toMatch(
      `head is at ${lastSeq} but its entries end at ${lastSeq - 2}`,
    );
  });

  it('finds a head moved back, with or without its hash', async () => {
    const back = await whileTampered(
      database.db,
      (trx) => sql`update audit_chain set last_seq = last_seq - 1 where chain_id = ${chainId}`.execute(trx),
      (trx) => verifyAuditTrail(trx),
    );
    expect(back).toMatchObject({ ok: false, broken: { chainId, seq: lastSeq - 1, kind: 'head-mismatch' } });
    // Moved back consistently, as if the newest entry had never been written: it is still there.
    const consistent = await whileTampered(
      database.db,
      (trx) =>
        sql`update audit_chain set last_seq = last_seq - 1,
              last_hash = (select hash from audit_entry where chain_id = ${chainId} and seq = ${lastSeq - 1})
            where chain_id = ${chainId}`.execute(trx),
      (trx) => verifyAuditTrail(trx),
    );
    expect(consistent).toMatchObject({ ok: false, broken: { chainId, seq: lastSeq, kind: 'head-mismatch' } });
    expect(consistent.ok || consistent.broken.message).toMatch(/past the chain's head/);
  });

  it('finds entries in a chain that has no head', async () => {
    const result = await whileTampered(
      database.db,
      (trx) =>
        sql`insert into audit_entry (chain_id, seq, at, prev_hash, hash, action, outcome, actor_type, actor)
            values (99, 1, now(), decode(repeat('00', 32), 'hex'), decode(repeat('11', 32), 'hex'),
                    'child.view', 'success', 'user', 'forger')`.execute(trx),
      (trx) => verifyAuditTrail(trx),
    );
    expect(result).toMatchObject({ ok: false, broken: { chainId: 99, kind: 'unknown-chain' } });
  });

  it('finds a deletion made with the triggers bypassed by replication mode', async () => {
    // session_replication_role = replica skips ordinary triggers: a superuser's way round them.
    const result = await rolledBack(database.db, 'owner', async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`delete from audit_entry where chain_id = ${chainId} and seq = 1`.execute(trx);
      await sql`set local session_replication_role = origin`.execute(trx);
      return verifyAuditTrail(trx);
    });
    expect(result).toMatchObject({ ok: false, broken: { chainId, seq: 1, kind: 'missing-entry' } });
  });

  it(`is untouched by the tampering above (${testEngine})`, async () => {
    expect(await verifyAuditTrail(database.db)).toMatchObject({ ok: true, entries: 6 * AUDIT_CHAIN_COUNT });
  });
});
