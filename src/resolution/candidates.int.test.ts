import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { testNhsNumber } from '../children/child.test-support.ts';
import { withFieldEncryption } from '../children/encryption.database.ts';
import { createFieldCipher } from '../children/encryption.ts';
import { nameKey } from '../children/search-keys.ts';
import { loadConfig } from '../config.ts';
import { importFeed } from '../ingest/import.ts';
import { NHS_HEADER, writeTempCsv } from '../ingest/ingest.test-support.ts';
import { loadSourceDeclaration } from '../ingest/source-declaration.ts';
import { birthYearTypos } from './birth-year-typos.ts';
import { findCandidates, type BlockingKeys } from './candidates.repository.ts';
import { resolveBatch } from './resolve.ts';

const today = new Date('2026-11-25T12:00:00Z');

let database: TestDatabase;

beforeEach(async () => {
  database = await openTestDatabase();
});

afterEach(async () => {
  await database.dispose();
});

/** Two children of the same name born three years apart, indexed from the NHS-style feed. */
async function indexChildren(): Promise<{ older: string; younger: string }> {
  const line = (n: number, dob: string, postcode: string) =>
    `P${String(n)},${testNhsNumber(n)},Oliver,,Smith,1,${dob},,1 High Street,Newark,,${postcode},C87201`;
  const file = writeTempCsv(
    [NHS_HEADER, line(1, '2014-03-09', 'NG24 3FF'), line(2, '2017-05-20', 'NG24 1AB')],
    'nhs.csv',
  );
  const imported = await importFeed(database.db, {
    source: loadSourceDeclaration('nhs_demographics'),
    file,
    operator: 'Data Manager',
    today,
  });
  const cipher = createFieldCipher(loadConfig({ NODE_ENV: 'test' }).fieldEncryption);
  await resolveBatch(
    { db: database.db, childDb: withFieldEncryption(database.db, cipher), cipher },
    imported.batchId,
    {
      actor: { type: 'operator', id: 'Data Manager' },
    },
  );
  const ids = await database.db
    .selectFrom('child_identifier')
    .select(['child_id', 'value'])
    .where('scheme', '=', 'nhs_number')
    .execute();
  const idOf = (n: number) => ids.find((i) => i.value === testNhsNumber(n))?.child_id ?? '';
  return { older: idOf(1), younger: idOf(2) };
}

function row(overrides: Partial<BlockingKeys> & { dateOfBirth: string }): BlockingKeys {
  return {
    rowId: 1,
    sourceName: 'dwp_benefits',
    sourceRecordId: 'CHB1',
    nhsNumber: null,
    upn: null,
    surnameKey: nameKey('Smith'),
    forenameKey: nameKey('Oliver'),
    postcode: 'LN1 3DY',
    postcodeHmacs: [],
    birthYearTypos: birthYearTypos(overrides.dateOfBirth, 2026),
    ...overrides,
  };
}

async function candidatesOf(keys: BlockingKeys): Promise<string[]> {
  const found = await findCandidates(database.db, [keys]);
  return [...(found.get(keys.rowId)?.childIds ?? [])];
}

describe('blocking a feed row against the index', () => {
  it('finds a child of the same name elsewhere whose date of birth differs by a typist’s slip', async () => {
    const { older } = await indexChildren();
    expect(await candidatesOf(row({ dateOfBirth: '2014-09-03' }))).toEqual([older]);
    expect(await candidatesOf(row({ dateOfBirth: '2004-03-09' }))).toEqual([older]);
    expect(await candidatesOf(row({ dateOfBirth: '2014-11-30' }))).toEqual([older]);
  });

  it('does not read every child of that name when the date of birth is years away', async () => {
    const { older, younger } = await indexChildren();
    const found = await candidatesOf(row({ dateOfBirth: '2017-05-21' }));
    expect(found).toEqual([younger]);
    expect(found).not.toContain(older);
    expect(await candidatesOf(row({ dateOfBirth: '2011-01-01' }))).toEqual([]);
  });

  it('finds a child by date of birth and forename after a change of surname', async () => {
    const { younger } = await indexChildren();
    expect(await candidatesOf(row({ dateOfBirth: '2017-05-20', surnameKey: nameKey('Okafor') }))).toEqual([
      younger,
    ]);
  });

  it('finds a child at the same postcode by date of birth when both names differ', async () => {
    const { younger } = await indexChildren();
    const renamed = {
      surnameKey: nameKey('Smyth-Jones'),
      forenameKey: nameKey('Ollie'),
      postcode: 'NG24 1AB',
    };
    expect(await candidatesOf(row({ dateOfBirth: '2017-05-20', ...renamed }))).toEqual([younger]);
    expect(await candidatesOf(row({ dateOfBirth: '2017-06-20', ...renamed }))).toEqual([]);
  });

  it('keeps each name’s copy of the date of birth with its child through a correction and a move', async () => {
    const { older, younger } = await indexChildren();
    const datesOf = async (childId: string) =>
      (
        await sql<{ d: string }>`
          select to_char(date_of_birth, 'YYYY-MM-DD') as d from child_name where child_id = ${childId}`.execute(
          database.db,
        )
      ).rows.map((r) => r.d);
    await sql`update child set date_of_birth = '2014-03-10' where id = ${older}`.execute(database.db);
    expect(await datesOf(older)).toEqual(['2014-03-10']);
    await sql`update child_name set date_of_birth = '2000-01-01' where child_id = ${older}`.execute(
      database.db,
    );
    expect(await datesOf(older)).toEqual(['2014-03-10']);
    await sql`update child_name set child_id = ${younger}, kind = 'alias' where child_id = ${older}`.execute(
      database.db,
    );
    expect(await datesOf(younger)).toEqual(['2017-05-20', '2017-05-20']);
    expect(await candidatesOf(row({ dateOfBirth: '2014-03-10' }))).toEqual([]);
  });
});
