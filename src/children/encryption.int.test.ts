import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { OPERATOR } from '../access/test-support.ts';
import { loadConfig } from '../config.ts';
import { createServices, type Services } from '../services.ts';
import { ChildRecordError } from './child.errors.ts';
import { fullChild, RECEIVED_AT, seedReferenceData, type ReferenceData } from './child.test-support.ts';
import { childIdsByPostcode, sealContext } from './encryption.repository.ts';
import { addressMatchingKeys, createFieldCipher } from './encryption.ts';

const K1 = '5a'.repeat(32);
const K2 = 'a5'.repeat(32);
const HMAC = '3c'.repeat(32);
const REVIEW = { reason: 'risk_to_child', reviewDate: '2027-05-01' } as const;

let database: TestDatabase;
let ref: ReferenceData;
let n = 0;

function servicesWith(keys: string, active: string): Services {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      FIELD_ENCRYPTION_KEYS: keys,
      FIELD_ENCRYPTION_ACTIVE_KEY: active,
      FIELD_HMAC_KEY: HMAC,
    },
    { databaseUrl: undefined, dataDir: database.location },
  );
  return createServices({ config, database, logger: pino({ level: 'silent' }) });
}

let services: Services;

beforeAll(async () => {
  database = await openTestDatabase();
  ref = await seedReferenceData(database.db);
  services = servicesWith(`k1:${K1}`, 'k1');
});
afterAll(async () => {
  await database.dispose();
});

async function newChild(
  overrides: Parameters<Services['children']['createChildRecord']>[0] extends infer T
    ? Partial<T>
    : never = {},
) {
  n += 1;
  return services.children.createChildRecord({ ...fullChild(ref, 700 + n), ...overrides }, { actor: 'test' });
}

/** Every location row of a child exactly as a database dump would show it. */
async function dumpOf(childId: string): Promise<string> {
  const rows: string[] = [];
  for (const table of ['child_address', 'carer', 'educational_setting', 'gp_practice']) {
    const result = await sql<{ row: unknown }>`
      select row_to_json(t) as row from ${sql.table(table)} as t where child_id = ${childId}`.execute(
      database.db,
    );
    rows.push(...result.rows.map((r) => JSON.stringify(r.row)));
  }
  return rows.join('\n');
}

const PLAINTEXT = [
  '1 Test Street',
  'Jane Test',
  'Flat 2',
  'Testtown',
  'SW1A 1AA',
  '07700 900001',
  'jane@example.test',
  'Test Primary School',
  '100001',
  'Test Surgery',
  'A81001',
  '100000000001',
];

describe('encryption at rest of shielded location fields', () => {
  it('shielding seals the addresses, carers’ contact, school and GP in place: a dump shows no whereabouts', async () => {
    const child = await newChild();
    expect(await dumpOf(child.id)).toContain('1 Test Street');
    await services.shields.set(OPERATOR, child.contactPointId, REVIEW);

    const dump = await dumpOf(child.id);
    for (const text of PLAINTEXT) expect(dump).not.toContain(text);
    const address = await sql<{
      line1: string | null;
      postcode: string | null;
      postcode_key: string | null;
      sealed_fields: string;
      sealed_key_id: string;
    }>`
      select line1, postcode, postcode_key, sealed_fields, sealed_key_id from child_address where child_id = ${child.id}`.execute(
      database.db,
    );
    expect(address.rows).toEqual([
      {
        line1: null,
        postcode: null,
        postcode_key: null,
        sealed_fields: expect.stringMatching(/^v1\.k1\./) as string,
        sealed_key_id: 'k1',
      },
    ]);

    // The service still reads the whole record, opened in memory.
    const record = await services.children.getChildRecord(child.id);
    expect(record.addresses.current[0]).toMatchObject({
      line1: '1 Test Street',
      postcode: 'SW1A 1AA',
      uprn: 100000000001,
    });
    expect(record.carers.current[0]).toMatchObject({
      name: 'Jane Test',
      phone: '07700 900001',
      address: { postcode: 'SW1A 1AA' },
    });
    expect(record.educationalSettings.current[0]?.name).toBe('Test Primary School');
    expect(record.gpPractices.current[0]?.odsCode).toBe('A81001');
  });

  it('keeps keyed hashes so matching still finds the child: equal for the same normalised postcode', async () => {
    const child = await newChild({ shield: REVIEW });
    const cipher = createFieldCipher(services.config.fieldEncryption);
    const expected = addressMatchingKeys(cipher, { line1: '1 test street', postcode: 'SW1A1AA' });
    const hashes = await sql<{ postcode_hmac: string; postcode_sector_hmac: string; line1_hmac: string }>`
      select postcode_hmac, postcode_sector_hmac, line1_hmac from child_address where child_id = ${child.id}`.execute(
      database.db,
    );
    expect(hashes.rows[0]).toEqual({
      postcode_hmac: expected.postcode,
      postcode_sector_hmac: expected.postcodeSector,
      line1_hmac: expected.addressLine,
    });
    // The child's 'sw1a1aa' and the carer's 'SW1A 1AA' hash alike.
    const carer = await sql<{ address_postcode_hmac: string }>`
      select address_postcode_hmac from carer where child_id = ${child.id}`.execute(database.db);
    expect(carer.rows[0]?.address_postcode_hmac).toBe(expected.postcode);
    const found = await sql<{ child_id: string }>`
      select child_id from child_address where postcode_hmac = ${cipher.hmac('postcode', 'SW1A 1AA')} and valid_to is null`.execute(
      database.db,
    );
    expect(found.rows.map((r) => r.child_id)).toContain(child.id);
    // Blocking for matching finds sealed and unsealed addresses alike, by postcode or by sector.
    const open = await newChild();
    for (const level of ['unit', 'sector'] as const) {
      const ids = await childIdsByPostcode(database.db, cipher, 'sw1a 1aa', level);
      expect(ids).toEqual(expect.arrayContaining([child.id, open.id]));
    }
    expect(await childIdsByPostcode(database.db, cipher, 'N1 9GU', 'unit')).not.toContain(child.id);
  });

  it('a child created shielded, or a move recorded while shielded, is sealed before the change commits', async () => {
    const child = await newChild({ shield: REVIEW });
    for (const text of PLAINTEXT) expect(await dumpOf(child.id)).not.toContain(text);

    const provenance = { source: ref.source, batchId: ref.batch.id, receivedAt: RECEIVED_AT };
    const moved = await services.children.recordMove(
      child.id,
      { line1: '9 New Road', postcode: 'N1 9GU' },
      provenance,
      { actor: 'test' },
    );
    expect(moved.addresses.current[0]?.line1).toBe('9 New Road');
    expect(moved.addresses.previous[0]?.line1).toBe('1 Test Street');
    const dump = await dumpOf(child.id);
    expect(dump).not.toContain('9 New Road');
    expect(dump).not.toContain('N1 9GU');
    const pending = await sql<{ pending: number }>`
      select count(*)::int as pending from child_address where child_id = ${child.id} and seal_pending`.execute(
      database.db,
    );
    expect(pending.rows[0]?.pending).toBe(0);

    // Restating the sealed current address changes nothing, so a re-run feed stays a no-op.
    const again = await services.children.recordMove(
      child.id,
      { line1: '9 New Road', postcode: 'N1 9GU' },
      provenance,
      { actor: 'test' },
    );
    expect(again.version).toBe(moved.version);
  });

  it('unshielding opens the fields again and drops the hashes', async () => {
    const child = await newChild({ shield: REVIEW });
    await services.shields.clear(OPERATOR, child.contactPointId);
    const rows = await sql<{
      line1: string;
      postcode: string;
      postcode_key: string;
      sealed_fields: null;
      postcode_hmac: null;
    }>`
      select line1, postcode, postcode_key, sealed_fields, postcode_hmac from child_address where child_id = ${child.id}`.execute(
      database.db,
    );
    expect(rows.rows).toEqual([
      {
        line1: '1 Test Street',
        postcode: 'SW1A 1AA',
        postcode_key: 'SW1A 1',
        sealed_fields: null,
        postcode_hmac: null,
      },
    ]);
    expect(await dumpOf(child.id)).toContain('Test Primary School');
  });

  it('a post-adoption record cannot be unshielded, and stays sealed', async () => {
    const child = await newChild({
      shield: { reason: 'adoption', reviewDate: '2027-05-01' },
      postAdoption: true,
    });
    await expect(services.shields.clear(OPERATOR, child.contactPointId)).rejects.toMatchObject({
      code: 'INVALID_STATE',
      rule: 'shield.post-adoption',
    });
    await expect(services.shields.clear(OPERATOR, child.contactPointId)).rejects.toBeInstanceOf(
      ChildRecordError,
    );
    expect((await services.children.getChildRecord(child.id)).shield?.reason).toBe('adoption');
    expect(await dumpOf(child.id)).not.toContain('1 Test Street');
  });

  it('rows a bulk load wrote in plaintext for a shielded child are marked and sealed by `keys seal`', async () => {
    const child = await newChild({ shield: REVIEW });
    await database.db
      .insertInto('child_address')
      .values({
        child_id: child.id,
        line1: '3 Bulk Lane',
        postcode: 'E1 6AN',
        source_name: ref.source,
        received_at: RECEIVED_AT,
      })
      .execute();
    expect(await dumpOf(child.id)).toContain('3 Bulk Lane');
    expect(await services.fieldKeys.sealPending()).toBeGreaterThanOrEqual(1);
    expect(await dumpOf(child.id)).not.toContain('3 Bulk Lane');
  });

  it('a carer’s name, sealed since, is taken into seals made without it by `keys seal`', async () => {
    const child = await newChild({ shield: REVIEW });
    const cipher = createFieldCipher(services.config.fieldEncryption);
    const { rows } = await sql<{ id: number; sealed_fields: string }>`
      select id, sealed_fields from carer where child_id = ${child.id}`.execute(database.db);
    const row = rows[0];
    if (row === undefined) throw new Error('the child has no carer');
    // As sealed before the name was a location field: the name in plaintext, the seal without it.
    const context = sealContext('carer', child.id, row.id);
    const withoutName = JSON.parse(cipher.open(row.sealed_fields, context)) as Record<string, unknown>;
    delete withoutName.name;
    await sql`update carer set name = 'Jane Test', sealed_fields = ${cipher.seal(
      JSON.stringify(withoutName),
      context,
    )} where id = ${row.id}`.execute(database.db);
    expect((await services.children.getChildRecord(child.id)).carers.current[0]?.name).toBe('Jane Test');
    expect(await dumpOf(child.id)).toContain('Jane Test');

    expect(await services.fieldKeys.sealLateColumns(1)).toBeGreaterThanOrEqual(1);
    expect(await dumpOf(child.id)).not.toContain('Jane Test');
    expect((await services.children.getChildRecord(child.id)).carers.current[0]?.name).toBe('Jane Test');
    // Restating the carer finds the sealed one: nothing changes.
    const provenance = { source: ref.source, batchId: ref.batch.id, receivedAt: RECEIVED_AT };
    const carer = fullChild(ref, 0).carers?.[0];
    if (carer === undefined) throw new Error('the test child has no carer');
    const before = await services.children.getChildRecord(child.id);
    const again = await services.children.recordCarer(child.id, carer, provenance, { actor: 'test' });
    expect(again.version).toBe(before.version);
    expect(again.carers.current).toHaveLength(1);
  });

  it('key rotation re-seals every row under the new key, in batches, and the old key can then go', async () => {
    const children = [await newChild({ shield: REVIEW }), await newChild({ shield: REVIEW })];
    const before = await sql<{ sealed_fields: string }>`
      select sealed_fields from child_address where child_id = ${children[0]?.id ?? ''}`.execute(database.db);

    const rotating = servicesWith(`k1:${K1},k2:${K2}`, 'k2');
    const status = await rotating.fieldKeys.status();
    expect(status.find((s) => s.table === 'child_address')?.byKey.k1).toBeGreaterThanOrEqual(2);
    const batches: number[] = [];
    const totals = await rotating.fieldKeys.rotate({
      batchSize: 2,
      onBatch: (p) => batches.push(p.resealed),
    });
    expect(totals.find((t) => t.table === 'child_address')?.resealed).toBeGreaterThanOrEqual(2);
    expect(batches.length).toBeGreaterThan(2);
    const after = await rotating.fieldKeys.status();
    for (const counts of after) expect(Object.keys(counts.byKey).filter((id) => id !== 'k2')).toEqual([]);
    const resealed = await sql<{ sealed_fields: string }>`
      select sealed_fields from child_address where child_id = ${children[0]?.id ?? ''}`.execute(database.db);
    expect(resealed.rows[0]?.sealed_fields).toMatch(/^v1\.k2\./);
    expect(resealed.rows[0]?.sealed_fields).not.toBe(before.rows[0]?.sealed_fields);

    // With k1 gone, everything still opens.
    const onlyNew = servicesWith(`k2:${K2}`, 'k2');
    const record = await onlyNew.children.getChildRecord(children[1]?.id ?? '');
    expect(record.addresses.current[0]?.line1).toBe('1 Test Street');
    await onlyNew.shields.clear(OPERATOR, children[1]?.contactPointId ?? '');
    expect(await dumpOf(children[1]?.id ?? '')).toContain('1 Test Street');
  });
});
