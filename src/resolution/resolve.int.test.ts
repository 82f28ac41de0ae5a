import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { systemClock } from '../access/clock.ts';
import { testNhsNumber, testUpn } from '../children/child.test-support.ts';
import { withFieldEncryption } from '../children/encryption.database.ts';
import { createFieldCipher, householdKey } from '../children/encryption.ts';
import { insertLocalAuthority } from '../children/reference.repository.ts';
import { createShieldService } from '../children/shield.service.ts';
import { loadConfig } from '../config.ts';
import { importFeed } from '../ingest/import.ts';
import { NHS_HEADER, writeTempCsv } from '../ingest/ingest.test-support.ts';
import { loadSourceDeclaration } from '../ingest/source-declaration.ts';
import { runSynth } from '../synth/run.ts';
import { loadIndexRecords } from './index-records.ts';
import { rowPairKey } from './pair-key.ts';
import { resolveBatch, type ResolveDeps, type ResolveOptions } from './resolve.ts';

const today = new Date('2026-11-25T12:00:00Z');
const actor = { type: 'operator', id: 'Data Manager' } as const;

interface Kid {
  readonly id: string;
  readonly nhs: string;
  readonly forename: string;
  readonly surname: string;
  /** YYYY-MM-DD */
  readonly dob: string;
  readonly sex: 'M' | 'F';
  readonly line1: string;
  readonly postcode: string;
}

const amara: Kid = {
  id: 'P1',
  nhs: testNhsNumber(1),
  forename: 'Amara',
  surname: 'Okonkwo',
  dob: '2016-03-14',
  sex: 'F',
  line1: '12 Mill Lane',
  postcode: 'NG24 3FF',
};
const theo: Kid = {
  id: 'P2',
  nhs: testNhsNumber(2),
  forename: 'Theodore',
  surname: 'Blackwood',
  dob: '2012-11-02',
  sex: 'M',
  line1: '4 Castle Gate',
  postcode: 'NG24 1AB',
};
const isla: Kid = {
  id: 'P3',
  nhs: testNhsNumber(3),
  forename: 'Isla',
  surname: 'Fairweather',
  dob: '2019-07-21',
  sex: 'F',
  line1: '9 Orchard Close',
  postcode: 'LN1 3DY',
};

function nhsLine(kid: Kid, overrides: Partial<Kid> = {}): string {
  const k = { ...kid, ...overrides };
  const gender = k.sex === 'M' ? '1' : '2';
  return `${k.id},${k.nhs},${k.forename},,${k.surname},${gender},${k.dob},,${k.line1},Newark,,${k.postcode},C87201`;
}

const DWP_HEADER =
  'claim_child_ref,claimant_nino,claimant_forename,claimant_surname,child_forename,child_surname,child_dob,child_sex,address_line_1,address_line_2,address_line_3,postcode,award_start_date';

function ukDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

function dwpLine(
  ref: string,
  kid: Kid,
  overrides: Partial<Kid> & { claim?: string; claimant?: string } = {},
): string {
  const k = { ...kid, ...overrides };
  return `${ref},${overrides.claim ?? `QQ${ref.replace(/\D/g, '').padStart(6, '0')}C`},${overrides.claimant ?? 'JANE'},${k.surname.toUpperCase()},${k.forename.toUpperCase()},${k.surname.toUpperCase()},${ukDate(k.dob)},${k.sex},${k.line1.toUpperCase()},NEWARK,,${k.postcode},01/01/2020`;
}

const LOCAL_HEADER =
  'local_ref,la_code,first_name,surname,dob,sex,address,postcode,nhs_no,upn,parent_carer,service,referral_date';

function localLine(ref: string, kid: Kid, overrides: Partial<Kid> = {}): string {
  const k = { ...kid, ...overrides };
  const sex = k.sex === 'M' ? 'Male' : 'Female';
  return `${ref},999,${k.forename},${k.surname},${ukDate(k.dob)},${sex},"${k.line1}, Newark",${k.postcode},${k.nhs},,Jane ${k.surname},Early Help,01/02/2024`;
}

const SCHOOL_HEADER =
  'census_row_id,upn,legal_forename,legal_surname,dob,gender,postcode,middle_names,preferred_forename,preferred_surname,ncy,la_code,school_urn,school_name';

function schoolLine(ref: string, upn: string, kid: Kid): string {
  return `${ref},${upn},${kid.forename},${kid.surname},${kid.dob},${kid.sex},${kid.postcode},,,,3,999,100001,Mill Lane Primary`;
}

let database: TestDatabase;
let deps: ResolveDeps;

beforeEach(async () => {
  database = await openTestDatabase();
  const cipher = createFieldCipher(loadConfig({ NODE_ENV: 'test' }).fieldEncryption);
  deps = { db: database.db, childDb: withFieldEncryption(database.db, cipher), cipher };
});

afterEach(async () => {
  await database.dispose();
});

async function importFile(
  source: string,
  header: string,
  lines: readonly string[],
  options: { resolve?: boolean; resolveOptions?: Partial<ResolveOptions> } = {},
) {
  const file = writeTempCsv([header, ...lines], `${source}.csv`);
  const imported = await importFeed(database.db, {
    source: loadSourceDeclaration(source),
    file,
    operator: 'Data Manager',
    today,
    householdKey: householdKey(deps.cipher),
  });
  if (options.resolve === false) return { imported, resolved: null };
  const resolved = await resolveBatch(deps, imported.batchId, { actor, ...options.resolveOptions });
  return { imported, resolved };
}

async function rowsOf(batchId: number) {
  return database.db
    .selectFrom('feed_row')
    .select(['source_record_id', 'status', 'child_id', 'resolution', 'resolved_at'])
    .where('batch_id', '=', batchId)
    .orderBy('row_number')
    .execute();
}

async function liveChildren(): Promise<number> {
  const { rows } = await sql<{ n: string | number }>`
    select count(*) as n from child where merged_into is null`.execute(database.db);
  return Number(rows[0]?.n);
}

function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

function ruleOf(row: { resolution: Record<string, unknown> | null }): unknown {
  return row.resolution?.rule;
}

describe('resolving feed rows into the index', () => {
  it('links two sources of the same children by NHS number and date of birth', async () => {
    const first = await importFile('nhs_demographics', NHS_HEADER, [nhsLine(amara), nhsLine(theo)]);
    expect(first.resolved).toMatchObject({ status: 'resolved', created: 2, linked: 0, review: 0 });
    expect(await liveChildren()).toBe(2);
    const nhsRows = await rowsOf(first.imported.batchId);

    // Another surname, another address: the identifiers decide.
    const second = await importFile('local_children_services', LOCAL_HEADER, [
      localLine('L1', amara, { surname: 'Smith', line1: '3 New Road', postcode: 'LN2 5AA' }),
      localLine('L2', theo),
    ]);
    expect(second.resolved).toMatchObject({ linked: 2, created: 0, review: 0 });
    const localRows = await rowsOf(second.imported.batchId);
    expect(localRows.map(ruleOf)).toEqual(['nhs-number+dob', 'nhs-number+dob']);
    expect(localRows.map((r) => r.child_id)).toEqual(nhsRows.map((r) => r.child_id));
    expect(await liveChildren()).toBe(2);
  });

  it('links a row with a mistyped surname probabilistically', async () => {
    await importFile('nhs_demographics', NHS_HEADER, [nhsLine(amara), nhsLine(theo), nhsLine(isla)]);
    const { imported } = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB1', theo, { surname: 'Blakwood' }),
    ]);
    const [row] = await rowsOf(imported.batchId);
    expect(row?.status).toBe('linked');
    expect(ruleOf(must(row))).toBe('probabilistic');
    const theoChild = await database.db
      .selectFrom('child_identifier')
      .select('child_id')
      .where('scheme', '=', 'nhs_number')
      .where('value', '=', theo.nhs)
      .executeTakeFirstOrThrow();
    expect(row?.child_id).toBe(theoChild.child_id);
    expect(await liveChildren()).toBe(3);
  });

  it('makes new children of new rows, one child for two rows of one child in a batch', async () => {
    const { imported, resolved } = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB1', amara),
      dwpLine('CHB2', theo),
      // The same child on a second claim, with the forename mistyped.
      dwpLine('CHB3', amara, { forename: 'Amarah' }),
    ]);
    expect(resolved).toMatchObject({ created: 3, linked: 0, review: 0 });
    const rows = await rowsOf(imported.batchId);
    expect(rows.every((r) => r.status === 'created')).toBe(true);
    expect(rows[2]?.child_id).toBe(rows[0]?.child_id);
    expect(rows[1]?.child_id).not.toBe(rows[0]?.child_id);
    expect(await liveChildren()).toBe(2);
  });

  it('keeps twins two children, in one batch and when a second source names them', async () => {
    const twin = { ...amara, id: 'P9', nhs: testNhsNumber(9), forename: 'Zainab' };
    const { imported } = await importFile('nhs_demographics', NHS_HEADER, [nhsLine(amara), nhsLine(twin)]);
    const twins = await rowsOf(imported.batchId);
    expect(twins.map((r) => r.status)).toEqual(['created', 'created']);
    expect(twins[0]?.child_id).not.toBe(twins[1]?.child_id);

    const later = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB1', twin),
      dwpLine('CHB2', amara),
    ]);
    const rows = await rowsOf(later.imported.batchId);
    expect(rows.map((r) => r.status)).toEqual(['linked', 'linked']);
    expect(rows.map((r) => r.child_id)).toEqual([twins[1]?.child_id, twins[0]?.child_id]);
    expect(await liveChildren()).toBe(2);
  });

  it('links a school row by score when no later row of the batch fits the child better', async () => {
    // Twins Layla and Laya: only Layla is known from NHS demographics, with no UPN yet.
    const layla: Kid = { ...amara, forename: 'Layla' };
    const laya: Kid = { ...layla, id: 'P8', nhs: testNhsNumber(8), forename: 'Laya' };
    await importFile('nhs_demographics', NHS_HEADER, [nhsLine(layla)]);
    const [child] = await database.db.selectFrom('child').select('id').execute();
    // Alone, Laya's row is near enough to Layla's record to link (the false merge the rule stops).
    const alone = await importFile('school_census', SCHOOL_HEADER, [schoolLine('S0', testUpn(1), laya)]);
    const [linkedAlone] = await rowsOf(alone.imported.batchId);
    expect([linkedAlone?.status, ruleOf(must(linkedAlone)), linkedAlone?.child_id]).toEqual([
      'linked',
      'probabilistic',
      child?.id,
    ]);
  });

  it('holds a school row for a person when a later row of the batch fits its child better', async () => {
    const layla: Kid = { ...amara, forename: 'Layla' };
    const laya: Kid = { ...layla, id: 'P8', nhs: testNhsNumber(8), forename: 'Laya' };
    await importFile('nhs_demographics', NHS_HEADER, [nhsLine(layla)]);
    const [child] = await database.db.selectFrom('child').select('id').execute();
    // One row per chunk: Layla's own row is not yet read when Laya's is decided.
    const census = await importFile(
      'school_census',
      SCHOOL_HEADER,
      [schoolLine('S1', testUpn(1), laya), schoolLine('S2', testUpn(2), layla)],
      { resolveOptions: { chunkSize: 1 } },
    );
    const rows = await rowsOf(census.imported.batchId);
    expect(rows.map((r) => [r.source_record_id, r.status, ruleOf(r), r.child_id])).toEqual([
      ['S1', 'review', 'review:batch-rival', null],
      ['S2', 'linked', 'probabilistic', child?.id],
    ]);
    const reviews = await database.db.selectFrom('match_review').select(['child_id', 'reason']).execute();
    expect(reviews).toEqual([{ child_id: child?.id, reason: 'batch-rival' }]);
  });

  it('holds a benefit row that would take the record of its twin named on the same claim', async () => {
    // Twins Harry and Henry: only Harry is known from NHS demographics.
    const harry: Kid = { ...amara, forename: 'Harry', sex: 'M' };
    const henry: Kid = { ...harry, id: 'P8', nhs: testNhsNumber(8), forename: 'Henry' };
    await importFile('nhs_demographics', NHS_HEADER, [nhsLine(harry)]);
    const [child] = await database.db.selectFrom('child').select('id').execute();
    // Alone on a claim, Henry's row is near enough to Harry's record to link.
    const alone = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB1', henry, { claim: 'QQ000001A' }),
    ]);
    const [linked] = await rowsOf(alone.imported.batchId);
    expect([linked?.status, ruleOf(must(linked)), linked?.child_id]).toEqual([
      'linked',
      'probabilistic',
      child?.id,
    ]);

    // Named with Harry on one claim, born the same day, Henry is Harry's twin, whichever row comes first.
    const claims = [
      { henry: 'CHB2', harry: 'CHB3', claim: 'QQ000002A' },
      { harry: 'CHB4', henry: 'CHB5', claim: 'QQ000003A' },
    ];
    for (const refs of claims) {
      const lines = Object.entries(refs)
        .filter(([name]) => name !== 'claim')
        .map(([name, ref]) => dwpLine(ref, name === 'henry' ? henry : harry, { claim: refs.claim }));
      const claim = await importFile('dwp_benefits', DWP_HEADER, lines, { resolveOptions: { chunkSize: 1 } });
      const byRef = new Map(
        (await rowsOf(claim.imported.batchId)).map((r) => [
          r.source_record_id,
          [r.status, ruleOf(r), r.child_id],
        ]),
      );
      expect(byRef.get(refs.henry)).toEqual(['review', 'review:twin-on-claim', null]);
      expect(byRef.get(refs.harry)).toEqual(['linked', 'probabilistic', child?.id]);
    }

    // A second claim for one child, by the other parent, is another household: the claim holds
    // nothing. Henry's row is still held, by Henry's rows waiting for review against Harry's child.
    const second = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB6', henry, { claim: 'QQ000004A' }),
      dwpLine('CHB7', harry, { claim: 'QQ000004A', claimant: 'JOHN' }),
    ]);
    const secondRows = await rowsOf(second.imported.batchId);
    expect(secondRows.map((r) => [r.status, ruleOf(r)])).toEqual([
      ['review', 'review:rival-in-review'],
      ['linked', 'probabilistic'],
    ]);
  });

  it('holds a row that would take the child another row of its forename waits for review against', async () => {
    // Twins Mohammed and Muhammad (one name to the forename table): only Mohammed is known.
    const mohammed: Kid = { ...amara, forename: 'Mohammed', surname: 'Mason-Carmore', sex: 'M' };
    const muhammad: Kid = { ...mohammed, id: 'P8', nhs: testNhsNumber(8), forename: 'Muhammad' };
    await importFile('nhs_demographics', NHS_HEADER, [nhsLine(mohammed)]);
    const [child] = await database.db.selectFrom('child').select('id').execute();
    // Alone, Muhammad's benefit row, under the first part of the surname, takes Mohammed's child.
    const alone = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB1', muhammad, { surname: 'Mason', claim: 'QQ000001A' }),
    ]);
    const [linked] = await rowsOf(alone.imported.batchId);
    expect([linked?.status, ruleOf(must(linked)), linked?.child_id]).toEqual([
      'linked',
      'probabilistic',
      child?.id,
    ]);

    // The school census knows both, under two UPNs: Muhammad's row waits for a person.
    await importFile('school_census', SCHOOL_HEADER, [schoolLine('S1', testUpn(1), mohammed)]);
    const census = await importFile('school_census', SCHOOL_HEADER, [schoolLine('S2', testUpn(2), muhammad)]);
    const [held] = await rowsOf(census.imported.batchId);
    expect([held?.status, ruleOf(must(held))]).toEqual(['review', 'review:veto:strong-identifier-conflict']);

    // Now a benefit row under Muhammad's name and birthday is his, not Mohammed's: a person decides.
    // Mohammed's own row still links.
    const later = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB2', muhammad, { surname: 'Mason', claim: 'QQ000002A' }),
      dwpLine('CHB3', mohammed, { surname: 'Mason', claim: 'QQ000003A' }),
    ]);
    const rows = await rowsOf(later.imported.batchId);
    expect(rows.map((r) => [r.source_record_id, r.status, ruleOf(r), r.child_id])).toEqual([
      ['CHB2', 'review', 'review:rival-in-review', null],
      ['CHB3', 'linked', 'probabilistic', child?.id],
    ]);
  });

  it("reads a child's other names and postcodes for matching: a former surname, an earlier home", async () => {
    await importFile('nhs_demographics', NHS_HEADER, [nhsLine(amara)]);
    await importFile('school_census', SCHOOL_HEADER, [
      schoolLine('S1', testUpn(1), { ...amara, surname: 'Byrne' }),
    ]);
    await importFile('local_children_services', LOCAL_HEADER, [
      localLine('L1', amara, { line1: '3 New Road', postcode: 'LN2 5AA' }),
    ]);
    expect(await liveChildren()).toBe(1);
    const [child] = await database.db.selectFrom('child').select('id').execute();
    const [record] = await loadIndexRecords(deps.childDb, [must(child).id]);
    expect(record?.raw).toMatchObject({ forename: 'Amara', surname: 'Okonkwo' });
    expect(record?.otherNames).toEqual([{ forename: 'Amara', middleNames: null, surname: 'Byrne' }]);
    const postcodes = [record?.raw.postcode, ...(record?.otherPostcodes ?? [])];
    expect(postcodes.sort()).toEqual(['LN2 5AA', 'NG24 3FF']);
  });

  it('settles a claim at an old address by the brother or sister on the same claim', async () => {
    const kwame: Kid = {
      ...amara,
      id: 'P7',
      nhs: testNhsNumber(7),
      forename: 'Kwame',
      dob: '2018-09-30',
      sex: 'M',
    };
    await importFile('nhs_demographics', NHS_HEADER, [nhsLine(amara), nhsLine(kwame), nhsLine(theo)]);
    // The claimant gave the family's old address, in another town, and the children's former surname.
    const old = { line1: '51 Station Road', postcode: 'LN6 7QT', surname: 'Mensah' };
    // A brother on the claim whom the index does not hold says nothing about Amara's record.
    const alone = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB1', amara, { ...old, claim: 'QQ000001A' }),
      dwpLine('CHB0', { ...kwame, forename: 'Kofi', dob: '2021-01-05' }, { ...old, claim: 'QQ000001A' }),
    ]);
    const [waiting] = await rowsOf(alone.imported.batchId);
    expect([waiting?.status, ruleOf(must(waiting))]).toEqual(['review', 'review:review-band']);

    const claim = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB2', amara, { ...old, claim: 'QQ000002A' }),
      dwpLine('CHB3', kwame, { ...old, claim: 'QQ000002A' }),
      // The brother first claimed for with Amara, now a child of the index.
      dwpLine('CHB4', { ...kwame, forename: 'Kofi', dob: '2021-01-05' }, { ...old, claim: 'QQ000002A' }),
    ]);
    const rows = await rowsOf(claim.imported.batchId);
    expect(rows.map((r) => [r.source_record_id, r.status, ruleOf(r)])).toEqual([
      ['CHB2', 'linked', 'probabilistic+household'],
      ['CHB3', 'linked', 'probabilistic+household'],
      ['CHB4', 'linked', 'probabilistic'],
    ]);
    const children = await database.db
      .selectFrom('child_identifier')
      .select(['value', 'child_id'])
      .where('scheme', '=', 'nhs_number')
      .execute();
    const childOf = new Map(children.map((c) => [c.value, c.child_id]));
    expect(rows[0]?.child_id).toBe(childOf.get(amara.nhs));
    expect(rows[1]?.child_id).toBe(childOf.get(kwame.nhs));
    // The claim's reference (the claimant's National Insurance number) is kept only keyed.
    const { rows: plain } = await sql<{ n: number }>`
      select count(*)::int as n from feed_row where fields::text like '%QQ00000%'`.execute(database.db);
    expect(plain[0]?.n).toBe(0);
  });

  it('sends a row whose candidate is shielded to review and changes nothing visible', async () => {
    const { imported } = await importFile('nhs_demographics', NHS_HEADER, [nhsLine(amara)]);
    const [created] = await rowsOf(imported.batchId);
    const childId = must(must(created).child_id);
    await insertLocalAuthority(database.db, {
      code: '999',
      name: 'Testshire County Council',
      managementTeam: { name: 'CP team', phone: '01632 960000', email: 'cp@testshire.example' },
    });
    await database.db.updateTable('child').set({ responsible_la: '999' }).where('id', '=', childId).execute();
    const child = await database.db
      .selectFrom('child')
      .select('contactpoint_id')
      .where('id', '=', childId)
      .executeTakeFirstOrThrow();
    const shields = createShieldService({ db: deps.childDb, clock: systemClock, cipher: createCipher() });
    await shields.set({ kind: 'operator', name: 'Shielder' }, child.contactpoint_id, {
      reason: 'risk_to_child',
      reviewDate: '2027-03-01',
    });
    const before = await snapshot(childId);

    // A perfect match by NHS number and date of birth, with a new address: it would auto-link.
    const local = await importFile('local_children_services', LOCAL_HEADER, [
      localLine('L1', amara, { line1: '7 Hidden Way', postcode: 'LN2 5AA' }),
    ]);
    // And a row without the NHS number that would otherwise become a new, unshielded child.
    const dwp = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB1', amara, { line1: '7 Hidden Way' }),
    ]);
    // And one under other names, found only by the birthday at the sealed postcode.
    const renamed = await importFile('dwp_benefits', DWP_HEADER, [
      dwpLine('CHB2', amara, { forename: 'Ammy', surname: 'Reid', line1: '7 Hidden Way' }),
    ]);
    for (const batch of [local, dwp, renamed]) {
      const [row] = await rowsOf(batch.imported.batchId);
      expect(row?.status).toBe('review');
      expect(ruleOf(must(row))).toBe('review:shielded-candidate');
      const reviews = await database.db
        .selectFrom('match_review')
        .innerJoin('feed_row', 'feed_row.id', 'match_review.feed_row_id')
        .select(['match_review.child_id', 'match_review.shielded', 'match_review.reason'])
        .where('feed_row.batch_id', '=', batch.imported.batchId)
        .execute();
      expect(reviews).toEqual([{ child_id: childId, shielded: true, reason: 'shielded-candidate' }]);
    }
    expect(await liveChildren()).toBe(1);
    expect(await snapshot(childId)).toEqual(before);
  });

  it('never auto-links two different valid NHS numbers', async () => {
    await importFile('nhs_demographics', NHS_HEADER, [nhsLine(theo)]);
    const { imported } = await importFile('local_children_services', LOCAL_HEADER, [
      localLine('L1', theo, { nhs: testNhsNumber(40) }),
    ]);
    const [row] = await rowsOf(imported.batchId);
    expect(row?.status).toBe('review');
    expect(ruleOf(must(row))).toBe('review:veto:strong-identifier-conflict');
    expect(row?.child_id).toBeNull();
  });

  it('does not ask again about a pair a person decided was not a match', async () => {
    const nhs = await importFile('nhs_demographics', NHS_HEADER, [nhsLine(theo)]);
    const [theoRow] = await rowsOf(nhs.imported.batchId);
    const conflicting = { ...theo, nhs: testNhsNumber(40) };
    const first = await importFile('local_children_services', LOCAL_HEADER, [localLine('L1', conflicting)]);
    expect((await rowsOf(first.imported.batchId))[0]?.status).toBe('review');
    await database.db
      .insertInto('match_decision')
      .values({
        pair_key: rowPairKey('local_children_services', 'L1', must(must(theoRow).child_id)),
        decision: 'not_a_match',
        decided_by: 'Data Manager',
      })
      .execute();

    // The same source record in a new batch (a new file: the referral date moved on).
    const again = await importFile('local_children_services', LOCAL_HEADER, [
      localLine('L1', conflicting).replace('01/02/2024', '01/03/2024'),
    ]);
    const [row] = await rowsOf(again.imported.batchId);
    expect(row?.status).toBe('created');
    const asked = await database.db
      .selectFrom('match_review')
      .select('id')
      .where('child_id', '=', must(must(theoRow).child_id))
      .execute();
    expect(asked).toHaveLength(1);
  });

  it('resolves every row exactly once when stopped after a chunk and run again', async () => {
    const kids = Array.from({ length: 25 }, (_, i) => ({
      ...isla,
      id: `P${100 + i}`,
      nhs: testNhsNumber(100 + i),
      forename: ['Ava', 'Noah', 'Mia', 'Leo', 'Ivy'][i % 5] ?? 'Ava',
      surname: ['Hart', 'Kaur', 'Nowak', 'Osei', 'Quinn'][Math.floor(i / 5)] ?? 'Hart',
      dob: `2015-0${1 + (i % 9)}-1${i % 10}`,
      line1: `${i + 1} Station Road`,
    }));
    const { imported } = await importFile(
      'nhs_demographics',
      NHS_HEADER,
      kids.map((k) => nhsLine(k)),
      { resolve: false },
    );
    const stopped = await resolveBatch(deps, imported.batchId, { actor, chunkSize: 10, stopAfterChunks: 1 });
    expect(stopped).toMatchObject({ status: 'stopped', resolved: 10, chunks: 1 });
    expect((await rowsOf(imported.batchId)).filter((r) => r.status === 'accepted')).toHaveLength(15);

    const rest = await resolveBatch(deps, imported.batchId, { actor, chunkSize: 10 });
    expect(rest).toMatchObject({ status: 'resolved', resolved: 15, created: 15 });
    const rows = await rowsOf(imported.batchId);
    expect(rows.every((r) => r.status === 'created')).toBe(true);
    expect(new Set(rows.map((r) => r.child_id)).size).toBe(25);
    expect(await liveChildren()).toBe(25);

    const noop = await resolveBatch(deps, imported.batchId, { actor });
    expect(noop.status).toBe('nothing-to-resolve');
    expect(await rowsOf(imported.batchId)).toEqual(rows);
    const audits = await database.db
      .selectFrom('audit_entry')
      .select('details')
      .where('action', '=', 'feed.resolve')
      .execute();
    expect(audits).toHaveLength(3);
  });
});

function createCipher() {
  return createFieldCipher(loadConfig({ NODE_ENV: 'test' }).fieldEncryption);
}

/** What anyone could see of a child: its visible rows and version. */
async function snapshot(childId: string) {
  const [child, names, identifiers, addresses] = await Promise.all([
    database.db
      .selectFrom('child')
      .select(['version', 'gender', 'date_of_birth'])
      .where('id', '=', childId)
      .execute(),
    database.db.selectFrom('child_name').select(['id', 'valid_to']).where('child_id', '=', childId).execute(),
    database.db
      .selectFrom('child_identifier')
      .select(['id', 'valid_to'])
      .where('child_id', '=', childId)
      .execute(),
    database.db
      .selectFrom('child_address')
      .select(['id', 'valid_to'])
      .where('child_id', '=', childId)
      .execute(),
  ]);
  return { child, names, identifiers, addresses };
}

describe('resolution of Synthetic England', () => {
  it('links the feeds of 300 children with no false merge and high recall', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-resolve-synth-'));
    try {
      await runSynth({ children: 300, seed: 'resolve-e2e', outDir: out });
      for (const source of ['nhs_demographics', 'school_census', 'dwp_benefits', 'local_children_services']) {
        const imported = await importFeed(database.db, {
          source: loadSourceDeclaration(source),
          file: path.join(out, `${source}.csv`),
          operator: 'Data Manager',
          householdKey: householdKey(deps.cipher),
        });
        await resolveBatch(deps, imported.batchId, { actor });
      }
      const truth = parse<{ source: string; record_id: string; child_id: string }>(
        fs.readFileSync(path.join(out, 'truth.csv')),
        { columns: true },
      );
      const truthOf = new Map(truth.map((t) => [`${t.source}|${t.record_id}`, t.child_id]));
      const rows = await database.db
        .selectFrom('feed_row')
        .select(['source_name', 'source_record_id', 'status', 'child_id'])
        .execute();
      expect(rows.some((r) => r.status === 'accepted')).toBe(false);
      const pairs = (groupOf: (r: (typeof rows)[number]) => string | null) => {
        const groups = new Map<string, string[]>();
        for (const r of rows) {
          const group = groupOf(r);
          if (group === null) continue;
          groups.set(group, [...(groups.get(group) ?? []), `${r.source_name}|${r.source_record_id}`]);
        }
        const set = new Set<string>();
        for (const members of groups.values()) {
          for (const [i, a] of members.entries())
            for (const b of members.slice(i + 1)) set.add([a, b].sort().join('~'));
        }
        return set;
      };
      const linked = pairs((r) => r.child_id);
      const actual = pairs((r) => truthOf.get(`${r.source_name}|${r.source_record_id}`) ?? null);
      const correct = [...linked].filter((p) => actual.has(p)).length;
      const precision = correct / linked.size;
      const recall = correct / actual.size;
      expect(actual.size).toBeGreaterThan(300);
      expect(precision).toBeGreaterThanOrEqual(0.995);
      expect(recall).toBeGreaterThanOrEqual(0.95);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
