import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChildAccessTestContext,
  person,
  type ChildAccessTestContext,
  type Person,
} from '../access/policy/policy.test-support.ts';
import { OPERATOR } from '../access/test-support.ts';
import type { FieldEncryptionConfig } from '../config.ts';
import { createServices, type Services } from '../services.ts';
import type { ChildRecord } from './child.model.ts';
import { childIdsByPostcode, rehashBatch } from './encryption.repository.ts';
import { createFieldCipher } from './encryption.ts';

const K1 = '5a'.repeat(32);
const H1 = '6b'.repeat(32);
const H2 = 'b6'.repeat(32);
const REASON = { reason: 'safeguarding-concern' } as const;
const POSTCODE = 'NW1 7AA';
const FORENAMES = ['Ada', 'Bea', 'Cleo'];

function keys(hmacKeys: Record<string, string>, activeHmacKeyId: string): FieldEncryptionConfig {
  return { keys: { k1: K1 }, activeKeyId: 'k1', hmacKeys, activeHmacKeyId };
}

let ctx: ChildAccessTestContext;
let shielder: Person;
const children: ChildRecord[] = [];

beforeAll(async () => {
  ctx = await createChildAccessTestContext({
    fieldEncryption: keys({ h1: H1 }, 'h1'),
    search: { rateLimitPerMinute: 10_000 },
  });
  shielder = await person(ctx, ['shielder']);
  for (const forename of FORENAMES) {
    const child = await ctx.newChild({
      name: { forename, surname: 'Rotherhithe' },
      address: { line1: '7 Quiet Close', town: 'Camden', postcode: 'nw17aa' },
    });
    await ctx.services.shields.set(OPERATOR, child.contactPointId, {
      reason: 'risk_to_child',
      reviewDate: '2027-06-01',
    });
    children.push(child);
  }
});
afterAll(async () => {
  await ctx.close();
});

/** The application as it runs with these HMAC keys configured, over the same database. */
function servicesUnder(config: FieldEncryptionConfig): Services {
  return createServices({
    config: { ...ctx.config, fieldEncryption: config },
    database: ctx.database,
    logger: pino({ level: 'silent' }),
    clock: ctx.clock.now,
  });
}

/** Which of the shielded children the LA's shielder finds by surname, forename and postcode. */
async function foundByPostcode(services: Services): Promise<string[]> {
  const found: string[] = [];
  for (const forename of FORENAMES) {
    const outcome = await services.childSearch.search(
      shielder.principal,
      { surname: 'Rotherhithe', forename, postcode: POSTCODE },
      REASON,
    );
    found.push(...outcome.results.map((r) => r.contactPointId));
  }
  return found;
}

async function hmacKeyIds(): Promise<Record<string, string | null>> {
  const rows = await sql<{ child_id: string; hmac_key_id: string | null }>`
    select child_id, hmac_key_id from child_address
    where child_id in (${sql.join(children.map((c) => c.id))})`.execute(ctx.database.db);
  return Object.fromEntries(rows.rows.map((r) => [r.child_id, r.hmac_key_id]));
}

/** Every location row of the children as a database dump shows it. */
async function dump(): Promise<string> {
  const lines: string[] = [];
  for (const table of ['child_address', 'carer', 'educational_setting', 'gp_practice']) {
    const result = await sql<{ row: unknown }>`
      select row_to_json(t) as row from ${sql.table(table)} as t
      where child_id in (${sql.join(children.map((c) => c.id))})`.execute(ctx.database.db);
    lines.push(...result.rows.map((r) => JSON.stringify(r.row)));
  }
  return lines.join('\n');
}

describe('rotating the HMAC key behind the matching keys of sealed fields', () => {
  it('search by postcode finds shielded children before, during and after, and a dump shows no postcode', async () => {
    const all = children.map((c) => c.contactPointId);
    const before = servicesUnder(keys({ h1: H1 }, 'h1'));
    expect(await foundByPostcode(before)).toEqual(all);
    expect(Object.values(await hmacKeyIds())).toEqual(['h1', 'h1', 'h1']);

    // A new key becomes active while the old one stays configured; one short batch is rehashed.
    const rotating = servicesUnder(keys({ h1: H1, h2: H2 }, 'h2'));
    const cipher = createFieldCipher(keys({ h1: H1, h2: H2 }, 'h2'));
    expect(
      await ctx.database.db.transaction().execute((trx) => rehashBatch(trx, cipher, 'child_address', 1)),
    ).toBe(1);
    const halfway = await hmacKeyIds();
    expect(Object.values(halfway).sort()).toEqual(['h1', 'h1', 'h2']);
    expect(await foundByPostcode(rotating)).toEqual(all);
    // Only because lookups hash under both keys: under the old key alone, the rehashed child is lost.
    const rehashed = children.find((c) => halfway[c.id] === 'h2');
    expect(await foundByPostcode(before)).toEqual(all.filter((id) => id !== rehashed?.contactPointId));
    for (const level of ['unit', 'sector'] as const) {
      expect(await childIdsByPostcode(ctx.database.db, cipher, 'nw1 7aa', level)).toEqual(
        expect.arrayContaining(children.map((c) => c.id)),
      );
    }

    const progress: number[] = [];
    const totals = await rotating.fieldKeys.rotate({
      batchSize: 1,
      onBatch: (p) => {
        if (p.table === 'child_address') progress.push(p.rehashed);
      },
    });
    expect(totals.find((t) => t.table === 'child_address')).toMatchObject({ rehashed: 2, resealed: 0 });
    expect(totals.find((t) => t.table === 'carer')).toMatchObject({ rehashed: 3 });
    expect(progress).toEqual([1, 2]);
    for (const counts of await rotating.fieldKeys.status()) {
      expect(Object.keys(counts.byHmacKey).filter((id) => id !== 'h2')).toEqual([]);
    }

    // With h1 removed, everything is still found; the old key alone finds nothing any more.
    const after = servicesUnder(keys({ h2: H2 }, 'h2'));
    expect(await foundByPostcode(after)).toEqual(all);
    expect(await foundByPostcode(before)).toEqual([]);

    const raw = await dump();
    for (const text of ['NW1 7AA', 'NW17AA', 'nw17aa', '7 Quiet Close', 'Jane Test', '07700 900001']) {
      expect(raw).not.toContain(text);
    }
  });

  it('a child shielded mid-rotation is hashed under the active key, and unshielding drops the key id', async () => {
    const rotating = servicesUnder(keys({ h1: H1, h2: H2 }, 'h2'));
    const fresh = await ctx.newChild({ name: { forename: 'Dot', surname: 'Rotherhithe' } });
    await rotating.shields.set(OPERATOR, fresh.contactPointId, {
      reason: 'risk_to_child',
      reviewDate: '2027-06-01',
    });
    const sealed = await sql<{ hmac_key_id: string | null }>`
      select hmac_key_id from carer where child_id = ${fresh.id}`.execute(ctx.database.db);
    expect(sealed.rows.map((r) => r.hmac_key_id)).toEqual(['h2']);
    // Sealed, the carer's name is still there for the LA's shielder, opened in memory.
    const view = await rotating.childAccess.view(shielder.principal, fresh.contactPointId, REASON);
    expect(view.restricted).toBe(false);
    expect(view.carers).toEqual([expect.objectContaining({ name: 'Jane Test', phone: '07700 900001' })]);
    await rotating.shields.clear(OPERATOR, fresh.contactPointId);
    const opened = await sql<{ hmac_key_id: string | null; name: string | null }>`
      select hmac_key_id, name from carer where child_id = ${fresh.id}`.execute(ctx.database.db);
    expect(opened.rows).toEqual([{ hmac_key_id: null, name: 'Jane Test' }]);
  });
});
