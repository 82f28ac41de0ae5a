import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { testNhsNumber, testUpn } from '../children/child.test-support.ts';
import { addYears, londonDate } from '../children/child.validation.ts';
import { withFieldEncryption } from '../children/encryption.database.ts';
import { createFieldCipher } from '../children/encryption.ts';
import { contactPointIdFromSerial, validateContactPointId } from '../children/identifiers/contactpoint-id.ts';
import { insertLocalAuthority, insertSource, insertSourceBatch } from '../children/reference.repository.ts';
import { nameKey } from '../children/search-keys.ts';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import { createChildFromRow, linkRowToChild, REVIEWED_RULE } from './apply-row.ts';
import { applyOutcomes, applyResolved, type ApplyContext } from './apply.repository.ts';
import { loadIndexRecords, type IndexRecord } from './index-records.ts';
import type { RowOutcome, ScoredCandidate, StoredExplanation, WaitingRow } from './outcome.ts';

const OPERATOR = 'resolution-test';
const CONTEXT: ApplyContext = { operator: OPERATOR };
const NATIONAL = 'test-national';
const LOCAL = 'test-local';
const T1 = new Date('2026-11-01T09:00:00.000Z');
const T2 = new Date('2026-11-10T09:00:00.000Z');
const T3 = new Date('2026-11-20T09:00:00.000Z');

let database: TestDatabase;
/** The child record's database as services build it: shielded children's whereabouts sealed at rest. */
let childDb: Kysely<Database>;
const batches: Record<string, number> = {};
let rowNumber = 0;
let serial = 0;

beforeAll(async () => {
  database = await openTestDatabase();
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      FIELD_ENCRYPTION_KEYS: `k1:${'5a'.repeat(32)}`,
      FIELD_ENCRYPTION_ACTIVE_KEY: 'k1',
      FIELD_HMAC_KEY: '3c'.repeat(32),
    },
    { databaseUrl: undefined, dataDir: database.location },
  );
  childDb = withFieldEncryption(database.db, createFieldCipher(config.fieldEncryption));
  const db = database.db;
  for (const [code, name] of [
    ['999', 'Testshire County Council'],
    ['998', 'Otherborough Council'],
  ] as const) {
    await insertLocalAuthority(db, {
      code,
      name,
      managementTeam: { name: 'CP team', phone: '01632 960000', email: `cp${code}@example.test` },
    });
  }
  await insertSource(db, { name: NATIONAL, kind: 'national' });
  await insertSource(db, { name: LOCAL, kind: 'local' });
  for (const [source, digit] of [
    [NATIONAL, 'a'],
    [LOCAL, 'b'],
  ] as const) {
    batches[source] = (await insertSourceBatch(db, { source, checksum: digit.repeat(64) })).id;
  }
});
afterAll(async () => {
  await database.dispose();
});

/** A stored feed row, as resolution reads it. */
async function feedRow(
  source: string,
  fields: NormalisedFields,
  options: { recordId?: string; receivedAt?: Date } = {},
): Promise<WaitingRow> {
  rowNumber += 1;
  const batchId = batches[source] ?? 0;
  const sourceRecordId = options.recordId ?? `${source}-${rowNumber}`;
  const { id } = await database.db
    .insertInto('feed_row')
    .values({
      batch_id: batchId,
      row_number: rowNumber,
      source_name: source,
      source_record_id: sourceRecordId,
      fields: JSON.stringify(fields),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    id,
    batchId,
    rowNumber,
    sourceName: source,
    sourceRecordId,
    receivedAt: options.receivedAt ?? T1,
    fields,
  };
}

function child(overrides: NormalisedFields = {}): NormalisedFields {
  serial += 1;
  return {
    forename: 'Amelia',
    surname: `Test${serial}`,
    dateOfBirth: '2015-03-14',
    gender: 'female',
    address: `${serial} Test Street`,
    town: 'Testtown',
    postcode: 'SW1A 1AA',
    ...overrides,
  };
}

function apply(rows: readonly WaitingRow[], outcomes: readonly RowOutcome[], context = CONTEXT) {
  return childDb.transaction().execute((trx) => applyOutcomes(trx, rows, outcomes, context));
}

async function createOne(source: string, fields: NormalisedFields, receivedAt = T1): Promise<string> {
  const row = await feedRow(source, fields, { receivedAt });
  await apply([row], [{ kind: 'new', rowId: row.id, group: 1, rule: 'new' }]);
  return (await feedRowOf(row.id)).child_id ?? '';
}

function feedRowOf(id: number) {
  return database.db.selectFrom('feed_row').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

function childOf(id: string) {
  return database.db.selectFrom('child').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

function namesOf(childId: string) {
  return database.db
    .selectFrom('child_name')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('id')
    .execute();
}

function withoutStreet(fields: NormalisedFields): NormalisedFields {
  const kept = { ...fields };
  delete kept.address;
  delete kept.town;
  return kept;
}

function linkTo(row: WaitingRow, childId: string): RowOutcome {
  return { kind: 'link', rowId: row.id, childId, rule: 'nhs-number+dob', weight: null, probability: null };
}

async function indexRecordOf(childId: string): Promise<IndexRecord> {
  const [record] = await loadIndexRecords(childDb, [childId]);
  if (record === undefined) throw new Error(`child ${childId} is not in the index`);
  return record;
}

function addressesOf(childId: string, db: Kysely<Database> = database.db) {
  return db.selectFrom('child_address').selectAll().where('child_id', '=', childId).orderBy('id').execute();
}

function schoolsOf(childId: string, db: Kysely<Database> = database.db) {
  return db
    .selectFrom('educational_setting')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('id')
    .execute();
}

const school = (urn: string, name: string) => ({ extra: { school_urn: urn, school_name: name } });

function identifiersOf(childId: string) {
  return database.db
    .selectFrom('child_identifier')
    .selectAll()
    .where('child_id', '=', childId)
    .orderBy('id')
    .execute();
}

async function shield(childId: string, la: string, reason = 'risk_to_child', reviewDate = '2099-01-01') {
  await database.db
    .updateTable('child')
    .set({
      shielded: true,
      shield_reason: reason,
      shield_review_date: reviewDate,
      shielded_at: new Date(),
      responsible_la: la,
    })
    .where('id', '=', childId)
    .execute();
}

const EXPLANATION: StoredExplanation = {
  priorWeight: -10,
  steps: [
    {
      comparison: 'forename',
      level: 3,
      label: 'exact',
      m: 0.9,
      u: 0.01,
      weight: 6.5,
      termFrequencyAdjustment: 0,
      cumulative: -3.5,
    },
  ],
  weight: 4,
  probability: 0.6,
  decision: 'review',
  veto: null,
  deterministic: null,
  hold: null,
};

describe('applyOutcomes: new children', () => {
  it('creates a complete child with provenance on every row, a valid ContactPoint ID and search keys', async () => {
    const fields = child({
      surname: "O'Brien-Test",
      nhsNumber: testNhsNumber(1),
      upn: testUpn(1),
      extra: { la_code: '999', middle_names: 'Rose' },
    });
    const row = await feedRow(NATIONAL, fields, { receivedAt: T2 });
    const counts = await apply([row], [{ kind: 'new', rowId: row.id, group: 7, rule: 'new' }]);
    expect(counts).toEqual({ linked: 0, created: 1, review: 0 });

    const feed = await feedRowOf(row.id);
    expect(feed.status).toBe('created');
    expect(feed.resolved_at).toBeInstanceOf(Date);
    expect(feed.resolution).toEqual({ rule: 'new', weight: null, probability: null });
    const childId = feed.child_id ?? '';
    const provenance = { source_name: NATIONAL, batch_id: batches[NATIONAL], received_at: T2 };

    const created = await childOf(childId);
    expect(validateContactPointId(created.contactpoint_id).ok).toBe(true);
    expect(created).toMatchObject({
      gender: 'female',
      date_of_birth: '2015-03-14',
      responsible_la: '999',
      shielded: false,
      post_adoption: false,
      status: 'active',
      version: 1,
      ...provenance,
    });

    const [name, ...otherNames] = await namesOf(childId);
    expect(otherNames).toEqual([]);
    expect(name).toMatchObject({
      kind: 'current',
      forename: 'Amelia',
      middle_names: 'Rose',
      surname: "O'Brien-Test",
      forename_key: nameKey('Amelia'),
      surname_key: nameKey("O'Brien-Test"),
      valid_to: null,
      ...provenance,
    });
    expect(name?.surname_key).toBe('obrien test');

    const addresses = await addressesOf(childId);
    expect(addresses).toHaveLength(1);
    expect(addresses[0]).toMatchObject({
      line1: fields.address,
      town: 'Testtown',
      postcode: 'SW1A 1AA',
      valid_to: null,
      seal_pending: false,
      ...provenance,
    });

    const identifiers = await identifiersOf(childId);
    expect(identifiers.map((i) => [i.scheme, i.value, i.source_name, i.batch_id, i.received_at])).toEqual(
      expect.arrayContaining([
        ['nhs_number', testNhsNumber(1), NATIONAL, batches[NATIONAL], T2],
        ['upn', testUpn(1), NATIONAL, batches[NATIONAL], T2],
        ['source_record', row.sourceRecordId, NATIONAL, batches[NATIONAL], T2],
      ]),
    );
    expect(identifiers).toHaveLength(3);

    const events = await database.db
      .selectFrom('child_event')
      .selectAll()
      .where('child_id', '=', childId)
      .execute();
    expect(events).toEqual([expect.objectContaining({ kind: 'created', actor: OPERATOR })]);
  });

  it('makes the rows of one group one child, with every row as a source record and the losing values kept', async () => {
    const surname = `Group${serial}`;
    const national = await feedRow(
      NATIONAL,
      child({ forename: 'Amelia', surname, address: '1 High Street', nhsNumber: testNhsNumber(2) }),
    );
    const local = await feedRow(
      LOCAL,
      child({ forename: 'Millie', surname, address: '2 Low Road', extra: { la_code: '998' } }),
      { receivedAt: T3 },
    );
    const other = await feedRow(NATIONAL, child());
    const counts = await apply(
      [national, local, other],
      [
        { kind: 'new', rowId: national.id, group: 1, rule: 'new' },
        { kind: 'new', rowId: local.id, group: 1, rule: 'new' },
        { kind: 'new', rowId: other.id, group: 2, rule: 'new' },
      ],
    );
    expect(counts).toEqual({ linked: 0, created: 3, review: 0 });
    const childId = (await feedRowOf(national.id)).child_id ?? '';
    expect((await feedRowOf(local.id)).child_id).toBe(childId);
    expect((await feedRowOf(other.id)).child_id).not.toBe(childId);

    // The national source outranks the local one for name and address, though the local row is newer.
    expect((await childOf(childId)).responsible_la).toBe('998');
    const names = await namesOf(childId);
    expect(names.map((n) => [n.kind, n.forename, n.source_name, n.valid_to])).toEqual([
      ['current', 'Amelia', NATIONAL, null],
      ['alias', 'Millie', LOCAL, null],
    ]);
    const addresses = await addressesOf(childId);
    expect(addresses.map((a) => [a.line1, a.source_name, a.valid_to === null])).toEqual([
      ['1 High Street', NATIONAL, true],
      ['2 Low Road', LOCAL, false],
    ]);
    expect(addresses[1]?.valid_to).toEqual(addresses[1]?.valid_from);
    const records = (await identifiersOf(childId)).filter((i) => i.scheme === 'source_record');
    expect(records.map((r) => [r.source_name, r.value])).toEqual([
      [NATIONAL, national.sourceRecordId],
      [LOCAL, local.sourceRecordId],
    ]);
  });

  it('draws another ContactPoint ID when one is taken', async () => {
    const existing = await childOf(await createOne(NATIONAL, child()));
    const row = await feedRow(NATIONAL, child());
    const ids = [existing.contactpoint_id, contactPointIdFromSerial(1)];
    await apply([row], [{ kind: 'new', rowId: row.id, group: 1, rule: 'new' }], {
      operator: OPERATOR,
      newContactPointId: () => ids.shift() ?? contactPointIdFromSerial(2),
    });
    const created = await childOf((await feedRowOf(row.id)).child_id ?? '');
    expect(created.contactpoint_id).toBe(contactPointIdFromSerial(1));
  });

  it('does not give a new child an NHS number another child holds, and says so without the value', async () => {
    const nhsNumber = testNhsNumber(3);
    await createOne(NATIONAL, child({ nhsNumber }));
    const row = await feedRow(LOCAL, child({ nhsNumber }));
    await apply([row], [{ kind: 'new', rowId: row.id, group: 1, rule: 'new' }]);
    const feed = await feedRowOf(row.id);
    expect(feed.resolution).toMatchObject({ identifiersNotAdded: ['nhs_number'] });
    expect(JSON.stringify(feed.resolution)).not.toContain(nhsNumber);
    const schemes = (await identifiersOf(feed.child_id ?? '')).map((i) => i.scheme);
    expect(schemes).toEqual(['source_record']);
  });
});

describe('applyOutcomes: source records', () => {
  it('finds a source record another child holds whatever characters its id has', async () => {
    const recordId = 'A,"b"\\c {d}';
    const first = await feedRow(LOCAL, child(), { recordId });
    await apply([first], [{ kind: 'new', rowId: first.id, group: 1, rule: 'new' }]);
    const again = await feedRow(LOCAL, child(), { recordId });
    await apply([again], [{ kind: 'new', rowId: again.id, group: 1, rule: 'new' }]);
    expect((await feedRowOf(again.id)).resolution).toMatchObject({ identifiersNotAdded: ['source_record'] });
    const holders = await database.db
      .selectFrom('child_identifier')
      .select('child_id')
      .where('scheme', '=', 'source_record')
      .where('value', '=', recordId)
      .execute();
    expect(holders.map((h) => h.child_id)).toEqual([(await feedRowOf(first.id)).child_id]);
  });
});

describe('applyOutcomes: post-adoption rows', () => {
  it('creates a shielded post-adoption child whose address is sealed at rest', async () => {
    const fields = child({ address: '12 Secret Lane', postAdoption: true, extra: { la_code: '999' } });
    const row = await feedRow(LOCAL, fields);
    await apply([row], [{ kind: 'new', rowId: row.id, group: 1, rule: 'new' }]);
    const childId = (await feedRowOf(row.id)).child_id ?? '';
    expect(await childOf(childId)).toMatchObject({
      shielded: true,
      post_adoption: true,
      shield_reason: 'adoption',
      shield_review_date: addYears(londonDate(new Date()), 1),
      responsible_la: '999',
    });
    const { rows } = await sql<{ row: unknown }>`
      select row_to_json(a) as row from child_address as a where child_id = ${childId}`.execute(database.db);
    expect(rows).toHaveLength(1);
    const raw = JSON.stringify(rows[0]?.row);
    expect(raw).not.toContain('Secret');
    expect(raw).not.toContain('SW1A');
    const [stored] = await addressesOf(childId);
    expect(stored).toMatchObject({ line1: null, postcode: null, seal_pending: false });
    expect(stored?.sealed_fields).toEqual(expect.any(String));
    // Opened in memory through the encrypting database.
    expect((await addressesOf(childId, childDb))[0]).toMatchObject({ line1: '12 Secret Lane' });
  });

  it('sends a post-adoption row without a known local authority to review instead of creating it', async () => {
    const row = await feedRow(LOCAL, child({ postAdoption: true, extra: { la_code: '123' } }));
    const counts = await apply([row], [{ kind: 'new', rowId: row.id, group: 1, rule: 'new' }]);
    expect(counts).toEqual({ linked: 0, created: 0, review: 1 });
    const feed = await feedRowOf(row.id);
    expect(feed).toMatchObject({ status: 'review', child_id: null });
    expect(feed.resolution).toMatchObject({ rule: 'review:post-adoption-needs-la', candidates: 0 });
    const children = await database.db
      .selectFrom('child_identifier')
      .select('child_id')
      .where('scheme', '=', 'source_record')
      .where('value', '=', row.sourceRecordId)
      .execute();
    expect(children).toEqual([]);
  });
});

describe('applyOutcomes: links', () => {
  it("fills a linked child's missing gender and local authority from its rows, and never replaces either", async () => {
    const noGender = child();
    delete noGender.gender;
    const childId = await createOne(NATIONAL, noGender);
    expect(await childOf(childId)).toMatchObject({ gender: 'unknown', responsible_la: null });

    const unknownLa = await feedRow(LOCAL, { ...noGender, extra: { la_code: '123' } });
    const known = await feedRow(LOCAL, { ...noGender, gender: 'male', extra: { la_code: '999' } });
    await apply(
      [unknownLa, known],
      [unknownLa, known].map(
        (row) =>
          ({
            kind: 'link',
            rowId: row.id,
            childId,
            rule: 'probabilistic',
            weight: 30,
            probability: 0.999,
          }) as const,
      ),
    );
    expect(await childOf(childId)).toMatchObject({ gender: 'male', responsible_la: '999' });
    const events = await database.db
      .selectFrom('child_event')
      .select(['kind', 'detail', 'actor'])
      .where('child_id', '=', childId)
      .where('kind', '=', 'details_changed')
      .execute();
    expect(events).toEqual([
      {
        kind: 'details_changed',
        actor: CONTEXT.operator,
        detail: {
          filled: {
            gender: { value: 'male', rowId: known.id, sourceName: LOCAL },
            responsibleLa: { value: '999', rowId: known.id, sourceName: LOCAL },
          },
        },
      },
    ]);

    const other = await feedRow(LOCAL, { ...noGender, gender: 'female', extra: { la_code: '998' } });
    await apply(
      [other],
      [{ kind: 'link', rowId: other.id, childId, rule: 'probabilistic', weight: 30, probability: 0.999 }],
    );
    expect(await childOf(childId)).toMatchObject({ gender: 'male', responsible_la: '999' });
  });

  it('applies survivorship: a higher rank replaces with history kept, a lower rank is kept as alias and history', async () => {
    const childId = await createOne(
      LOCAL,
      child({ forename: 'Jayden', surname: 'Smith', address: '5 Old Road', postcode: 'NG1 1AA' }),
      T1,
    );
    const before = await childOf(childId);

    const nhsNumber = testNhsNumber(4);
    const national = await feedRow(
      NATIONAL,
      child({ forename: 'Jaden', surname: 'Smith', address: '9 New Road', postcode: 'NG2 2BB', nhsNumber }),
      { receivedAt: T2 },
    );
    const link = (row: WaitingRow, rule = 'nhs-number+dob'): RowOutcome => ({
      kind: 'link',
      rowId: row.id,
      childId,
      rule,
      weight: 21.5,
      probability: 0.999,
    });
    expect(await apply([national], [link(national)])).toEqual({ linked: 1, created: 0, review: 0 });

    let names = await namesOf(childId);
    expect(names.map((n) => [n.kind, n.forename, n.source_name, n.valid_to === null])).toEqual([
      ['current', 'Jayden', LOCAL, false],
      ['former', 'Jayden', LOCAL, true],
      ['current', 'Jaden', NATIONAL, true],
    ]);
    let addresses = await addressesOf(childId);
    expect(addresses.map((a) => [a.line1, a.source_name, a.valid_to === null])).toEqual([
      ['5 Old Road', LOCAL, false],
      ['9 New Road', NATIONAL, true],
    ]);
    expect((await identifiersOf(childId)).map((i) => [i.scheme, i.source_name])).toEqual([
      ['source_record', LOCAL],
      ['nhs_number', NATIONAL],
      ['source_record', NATIONAL],
    ]);
    const afterNational = await childOf(childId);
    expect(afterNational.version).toBe(before.version + 1);
    expect(afterNational.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
    const feed = await feedRowOf(national.id);
    expect(feed).toMatchObject({ status: 'linked', child_id: childId });
    expect(feed.resolution).toEqual({ rule: 'nhs-number+dob', weight: 21.5, probability: 0.999 });

    // A newer local row ranks lower: its name is an alias, its address history, its NHS number ignored.
    const local = await feedRow(
      LOCAL,
      child({
        forename: 'Jay',
        surname: 'Smith',
        address: '7 Side Street',
        postcode: 'NG3 3CC',
        nhsNumber: testNhsNumber(5),
      }),
      { receivedAt: T3 },
    );
    // Restating what the record already holds changes nothing but the lineage.
    const restated = await feedRow(
      NATIONAL,
      child({ forename: 'JADEN', surname: 'smith', address: '9 new road', postcode: 'NG2 2BB', nhsNumber }),
      { receivedAt: T3 },
    );
    expect(await apply([local, restated], [link(local, 'probabilistic'), link(restated)])).toEqual({
      linked: 2,
      created: 0,
      review: 0,
    });
    names = await namesOf(childId);
    expect(names.filter((n) => n.valid_to === null).map((n) => [n.kind, n.forename])).toEqual([
      ['former', 'Jayden'],
      ['current', 'Jaden'],
      ['alias', 'Jay'],
    ]);
    addresses = await addressesOf(childId);
    expect(addresses.map((a) => [a.line1, a.valid_to === null])).toEqual([
      ['5 Old Road', false],
      ['9 New Road', true],
      ['7 Side Street', false],
    ]);
    expect(addresses[2]?.valid_to).toEqual(addresses[2]?.valid_from);
    const identifiers = await identifiersOf(childId);
    expect(identifiers.filter((i) => i.scheme === 'nhs_number').map((i) => i.value)).toEqual([nhsNumber]);
    expect(identifiers.filter((i) => i.scheme === 'source_record')).toHaveLength(4);
    expect((await feedRowOf(local.id)).resolution).toMatchObject({ identifiersNotAdded: ['nhs_number'] });
    expect((await childOf(childId)).version).toBe(afterNational.version + 1);
  });

  it('compares a child with no address by the newest postcode its rows give', async () => {
    // The school census gives a postcode with no street: no address is written, but the child's
    // place is still what matching compares.
    const postcodeOnly = withoutStreet(child({ postcode: 'LS1 4AP' }));
    const childId = await createOne(NATIONAL, postcodeOnly, T1);
    expect(await addressesOf(childId)).toEqual([]);
    expect((await indexRecordOf(childId)).raw).toMatchObject({ postcode: 'LS1 4AP' });
    expect((await indexRecordOf(childId)).raw.address).toBeUndefined();

    const moved = await feedRow(NATIONAL, { ...postcodeOnly, postcode: 'LS6 2AA' }, { receivedAt: T2 });
    await apply([moved], [linkTo(moved, childId)]);
    expect((await indexRecordOf(childId)).raw).toMatchObject({ postcode: 'LS6 2AA' });

    // Once the child has an address, that is its place.
    const housed = await feedRow(
      NATIONAL,
      { ...postcodeOnly, address: '2 Hyde Park Road', postcode: 'LS6 1AB' },
      { receivedAt: T3 },
    );
    await apply([housed], [linkTo(housed, childId)]);
    expect((await indexRecordOf(childId)).raw).toMatchObject({
      address: '2 Hyde Park Road',
      postcode: 'LS6 1AB',
    });
  });

  it('records the school a row names: a newer one from an equal source replaces it, a lower one is history', async () => {
    const childId = await createOne(NATIONAL, child(school('100001', 'Mill Lane Primary School')), T1);
    let schools = await schoolsOf(childId);
    expect(schools.map((e) => [e.urn, e.name, e.source_name, e.batch_id, e.valid_to === null])).toEqual([
      ['100001', 'Mill Lane Primary School', NATIONAL, batches[NATIONAL], true],
    ]);
    expect(schools[0]?.received_at).toEqual(T1);

    const link = (row: WaitingRow): RowOutcome => ({
      kind: 'link',
      rowId: row.id,
      childId,
      rule: 'probabilistic',
      weight: 20,
      probability: 0.999,
    });
    const moved = await feedRow(NATIONAL, child(school('100002', 'Hill Academy')), { receivedAt: T2 });
    // A local system's older view of the school, and a URN that is not one, change nothing current.
    const local = await feedRow(LOCAL, child(school('100003', 'Old Road Infants')), { receivedAt: T3 });
    const broken = await feedRow(NATIONAL, child(school('12A', 'Nowhere School')), { receivedAt: T3 });
    const restated = await feedRow(NATIONAL, child(school('100002', 'Hill Academy')), { receivedAt: T3 });
    await apply([moved, local, broken, restated], [link(moved), link(local), link(broken), link(restated)]);
    schools = await schoolsOf(childId);
    expect(schools.map((e) => [e.urn, e.source_name, e.valid_to === null])).toEqual([
      ['100001', NATIONAL, false],
      ['100002', NATIONAL, true],
      ['100003', LOCAL, false],
    ]);
  });

  it('gives a new child of several rows the surviving school, the others as history', async () => {
    const national = await feedRow(NATIONAL, child(school('200001', 'Park School')), { receivedAt: T1 });
    const local = await feedRow(LOCAL, child(school('200002', 'Brook School')), { receivedAt: T2 });
    await apply(
      [national, local],
      [
        { kind: 'new', rowId: national.id, group: 7, rule: 'new' },
        { kind: 'new', rowId: local.id, group: 7, rule: 'new' },
      ],
    );
    const childId = (await feedRowOf(national.id)).child_id ?? '';
    expect((await schoolsOf(childId)).map((e) => [e.urn, e.valid_to === null])).toEqual([
      ['200001', true],
      ['200002', false],
    ]);
  });

  it('never touches a shielded child: the whole chunk is refused and nothing changes', async () => {
    const childId = await createOne(NATIONAL, child());
    await shield(childId, '999');
    const before = {
      child: await childOf(childId),
      names: await namesOf(childId),
      addresses: await addressesOf(childId),
      identifiers: await identifiersOf(childId),
    };
    const linked = await feedRow(NATIONAL, child({ address: '1 Elsewhere', nhsNumber: testNhsNumber(6) }));
    const created = await feedRow(NATIONAL, child());
    await expect(
      apply(
        [created, linked],
        [
          { kind: 'new', rowId: created.id, group: 1, rule: 'new' },
          { kind: 'link', rowId: linked.id, childId, rule: 'probabilistic', weight: 20, probability: 0.99 },
        ],
      ),
    ).rejects.toMatchObject({ code: 'INVALID_STATE', rule: 'resolution.shielded-child' });
    expect({
      child: await childOf(childId),
      names: await namesOf(childId),
      addresses: await addressesOf(childId),
      identifiers: await identifiersOf(childId),
    }).toEqual(before);
    expect((await feedRowOf(linked.id)).status).toBe('accepted');
    expect((await feedRowOf(created.id)).status).toBe('accepted');
  });
});

describe('applyOutcomes: review', () => {
  it('queues each pair once with its explanation and the shielded child’s LA, and marks the row', async () => {
    const plainChild = await createOne(NATIONAL, child());
    const shieldedChild = await createOne(NATIONAL, child());
    await shield(shieldedChild, '998');
    const row = await feedRow(LOCAL, child());
    const pair = (childId: string, weight: number, shielded: boolean): ScoredCandidate => ({
      childId,
      weight,
      probability: 0.5,
      shielded,
      responsibleLa: shielded ? '998' : null,
      explanation: EXPLANATION,
    });
    const outcome: RowOutcome = {
      kind: 'review',
      rowId: row.id,
      reason: 'shielded-candidate',
      pairs: [pair(plainChild, 3, false), pair(shieldedChild, 5, true)],
    };
    expect(await apply([row], [outcome])).toEqual({ linked: 0, created: 0, review: 1 });
    const reviews = () =>
      database.db
        .selectFrom('match_review')
        .selectAll()
        .where('feed_row_id', '=', row.id)
        .orderBy('weight')
        .execute();
    const queued = await reviews();
    expect(queued.map((r) => [r.kind, r.child_id, r.shielded, r.responsible_la, r.reason, r.status])).toEqual(
      [
        ['row', plainChild, false, null, 'shielded-candidate', 'open'],
        ['row', shieldedChild, true, '998', 'shielded-candidate', 'open'],
      ],
    );
    expect(queued[0]?.explanation).toEqual(EXPLANATION);
    const feed = await feedRowOf(row.id);
    expect(feed).toMatchObject({ status: 'review', child_id: null });
    expect(feed.resolved_at).toBeInstanceOf(Date);
    expect(feed.resolution).toEqual({
      rule: 'review:shielded-candidate',
      weight: 5,
      probability: 0.5,
      candidates: 2,
    });

    // Resolving the row again leaves one pair per candidate.
    await childDb
      .transaction()
      .execute((trx) =>
        applyResolved(trx, [row], [outcome], CONTEXT, { allowShielded: false, fromStatuses: ['review'] }),
      );
    expect(await reviews()).toHaveLength(2);
  });
});

describe('single-row decisions', () => {
  it('creates a child shielded like its shielded candidate, its address sealed at rest', async () => {
    const candidate = await createOne(NATIONAL, child());
    const reviewDate = addYears(londonDate(new Date()), 1);
    await shield(candidate, '998', 'risk_to_adult', reviewDate);
    const row = await feedRow(LOCAL, child({ address: '3 Hidden Close', extra: { la_code: '999' } }));
    await database.db
      .updateTable('feed_row')
      .set({ status: 'review', resolved_at: new Date() })
      .where('id', '=', row.id)
      .execute();

    const childId = await childDb
      .transaction()
      .execute((trx) => createChildFromRow(trx, row.id, { operator: OPERATOR, shieldLike: candidate }));
    expect(await childOf(childId)).toMatchObject({
      shielded: true,
      post_adoption: false,
      shield_reason: 'risk_to_adult',
      shield_review_date: reviewDate,
      responsible_la: '998',
    });
    const [raw] = await addressesOf(childId);
    expect(raw).toMatchObject({ line1: null, town: null, postcode: null, seal_pending: false });
    expect(JSON.stringify(raw)).not.toContain('Hidden');
    expect((await addressesOf(childId, childDb))[0]).toMatchObject({ line1: '3 Hidden Close' });
    const feed = await feedRowOf(row.id);
    expect(feed).toMatchObject({ status: 'created', child_id: childId });
    expect(feed.resolution).toMatchObject({ rule: REVIEWED_RULE });
  });

  it('creates an ordinary child when there is no shielded candidate, and refuses a row already resolved', async () => {
    const row = await feedRow(NATIONAL, child());
    const childId = await childDb
      .transaction()
      .execute((trx) => createChildFromRow(trx, row.id, { operator: OPERATOR }));
    expect((await childOf(childId)).shielded).toBe(false);
    await expect(
      childDb.transaction().execute((trx) => createChildFromRow(trx, row.id, { operator: OPERATOR })),
    ).rejects.toMatchObject({ rule: 'feed-row.resolved' });
  });

  it('links a row to a shielded child: the new address is sealed, a restated one adds nothing', async () => {
    const candidate = await createOne(NATIONAL, child());
    await shield(candidate, '999');
    const first = await feedRow(NATIONAL, child({ address: '4 Quiet Mews' }));
    const shieldedChild = await childDb
      .transaction()
      .execute((trx) => createChildFromRow(trx, first.id, { operator: OPERATOR, shieldLike: candidate }));
    const version = (await childOf(shieldedChild)).version;

    const moved = await feedRow(
      NATIONAL,
      child({ address: '8 Far Away Road', ...school('300001', 'Hidden Valley School') }),
      { receivedAt: T3 },
    );
    await database.db
      .insertInto('match_review')
      .values({
        kind: 'row',
        feed_row_id: moved.id,
        child_id: shieldedChild,
        weight: 12.5,
        probability: 0.9,
        explanation: JSON.stringify(EXPLANATION),
        reason: 'shielded-candidate',
        shielded: true,
        responsible_la: '999',
      })
      .execute();
    await childDb.transaction().execute((trx) => linkRowToChild(trx, moved.id, shieldedChild, CONTEXT));
    const raw = await addressesOf(shieldedChild);
    expect(raw.map((a) => [a.line1, a.sealed_fields === null, a.valid_to === null])).toEqual([
      [null, false, false],
      [null, false, true],
    ]);
    expect((await addressesOf(shieldedChild, childDb)).map((a) => a.line1)).toEqual([
      '4 Quiet Mews',
      '8 Far Away Road',
    ]);
    // The school is whereabouts too: sealed at rest like the address.
    const rawSchools = await schoolsOf(shieldedChild);
    expect(rawSchools.map((e) => [e.urn, e.name, e.sealed_fields === null])).toEqual([[null, null, false]]);
    expect((await schoolsOf(shieldedChild, childDb)).map((e) => [e.urn, e.name])).toEqual([
      ['300001', 'Hidden Valley School'],
    ]);
    const feed = await feedRowOf(moved.id);
    expect(feed).toMatchObject({ status: 'linked', child_id: shieldedChild });
    expect(feed.resolution).toEqual({ rule: REVIEWED_RULE, weight: 12.5, probability: 0.9 });
    expect((await childOf(shieldedChild)).version).toBe(version + 1);

    const restated = await feedRow(NATIONAL, child({ address: '8 far away road' }), { receivedAt: T3 });
    await childDb.transaction().execute((trx) => linkRowToChild(trx, restated.id, shieldedChild, CONTEXT));
    expect(await addressesOf(shieldedChild)).toHaveLength(2);
  });

  it('never links a post-adoption row to a record that is not post-adoption', async () => {
    const childId = await createOne(NATIONAL, child());
    const row = await feedRow(LOCAL, child({ postAdoption: true, extra: { la_code: '999' } }));
    await expect(
      childDb.transaction().execute((trx) => linkRowToChild(trx, row.id, childId, CONTEXT)),
    ).rejects.toMatchObject({ rule: 'resolution.post-adoption-link' });
    expect((await feedRowOf(row.id)).status).toBe('accepted');
  });
});
