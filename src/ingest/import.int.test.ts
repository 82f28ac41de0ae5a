import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { insertLocalAuthority } from '../children/reference.repository.ts';
import { importFeed } from './import.ts';
import { IngestError } from './ingest.errors.ts';
import {
  ADOPTIONS_DECLARATION,
  badCheckDigit,
  NHS_HEADER,
  nhsRow,
  validNhsNumber,
  writeTempCsv,
} from './ingest.test-support.ts';
import { dismissQuarantined, listQuarantine, retryQuarantined } from './quarantine.ts';
import { loadSourceDeclaration, parseSourceDeclaration } from './source-declaration.ts';

let database: TestDatabase;
const source = loadSourceDeclaration('nhs_demographics');
const operator = 'Ingest Tester';

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.dispose();
});

async function counts(batchId: number) {
  const db = database.db;
  const feed = await db
    .selectFrom('feed_row')
    .select(['row_number'])
    .where('batch_id', '=', batchId)
    .execute();
  const quarantine = await db
    .selectFrom('quarantine')
    .select(['row_number', 'status'])
    .where('batch_id', '=', batchId)
    .execute();
  const batch = await db
    .selectFrom('source_batch')
    .selectAll()
    .where('id', '=', batchId)
    .executeTakeFirstOrThrow();
  const audits = await db
    .selectFrom('audit_entry')
    .select(['action', 'outcome', 'actor', 'details'])
    .where('action', 'in', ['feed.import', 'feed.quarantine-retry', 'feed.quarantine-dismiss'])
    .where('target', '=', `batch:${batchId}`)
    .execute();
  return { feed, quarantine, batch, audits };
}

describe('importFeed', () => {
  it('imports a good file, quarantines a bad check digit with its rule, and a re-import changes nothing', async () => {
    const file = writeTempCsv([
      NHS_HEADER,
      nhsRow(1),
      nhsRow(2, { nhs: badCheckDigit(validNhsNumber(2)) }),
      nhsRow(3),
      nhsRow(4, { dob: '2014-02-30' }),
    ]);
    const first = await importFeed(database.db, { source, file, operator });
    expect(first).toMatchObject({
      status: 'imported',
      rows: 4,
      accepted: 2,
      quarantined: 2,
      resumedAfter: 0,
    });
    const before = await counts(first.batchId);
    expect(before.feed.map((r) => r.row_number).sort()).toEqual([1, 3]);
    expect(before.batch).toMatchObject({
      status: 'completed',
      row_count: 4,
      accepted_count: 2,
      quarantined_count: 2,
    });
    const quarantined = await listQuarantine(database.db, { batchId: first.batchId });
    expect(quarantined.map((q) => [q.rowNumber, q.rule, q.status])).toEqual([
      [2, 'nhs.check-digit', 'open'],
      [4, 'date.invalid', 'open'],
    ]);
    expect(quarantined[0]?.raw.nhs_number).toBe(badCheckDigit(validNhsNumber(2)));
    expect(before.audits).toHaveLength(1);
    expect(before.audits[0]).toMatchObject({ outcome: 'success', actor: operator });

    const again = await importFeed(database.db, { source, file, operator });
    expect(again).toMatchObject({
      status: 'already-imported',
      batchId: first.batchId,
      accepted: 2,
      quarantined: 2,
    });
    expect(await counts(first.batchId)).toEqual(before);
  });

  it('continues a killed import where it stopped: exactly one row per input row', async () => {
    const lines = [NHS_HEADER];
    for (let n = 1; n <= 11; n++) lines.push(nhsRow(100 + n, n === 6 ? { postcode: 'NOT A CODE' } : {}));
    const file = writeTempCsv(lines);
    const stopped = await importFeed(database.db, {
      source,
      file,
      operator,
      chunkSize: 3,
      stopAfterChunks: 2,
    });
    expect(stopped).toMatchObject({ status: 'stopped', rows: 6 });
    const partial = await counts(stopped.batchId);
    expect(partial.batch.status).toBe('processing');
    expect(partial.feed.length + partial.quarantine.length).toBe(6);
    expect(partial.audits).toHaveLength(0);

    const resumed = await importFeed(database.db, { source, file, operator, chunkSize: 3 });
    expect(resumed).toMatchObject({
      status: 'imported',
      batchId: stopped.batchId,
      rows: 11,
      resumedAfter: 6,
    });
    const after = await counts(stopped.batchId);
    const stored = [...after.feed, ...after.quarantine].map((r) => r.row_number).sort((a, b) => a - b);
    expect(stored).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(after.quarantine).toEqual([{ row_number: 6, status: 'open' }]);
    expect(after.batch).toMatchObject({
      status: 'completed',
      row_count: 11,
      accepted_count: 10,
      quarantined_count: 1,
    });
    expect(after.audits).toHaveLength(1);
  });

  it('refuses a file without the declared columns before opening a batch', async () => {
    const file = writeTempCsv(['pds_record_id,given_name', 'P1,Ann']);
    await expect(importFeed(database.db, { source, file, operator })).rejects.toThrow(IngestError);
    await expect(importFeed(database.db, { source, file, operator })).rejects.toThrow(
      /lacks columns nhs_number/,
    );
  });

  it('refuses a source with a household column unless it can key the references, before opening a batch', async () => {
    const claims = loadSourceDeclaration('dwp_benefits');
    const file = writeTempCsv(['anything', 'x']);
    const batchesBefore = await database.db.selectFrom('source_batch').select('id').execute();
    await expect(importFeed(database.db, { source: claims, file, operator })).rejects.toThrow(
      /household column, kept only as a keyed hash/,
    );
    expect(await database.db.selectFrom('source_batch').select('id').execute()).toEqual(batchesBefore);
  });
});

describe('source registration', () => {
  it('stores the declared precedence, and a changed declaration replaces it', async () => {
    const precedenceOf = async () =>
      (
        await database.db
          .selectFrom('source')
          .select('precedence')
          .where('name', '=', source.name)
          .executeTakeFirstOrThrow()
      ).precedence;
    await importFeed(database.db, {
      source,
      file: writeTempCsv([NHS_HEADER, nhsRow(301)]),
      operator,
    });
    expect(await precedenceOf()).toEqual(source.precedence);
    const redeclared = { ...source, precedence: { address: 5 } };
    await importFeed(database.db, {
      source: redeclared,
      file: writeTempCsv([NHS_HEADER, nhsRow(302)]),
      operator,
    });
    expect(await precedenceOf()).toEqual({ address: 5 });
  });
});

describe('quarantine', () => {
  it('retries a corrected row into the feed, keeps a still-bad one open, and dismisses', async () => {
    const file = writeTempCsv([
      NHS_HEADER,
      nhsRow(201, { nhs: badCheckDigit(validNhsNumber(201)) }),
      nhsRow(202, { dob: '' }),
      nhsRow(203, { postcode: 'ZZ' }),
    ]);
    const imported = await importFeed(database.db, { source, file, operator });
    expect(imported).toMatchObject({ accepted: 0, quarantined: 3 });
    const [bad, noDob, badPostcode] = await listQuarantine(database.db, { batchId: imported.batchId });
    if (bad === undefined || noDob === undefined || badPostcode === undefined)
      throw new Error('expected three rows');

    const stillBad = await retryQuarantined(database.db, {
      id: bad.id,
      corrections: { nhsNumber: badCheckDigit(badCheckDigit(validNhsNumber(201))) },
      operator,
    });
    expect(stillBad.outcome).toBe('still-quarantined');
    expect((await listQuarantine(database.db, { batchId: imported.batchId, status: 'open' })).length).toBe(3);

    const fixed = await retryQuarantined(database.db, {
      id: bad.id,
      corrections: { nhs_number: validNhsNumber(201) },
      operator,
    });
    expect(fixed.outcome).toBe('accepted');
    await expect(retryQuarantined(database.db, { id: bad.id, corrections: {}, operator })).rejects.toThrow(
      /already reprocessed/,
    );
    await expect(
      retryQuarantined(database.db, { id: noDob.id, corrections: { shoeSize: '3' }, operator }),
    ).rejects.toThrow(IngestError);
    expect(
      await retryQuarantined(database.db, {
        id: noDob.id,
        corrections: { dateOfBirth: '2016-05-04' },
        operator,
      }),
    ).toMatchObject({ outcome: 'accepted' });
    await dismissQuarantined(database.db, { id: badPostcode.id, operator });

    const after = await counts(imported.batchId);
    expect(after.feed.map((r) => r.row_number).sort()).toEqual([1, 2]);
    expect(after.quarantine.map((q) => q.status).sort()).toEqual(['dismissed', 'reprocessed', 'reprocessed']);
    expect(after.batch).toMatchObject({ accepted_count: 2, quarantined_count: 1 });
    const row = await database.db
      .selectFrom('feed_row')
      .select(['fields', 'quarantine_id'])
      .where('batch_id', '=', imported.batchId)
      .where('row_number', '=', 1)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ quarantine_id: bad.id, fields: { nhsNumber: validNhsNumber(201) } });
    // The import, two retries that were accepted, one that was not, and the dismissal.
    expect(after.audits.map((a) => `${a.action} ${a.outcome}`).sort()).toEqual([
      'feed.import success',
      'feed.quarantine-dismiss success',
      'feed.quarantine-retry failure',
      'feed.quarantine-retry success',
      'feed.quarantine-retry success',
    ]);
  });
});

describe('post-adoption rows', () => {
  it('quarantines one whose local authority is not known, and accepts it once the code is corrected', async () => {
    await insertLocalAuthority(database.db, {
      code: '383',
      name: 'Leeds',
      managementTeam: { name: 'Leeds ContactPoint team', phone: '0113 000 0000', email: 'cp@leeds.example' },
    });
    const declaration = ADOPTIONS_DECLARATION;
    const sourcesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sources-'));
    fs.writeFileSync(path.join(sourcesDir, 'adoptions.json'), JSON.stringify(declaration));
    const adoptions = parseSourceDeclaration(declaration);
    const file = writeTempCsv([
      'ref,fn,sn,dob,adopted,la_code',
      'A1,Ann,Lee,2015-02-11,yes,384',
      'A2,Bo,Lee,2016-03-12,yes,383',
    ]);
    const imported = await importFeed(database.db, { source: adoptions, file, operator });
    expect(imported).toMatchObject({ accepted: 1, quarantined: 1 });
    const [unknown] = await listQuarantine(database.db, { batchId: imported.batchId });
    expect(unknown).toMatchObject({ rule: 'post-adoption.la-unknown' });
    expect(unknown?.reason).toMatch(/384/);
    const retried = await retryQuarantined(database.db, {
      id: unknown?.id ?? 0,
      corrections: { la_code: '383' },
      operator,
      sourcesDir,
    });
    expect(retried.outcome).toBe('accepted');
  });
});
