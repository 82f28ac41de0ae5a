import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { addInvolvement, addName, recordIdentifier } from './child-history.repository.ts';
import { insertChild } from './child.repository.ts';
import type { ChildCore, Provenance } from './child.model.ts';
import { RECEIVED_AT, seedReferenceData, testNhsNumber, type ReferenceData } from './child.test-support.ts';
import { contactPointIdFromSerial } from './identifiers/contactpoint-id.ts';
import { insertSource, insertSourceBatch } from './reference.repository.ts';

/**
 * The database's own guards, tested by going around the service: they must hold for any writer,
 * including a bulk loader or a bug.
 */

let database: TestDatabase;
let ref: ReferenceData;
let provenance: Provenance;
let serial = 1000;

beforeAll(async () => {
  database = await openTestDatabase();
  ref = await seedReferenceData(database.db);
  provenance = { source: ref.source, batchId: ref.batch.id, receivedAt: RECEIVED_AT };
});

afterAll(async () => {
  await database.dispose();
});

async function newChild(): Promise<ChildCore> {
  const child = await insertChild(database.db, {
    contactPointId: contactPointIdFromSerial(++serial),
    gender: 'male',
    dateOfBirth: '2012-05-01',
    dateOfDeath: null,
    responsibleLa: ref.la.code,
    shield: null,
    postAdoption: false,
    extension: null,
    provenance,
  });
  if (child === undefined) throw new Error('ContactPoint ID clash in a fresh database');
  return child;
}

/** The database error a statement fails with, reduced to what both drivers report. */
async function violation(statement: Promise<unknown>): Promise<{ code: unknown; constraint: unknown }> {
  const error: unknown = await statement.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return { code, constraint };
}

describe('child constraints', () => {
  it('a shield needs a reason and a review date', async () => {
    const child = await newChild();
    expect(
      await violation(
        sql`update child set shielded = true, shielded_at = now() where id = ${child.id}`.execute(
          database.db,
        ),
      ),
    ).toEqual({ code: '23514', constraint: 'child_shield_complete' });
    expect(
      await violation(
        sql`update child set shielded = true, shielded_at = now(), shield_reason = 'risk_to_child'
            where id = ${child.id}`.execute(database.db),
      ),
    ).toEqual({ code: '23514', constraint: 'child_shield_complete' });
    await sql`update child set shielded = true, shielded_at = now(), shield_reason = 'risk_to_child',
              shield_review_date = '2027-01-01' where id = ${child.id}`.execute(database.db);
  });

  it('a shielded record needs a responsible LA', async () => {
    const child = await newChild();
    expect(
      await violation(
        sql`update child set shielded = true, shielded_at = now(), shield_reason = 'risk_to_adult',
            shield_review_date = '2027-01-01', responsible_la = null where id = ${child.id}`.execute(
          database.db,
        ),
      ),
    ).toEqual({ code: '23514', constraint: 'child_shield_has_la' });
  });

  it('post-adoption implies shielded', async () => {
    const child = await newChild();
    expect(
      await violation(sql`update child set post_adoption = true where id = ${child.id}`.execute(database.db)),
    ).toEqual({ code: '23514', constraint: 'child_post_adoption_shielded' });
  });

  it('a purged record holds no personal data on its own row, and a live one must have its details', async () => {
    const child = await newChild();
    expect(
      await violation(
        sql`update child set status = 'purged', archived_at = '2020-01-01', purged_at = '2026-01-01'
            where id = ${child.id}`.execute(database.db),
      ),
    ).toEqual({ code: '23514', constraint: 'child_purged_holds_no_personal_data' });
    expect(
      await violation(sql`update child set date_of_birth = null where id = ${child.id}`.execute(database.db)),
    ).toEqual({ code: '23514', constraint: 'child_purged_holds_no_personal_data' });
  });

  it('a deceased record has a date of death, an extension has consent, and the vocabularies are closed', async () => {
    const child = await newChild();
    const update = (assignments: string) =>
      violation(sql`update child set ${sql.raw(assignments)} where id = ${child.id}`.execute(database.db));
    expect(await update(`status = 'deceased'`)).toEqual({
      code: '23514',
      constraint: 'child_deceased_has_date',
    });
    expect(await update(`extension_to_25 = 'care_leaver'`)).toEqual({
      code: '23514',
      constraint: 'child_extension_consented',
    });
    expect(await update(`gender = 'f'`)).toEqual({ code: '23514', constraint: 'child_gender_known' });
    expect(await update(`date_of_death = '2000-01-01'`)).toEqual({
      code: '23514',
      constraint: 'child_death_after_birth',
    });
  });
});

describe('attribute constraints', () => {
  it('two current children cannot share an NHS number, but a closed one does not block', async () => {
    const first = await newChild();
    const second = await newChild();
    const nhs = { scheme: 'nhs_number' as const, value: testNhsNumber(900) };
    await recordIdentifier(database.db, first.id, nhs, provenance);
    expect(await violation(recordIdentifier(database.db, second.id, nhs, provenance))).toEqual({
      code: '23505',
      constraint: 'child_identifier_national_unique',
    });
    await sql`update child_identifier set valid_to = now() where child_id = ${first.id}`.execute(database.db);
    await recordIdentifier(database.db, second.id, nhs, provenance);
  });

  it('an NHS number is stored only in canonical form', async () => {
    const child = await newChild();
    expect(
      await violation(
        recordIdentifier(database.db, child.id, { scheme: 'nhs_number', value: '999 000 0018' }, provenance),
      ),
    ).toEqual({ code: '23514', constraint: 'child_identifier_nhs_number_format' });
  });

  it('a sensitive involvement needs recorded consent', async () => {
    const child = await newChild();
    const involvement = {
      serviceId: ref.service.id,
      practitionerName: 'Pat',
      practitionerPhone: '01632 960000',
      practitionerEmail: null,
      startedOn: '2026-01-01',
      endedOn: null,
      leadProfessional: false,
      sensitive: true,
      consent: null,
    };
    expect(await violation(addInvolvement(database.db, child.id, involvement, provenance))).toEqual({
      code: '23514',
      constraint: 'involvement_sensitive_needs_consent',
    });
    // The service's own flag is applied even when the caller says the involvement is not sensitive.
    expect(
      await violation(
        addInvolvement(
          database.db,
          child.id,
          { ...involvement, serviceId: ref.sensitiveService.id, sensitive: false },
          provenance,
        ),
      ),
    ).toEqual({ code: '23514', constraint: 'involvement_sensitive_needs_consent' });
  });

  it('a sensitive type of service is always flagged sensitive', async () => {
    expect(
      await violation(
        sql`insert into service (organisation_id, name, service_type, sensitive)
            values (${ref.organisation.id}, 'Drug and alcohol team', 'substance_misuse', false)`.execute(
          database.db,
        ),
      ),
    ).toEqual({ code: '23514', constraint: 'service_sensitive_types' });
  });

  it('a child has at most one current lead professional', async () => {
    const child = await newChild();
    const lead = {
      serviceId: ref.service.id,
      practitionerName: 'Lead One',
      practitionerPhone: '01632 960001',
      practitionerEmail: null,
      startedOn: '2026-01-01',
      endedOn: null,
      leadProfessional: true,
      sensitive: false,
      consent: null,
    };
    await addInvolvement(database.db, child.id, lead, provenance);
    expect(
      await violation(
        addInvolvement(database.db, child.id, { ...lead, practitionerName: 'Lead Two' }, provenance),
      ),
    ).toEqual({ code: '23505', constraint: 'involvement_one_lead_professional' });
  });

  it('a child has one current name of kind current', async () => {
    const child = await newChild();
    const name = { kind: 'current' as const, forename: 'A', middleNames: null, surname: 'B' };
    await addName(database.db, child.id, name, provenance);
    expect(await violation(addName(database.db, child.id, name, provenance))).toEqual({
      code: '23505',
      constraint: 'child_name_one_current',
    });
  });

  it('a row cannot name one source and another source’s batch', async () => {
    const child = await newChild();
    await insertSource(database.db, { name: 'test-school-census', kind: 'local' });
    const otherBatch = await insertSourceBatch(database.db, {
      source: 'test-school-census',
      checksum: 'b'.repeat(64),
    });
    const name = { kind: 'alias' as const, forename: 'A', middleNames: null, surname: 'B' };
    const mismatch = await violation(
      addName(database.db, child.id, name, { ...provenance, batchId: otherBatch.id }),
    );
    expect(mismatch.code).toBe('23503');
  });

  it('the postcode sector is derived for blocking', async () => {
    const child = await newChild();
    await sql`insert into child_address (child_id, line1, postcode, source_name, received_at)
              values (${child.id}, '1 Road', 'DN55 1PT', 'contactpoint', now())`.execute(database.db);
    const { rows } = await sql<{ postcode_key: string }>`
      select postcode_key from child_address where child_id = ${child.id}`.execute(database.db);
    expect(rows).toEqual([{ postcode_key: 'DN55 1' }]);
  });
});

describe('history rows are closed, never edited', () => {
  it('the types refuse an update of anything but valid_to', () => {
    const db = database.db;
    // Compiled but never run: the point is the type error.
    const build = () => {
      // @ts-expect-error forename cannot be updated in place
      db.updateTable('child_name').set({ forename: 'Changed' });
      // @ts-expect-error postcode cannot be updated in place
      db.updateTable('child_address').set({ postcode: 'M1 1AE' });
      db.updateTable('child_address').set({ valid_to: new Date() });
    };
    expect(typeof build).toBe('function');
  });
});
