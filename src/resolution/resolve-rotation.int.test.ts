import { afterEach, beforeEach, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { systemClock } from '../access/clock.ts';
import { testNhsNumber } from '../children/child.test-support.ts';
import { withFieldEncryption } from '../children/encryption.database.ts';
import { createFieldCipher, householdKey, type FieldCipher } from '../children/encryption.ts';
import { insertLocalAuthority } from '../children/reference.repository.ts';
import { createShieldService } from '../children/shield.service.ts';
import type { FieldEncryptionConfig } from '../config.ts';
import { importFeed } from '../ingest/import.ts';
import { NHS_HEADER, writeTempCsv } from '../ingest/ingest.test-support.ts';
import { loadSourceDeclaration } from '../ingest/source-declaration.ts';
import { resolveBatch } from './resolve.ts';

const today = new Date('2026-11-25T12:00:00Z');
const actor = { type: 'operator', id: 'Data Manager' } as const;
const DWP_HEADER =
  'claim_child_ref,claimant_nino,claimant_forename,claimant_surname,child_forename,child_surname,child_dob,child_sex,address_line_1,address_line_2,address_line_3,postcode,award_start_date';

function keys(hmacKeys: Record<string, string>, activeHmacKeyId: string): FieldEncryptionConfig {
  return { keys: { k1: '5a'.repeat(32) }, activeKeyId: 'k1', hmacKeys, activeHmacKeyId };
}

let database: TestDatabase;

beforeEach(async () => {
  database = await openTestDatabase();
});

afterEach(async () => {
  await database.dispose();
});

async function importAndResolve(cipher: FieldCipher, source: string, header: string, line: string) {
  const imported = await importFeed(database.db, {
    source: loadSourceDeclaration(source),
    file: writeTempCsv([header, line], `${source}.csv`),
    operator: 'Data Manager',
    today,
    householdKey: householdKey(cipher),
  });
  const deps = { db: database.db, childDb: withFieldEncryption(database.db, cipher), cipher };
  await resolveBatch(deps, imported.batchId, { actor });
  return database.db
    .selectFrom('feed_row')
    .select(['status', 'child_id', 'resolution'])
    .where('batch_id', '=', imported.batchId)
    .executeTakeFirstOrThrow();
}

it('finds a shielded child by postcode while a rotation has left its address hashed under the old key', async () => {
  const before = createFieldCipher(keys({ h1: '6b'.repeat(32) }, 'h1'));
  const created = await importAndResolve(
    before,
    'nhs_demographics',
    NHS_HEADER,
    `P1,${testNhsNumber(1)},Amara,,Okonkwo,2,2016-03-14,,12 Mill Lane,Newark,,NG24 3FF,C87201`,
  );
  const childId = created.child_id ?? '';
  await insertLocalAuthority(database.db, {
    code: '999',
    name: 'Testshire County Council',
    managementTeam: { name: 'CP team', phone: '01632 960000', email: 'cp@testshire.example' },
  });
  await database.db.updateTable('child').set({ responsible_la: '999' }).where('id', '=', childId).execute();
  const { contactpoint_id: contactPointId } = await database.db
    .selectFrom('child')
    .select('contactpoint_id')
    .where('id', '=', childId)
    .executeTakeFirstOrThrow();
  const shields = createShieldService({
    db: withFieldEncryption(database.db, before),
    clock: systemClock,
    cipher: before,
  });
  await shields.set({ kind: 'operator', name: 'Shielder' }, contactPointId, {
    reason: 'risk_to_child',
    reviewDate: '2027-03-01',
  });

  // A new HMAC key is active and the old one still configured; the address has not been rehashed.
  // The row's forename and date of birth are each a little off, so only its surname and postcode
  // lead to the child, whose postcode is sealed.
  const during = createFieldCipher(keys({ h1: '6b'.repeat(32), h2: 'b6'.repeat(32) }, 'h2'));
  const row = await importAndResolve(
    during,
    'dwp_benefits',
    DWP_HEADER,
    'CHB1,QQ123456C,JANE,OKONKWO,AMARAH,OKONKWO,15/03/2016,F,12 MILL LANE,NEWARK,,NG24 3FF,01/01/2020',
  );
  expect(row).toMatchObject({
    status: 'review',
    child_id: null,
    resolution: { rule: 'review:shielded-candidate' },
  });
  const reviews = await database.db.selectFrom('match_review').select(['child_id', 'shielded']).execute();
  expect(reviews).toEqual([{ child_id: childId, shielded: true }]);
});
