import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { ChildRecordError } from './child.errors.ts';
import { createChildService, type ChildService } from './child.service.ts';
import {
  fullChild,
  RECEIVED_AT,
  seedReferenceData,
  testNhsNumber,
  testUpn,
  type ReferenceData,
} from './child.test-support.ts';
import { formatNhsNumber } from './identifiers/nhs-number.ts';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const actor = { actor: 'user:test-data-manager' };

let database: TestDatabase;
let ref: ReferenceData;
let service: ChildService;
let serial = 0;
/** A fresh number per test so identifiers never collide across tests sharing the database. */
const next = () => ++serial;

beforeAll(async () => {
  database = await openTestDatabase();
  ref = await seedReferenceData(database.db);
  service = createChildService(database.db, { now: () => NOW });
});

afterAll(async () => {
  await database.dispose();
});

async function rejection(promise: Promise<unknown>): Promise<ChildRecordError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChildRecordError);
  return error as ChildRecordError;
}

describe('creating a child record', () => {
  it('stores a full record and loads it back equal, normalised and with provenance on every row', async () => {
    const n = next();
    const created = await service.createChildRecord(fullChild(ref, n), actor);
    const loaded = await service.getChildRecord(created.id);
    expect(loaded).toEqual(created);

    const provenance = { source: ref.source, batchId: ref.batch.id, receivedAt: RECEIVED_AT };
    const current = { provenance, validTo: null };
    expect(loaded).toMatchObject({
      contactPointId: expect.stringMatching(/^CP\d{10}$/) as string,
      status: 'active',
      gender: 'female',
      dateOfBirth: '2015-03-14',
      dateOfDeath: null,
      responsibleLa: '999',
      localAuthority: ref.la,
      shield: null,
      postAdoption: false,
      extension: null,
      provenance,
      version: 1,
    });
    expect(loaded.names.current).toEqual([
      expect.objectContaining({
        ...current,
        kind: 'current',
        forename: 'Amelia',
        middleNames: 'Rose',
        surname: `Ó Brien-Test${n}`,
      }),
      expect.objectContaining({ ...current, kind: 'preferred', forename: 'Millie', middleNames: null }),
    ]);
    expect(loaded.addresses.current).toEqual([
      expect.objectContaining({
        ...current,
        line1: '1 Test Street',
        line2: 'Flat 2',
        line3: null,
        line4: null,
        town: 'Testtown',
        postcode: 'SW1A 1AA',
        uprn: 100000000001,
      }),
    ]);
    expect(loaded.identifiers.current.map(({ scheme, value }) => ({ scheme, value }))).toEqual([
      { scheme: 'nhs_number', value: testNhsNumber(n) },
      { scheme: 'upn', value: testUpn(n) },
      { scheme: 'source_record', value: `PDS-${n}` },
    ]);
    expect(loaded.carers.current).toEqual([
      expect.objectContaining({
        ...current,
        name: 'Jane Test',
        relationship: 'mother',
        parentalResponsibility: true,
        address: {
          line1: '1 Test Street',
          line2: null,
          line3: null,
          line4: null,
          town: 'Testtown',
          postcode: 'SW1A 1AA',
        },
      }),
    ]);
    expect(loaded.educationalSettings.current).toEqual([
      expect.objectContaining({ ...current, urn: '100001', startedOn: '2019-09-04' }),
    ]);
    expect(loaded.gpPractices.current).toEqual([expect.objectContaining({ ...current, odsCode: 'A81001' })]);
    expect(loaded.involvements.current).toEqual([
      expect.objectContaining({
        ...current,
        leadProfessional: true,
        sensitive: false,
        consent: null,
        endedOn: null,
        service: expect.objectContaining({
          id: ref.service.id,
          organisation: { id: ref.organisation.id, name: ref.organisation.name },
        }) as unknown,
      }),
    ]);
    expect(loaded.caf.current).toEqual([
      expect.objectContaining({ ...current, exists: true, holderName: 'Chris Caf' }),
    ]);
    expect(loaded.events).toEqual([
      expect.objectContaining({
        kind: 'created',
        actor: actor.actor,
        detail: expect.objectContaining({ source: ref.source }) as unknown,
      }),
    ]);
    for (const part of [loaded.names, loaded.addresses, loaded.identifiers, loaded.carers, loaded.caf]) {
      expect(part.previous).toEqual([]);
    }
  });

  it('keeps source, batch and received-at on each attribute row in the database', async () => {
    const created = await service.createChildRecord(fullChild(ref, next()), actor);
    const tables = [
      'child_name',
      'child_address',
      'child_identifier',
      'carer',
      'educational_setting',
      'gp_practice',
      'involvement',
      'caf_indicator',
    ];
    for (const table of tables) {
      const { rows } = await sql<{ source_name: string; batch_id: number; received_at: Date }>`
        select source_name, batch_id, received_at from ${sql.table(table)} where child_id = ${created.id}`.execute(
        database.db,
      );
      expect(rows.length, table).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row, table).toEqual({
          source_name: ref.source,
          batch_id: ref.batch.id,
          received_at: RECEIVED_AT,
        });
      }
    }
  });

  it('rejects an invalid NHS number, naming the rule, and stores nothing', async () => {
    const input = fullChild(ref, next());
    const before = await sql<{ n: number }>`select count(*)::int as n from child`.execute(database.db);
    const error = await rejection(
      service.createChildRecord(
        { ...input, identifiers: [{ scheme: 'nhs_number', value: '9434765918' }] },
        actor,
      ),
    );
    expect(error.code).toBe('INVALID_IDENTIFIER');
    expect(error.rule).toBe('nhs.check-digit');
    expect(error.message).toContain('nhs.check-digit');
    expect(error.message).not.toContain('9434765918');
    const after = await sql<{ n: number }>`select count(*)::int as n from child`.execute(database.db);
    expect(after.rows).toEqual(before.rows);
  });

  it('accepts an NHS number in its grouped display form and stores it canonically', async () => {
    const n = next();
    const created = await service.createChildRecord(
      {
        ...fullChild(ref, n),
        identifiers: [{ scheme: 'nhs_number', value: formatNhsNumber(testNhsNumber(n)) }],
      },
      actor,
    );
    expect(created.identifiers.current[0]?.value).toBe(testNhsNumber(n));
  });

  it('rejects an invalid UPN and an invalid postcode with their rules', async () => {
    const input = fullChild(ref, next());
    const upn = await rejection(
      service.createChildRecord(
        { ...input, identifiers: [{ scheme: 'upn', value: 'A801200005001' }] },
        actor,
      ),
    );
    expect(upn).toMatchObject({ code: 'INVALID_IDENTIFIER', rule: 'upn.check-letter' });
    const postcode = await rejection(
      service.createChildRecord(
        { ...input, address: { line1: '1 Test Street', postcode: 'SW1A 1AV' } },
        actor,
      ),
    );
    expect(postcode).toMatchObject({ code: 'INVALID_INPUT', rule: 'postcode.inward-letters' });
  });

  it('refuses a second current child with the same NHS number, without saying who holds it', async () => {
    const n = next();
    const first = await service.createChildRecord(fullChild(ref, n), actor);
    const second = {
      ...fullChild(ref, next()),
      identifiers: [{ scheme: 'nhs_number' as const, value: testNhsNumber(n) }],
    };
    const error = await rejection(service.createChildRecord(second, actor));
    expect(error).toMatchObject({ code: 'CONFLICT', rule: 'identifier.nhs_number.taken' });
    expect(error.message).not.toContain(first.contactPointId);
    expect(error.message).not.toContain('Amelia');

    const other = await service.createChildRecord({ ...fullChild(ref, next()) }, actor);
    const recorded = await rejection(
      service.recordIdentifier(
        other.id,
        { scheme: 'nhs_number', value: testNhsNumber(n) },
        { source: ref.source },
        actor,
      ),
    );
    expect(recorded.code).toBe('CONFLICT');
  });

  it('refuses an unknown source, a batch of another source and an unknown local authority', async () => {
    const input = fullChild(ref, next());
    await expect(
      service.createChildRecord({ ...input, provenance: { source: 'nobody' } }, actor),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      rule: 'provenance.source',
    });
    await expect(
      service.createChildRecord(
        { ...input, provenance: { source: 'contactpoint', batchId: ref.batch.id } },
        actor,
      ),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', rule: 'provenance.batch' });
    await expect(service.createChildRecord({ ...input, responsibleLa: '123' }, actor)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      rule: 'child.responsible-la',
    });
  });
});

describe('history', () => {
  it('a move keeps the old address, closed, and makes the new one current', async () => {
    const created = await service.createChildRecord(fullChild(ref, next()), actor);
    const moved = await service.recordMove(
      created.id,
      { line1: '9 New Road', town: 'Newtown', postcode: 'M1 1AE' },
      { source: 'contactpoint' },
      { ...actor, expectedVersion: created.version },
    );
    expect(moved.version).toBe(created.version + 1);
    expect(moved.addresses.current).toEqual([
      expect.objectContaining({
        line1: '9 New Road',
        postcode: 'M1 1AE',
        validTo: null,
        provenance: expect.objectContaining({ source: 'contactpoint', batchId: null }) as unknown,
      }),
    ]);
    expect(moved.addresses.previous).toHaveLength(1);
    const old = moved.addresses.previous[0];
    expect(old).toMatchObject({
      line1: '1 Test Street',
      postcode: 'SW1A 1AA',
      provenance: { source: ref.source },
    });
    expect(old?.validTo).toBeInstanceOf(Date);
    expect(old?.validTo).toEqual(moved.addresses.current[0]?.validFrom);
  });

  it('a name change keeps the former name, both as closed history and as a current former name', async () => {
    const n = next();
    const created = await service.createChildRecord(fullChild(ref, n), actor);
    const renamed = await service.recordNameChange(
      created.id,
      { forename: 'Amelia', surname: 'Newname' },
      { source: ref.source, batchId: ref.batch.id },
      actor,
    );
    const current = renamed.names.current.find((name) => name.kind === 'current');
    expect(current).toMatchObject({ forename: 'Amelia', middleNames: null, surname: 'Newname' });
    expect(renamed.names.current).toContainEqual(
      expect.objectContaining({
        kind: 'former',
        forename: 'Amelia',
        middleNames: 'Rose',
        surname: `Ó Brien-Test${n}`,
      }),
    );
    expect(renamed.names.previous).toEqual([
      expect.objectContaining({
        kind: 'current',
        surname: `Ó Brien-Test${n}`,
        validTo: expect.any(Date) as Date,
      }),
    ]);
    // Search keys are written for every name, including the former one.
    const { rows } = await sql<{ kind: string; surname_key: string }>`
      select kind, surname_key from child_name where child_id = ${created.id} and valid_to is null order by id`.execute(
      database.db,
    );
    expect(rows).toContainEqual({ kind: 'former', surname_key: `o brien test${n}` });
    expect(rows).toContainEqual({ kind: 'current', surname_key: 'newname' });
  });

  it('restating what is already current changes nothing, so re-running a batch is a no-op', async () => {
    const input = fullChild(ref, next());
    const created = await service.createChildRecord(input, actor);
    const provenance = { source: ref.source, batchId: ref.batch.id };
    let record = await service.recordMove(created.id, input.address ?? { line1: '' }, provenance, actor);
    record = await service.recordNameChange(created.id, input.name, provenance, actor);
    for (const identifier of input.identifiers ?? []) {
      record = await service.recordIdentifier(created.id, identifier, provenance, actor);
    }
    for (const carer of input.carers ?? [])
      record = await service.recordCarer(created.id, carer, provenance, actor);
    if (input.caf) record = await service.setCaf(created.id, input.caf, provenance, actor);
    expect(record.version).toBe(created.version);
    expect(record).toEqual(created);
  });

  it('a new UPN replaces the old one, which is kept', async () => {
    const n = next();
    const created = await service.createChildRecord(fullChild(ref, n), actor);
    const updated = await service.recordIdentifier(
      created.id,
      { scheme: 'upn', value: testUpn(500 + n) },
      { source: ref.source },
      actor,
    );
    expect(updated.identifiers.current.filter((i) => i.scheme === 'upn').map((i) => i.value)).toEqual([
      testUpn(500 + n),
    ]);
    expect(updated.identifiers.previous).toEqual([
      expect.objectContaining({ scheme: 'upn', value: testUpn(n) }),
    ]);
    // The old UPN is free again for a correctly matched child.
    const other = await service.createChildRecord(
      { ...fullChild(ref, next()), identifiers: [{ scheme: 'upn', value: testUpn(n) }] },
      actor,
    );
    expect(other.identifiers.current[0]?.value).toBe(testUpn(n));
  });

  it('ending an involvement keeps who was involved and frees the lead professional role', async () => {
    const created = await service.createChildRecord(fullChild(ref, next()), actor);
    const involvement = created.involvements.current[0];
    if (involvement === undefined) throw new Error('expected an involvement');
    const ended = await service.endInvolvement(
      created.id,
      involvement.id,
      '2026-06-30',
      { source: 'contactpoint' },
      actor,
    );
    expect(ended.involvements.current).toEqual([
      expect.objectContaining({
        practitionerName: 'Pat Practitioner',
        endedOn: '2026-06-30',
        leadProfessional: true,
      }),
    ]);
    expect(ended.involvements.previous).toEqual([
      expect.objectContaining({ id: involvement.id, endedOn: null }),
    ]);
    const withLead = await service.addInvolvement(
      created.id,
      {
        serviceId: ref.service.id,
        practitionerName: 'Sam Successor',
        practitionerEmail: 'sam@health.example',
        startedOn: '2026-07-01',
        leadProfessional: true,
      },
      { source: 'contactpoint' },
      actor,
    );
    expect(
      withLead.involvements.current.filter((i) => i.leadProfessional && i.endedOn === null),
    ).toHaveLength(1);
  });

  it('refuses a second current lead professional', async () => {
    const created = await service.createChildRecord(fullChild(ref, next()), actor);
    const error = await rejection(
      service.addInvolvement(
        created.id,
        {
          serviceId: ref.service.id,
          practitionerName: 'Second Lead',
          practitionerPhone: '01632 960999',
          startedOn: '2026-01-01',
          leadProfessional: true,
        },
        { source: 'contactpoint' },
        actor,
      ),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', rule: 'involvement.one-lead-professional' });
  });

  it('refuses a change made against a stale version', async () => {
    const created = await service.createChildRecord(fullChild(ref, next()), actor);
    await service.recordMove(
      created.id,
      { line1: '2 Other Street', postcode: 'B33 8TH' },
      { source: ref.source },
      actor,
    );
    const error = await rejection(
      service.recordMove(
        created.id,
        { line1: '3 Third Street', postcode: 'B33 8TH' },
        { source: ref.source },
        { ...actor, expectedVersion: created.version },
      ),
    );
    expect(error).toMatchObject({ code: 'CONFLICT', rule: 'child.version' });
  });

  it('reports an unknown or malformed id as not found', async () => {
    await expect(service.getChildRecord('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(service.getChildRecord('not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      service.recordMove('not-a-uuid', { line1: '1 Road' }, { source: ref.source }, actor),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('finds a child by NHS number, UPN, source record id and ContactPoint ID', async () => {
    const n = next();
    const created = await service.createChildRecord(fullChild(ref, n), actor);
    expect((await service.findByIdentifier('nhs_number', formatNhsNumber(testNhsNumber(n))))?.id).toBe(
      created.id,
    );
    expect((await service.findByIdentifier('upn', testUpn(n).toLowerCase()))?.id).toBe(created.id);
    expect((await service.findByIdentifier('source_record', `PDS-${n}`, ref.source))?.id).toBe(created.id);
    expect(await service.findByIdentifier('source_record', `PDS-${n}`, 'contactpoint')).toBeUndefined();
    expect((await service.findByContactPointId(created.contactPointId))?.id).toBe(created.id);
    await expect(service.findByContactPointId('CP1234567890')).rejects.toMatchObject({
      code: 'INVALID_IDENTIFIER',
      rule: 'cpid.check-digit',
    });
  });
});

describe('shielding', () => {
  it('requires a reason and a future review date', async () => {
    const input = fullChild(ref, next());
    await expect(
      service.createChildRecord({ ...input, shield: { reason: 'risk_to_child', reviewDate: '' } }, actor),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', rule: 'shield.review-date' });
    await expect(
      service.createChildRecord(
        { ...input, shield: { reason: 'risk_to_child', reviewDate: '2026-01-01' } },
        actor,
      ),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', rule: 'shield.review-date' });
    await expect(
      service.createChildRecord(
        { ...input, shield: { reason: 'because' as 'adoption', reviewDate: '2027-06-01' } },
        actor,
      ),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', rule: 'shield.reason' });
  });

  it('shields, changes and lifts a shield, keeping each step as an event', async () => {
    const created = await service.createChildRecord(fullChild(ref, next()), actor);
    const shielded = await service.shield(
      created.id,
      { reason: 'risk_to_child', reviewDate: '2027-06-01' },
      actor,
    );
    expect(shielded.shield).toMatchObject({
      reason: 'risk_to_child',
      reviewDate: '2027-06-01',
      shieldedAt: expect.any(Date) as Date,
    });
    const changed = await service.shield(
      created.id,
      { reason: 'risk_to_adult', reviewDate: '2027-12-01' },
      actor,
    );
    expect(changed.shield?.shieldedAt).toEqual(shielded.shield?.shieldedAt);
    const lifted = await service.unshield(created.id, actor);
    expect(lifted.shield).toBeNull();
    expect(lifted.events.map((e) => e.kind)).toEqual(['created', 'shielded', 'shield_changed', 'unshielded']);
    expect(lifted.events[2]?.detail).toMatchObject({
      previousReason: 'risk_to_child',
      reason: 'risk_to_adult',
    });
  });

  it('a post-adoption record must be shielded and cannot be unshielded', async () => {
    const input = fullChild(ref, next());
    await expect(service.createChildRecord({ ...input, postAdoption: true }, actor)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      rule: 'shield.post-adoption',
    });
    const adopted = await service.createChildRecord(
      { ...input, postAdoption: true, shield: { reason: 'adoption', reviewDate: '2027-11-25' } },
      actor,
    );
    expect(adopted).toMatchObject({ postAdoption: true, shield: { reason: 'adoption' } });
    await expect(service.unshield(adopted.id, actor)).rejects.toMatchObject({
      code: 'INVALID_STATE',
      rule: 'shield.post-adoption',
    });
  });

  it('a shielded record needs a responsible LA, whose team is shown in its place', async () => {
    const input = fullChild(ref, next());
    await expect(
      service.createChildRecord(
        { ...input, responsibleLa: null, shield: { reason: 'crime_prevention', reviewDate: '2027-01-01' } },
        actor,
      ),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', rule: 'shield.needs-la' });
  });
});

describe('sensitive services', () => {
  it('refuses an involvement with a sensitive service unless consent is recorded', async () => {
    const created = await service.createChildRecord(fullChild(ref, next()), actor);
    const involvement = {
      serviceId: ref.sensitiveService.id,
      practitionerName: 'Nurse Confidential',
      practitionerPhone: '01632 960700',
      startedOn: '2026-10-01',
    };
    const error = await rejection(
      service.addInvolvement(created.id, involvement, { source: 'contactpoint' }, actor),
    );
    expect(error).toMatchObject({ code: 'INVALID_INPUT', rule: 'involvement.sensitive-needs-consent' });
    // Saying it is not sensitive does not help: the service decides.
    await expect(
      service.addInvolvement(
        created.id,
        { ...involvement, sensitive: false },
        { source: 'contactpoint' },
        actor,
      ),
    ).rejects.toMatchObject({ rule: 'involvement.sensitive-needs-consent' });
    // Nor can a caller mark an ordinary service's involvement sensitive without consent.
    await expect(
      service.addInvolvement(
        created.id,
        { ...involvement, serviceId: ref.service.id, sensitive: true },
        { source: 'contactpoint' },
        actor,
      ),
    ).rejects.toMatchObject({ rule: 'involvement.sensitive-needs-consent' });

    const consent = {
      recordedAt: new Date('2026-10-01T10:00:00.000Z'),
      recordedBy: 'user:nurse-confidential',
    };
    const recorded = await service.addInvolvement(
      created.id,
      { ...involvement, consent },
      { source: 'contactpoint' },
      actor,
    );
    expect(recorded.involvements.current).toContainEqual(
      expect.objectContaining({
        sensitive: true,
        consent,
        service: expect.objectContaining({ sensitive: true }) as unknown,
      }),
    );
  });
});

describe('death, archive and purge', () => {
  it('records a death with its provenance and an event', async () => {
    const created = await service.createChildRecord(fullChild(ref, next()), actor);
    await expect(
      service.recordDeath(created.id, '2010-01-01', { source: ref.source }, actor),
    ).rejects.toMatchObject({ rule: 'child.date-of-death' });
    const died = await service.recordDeath(
      created.id,
      '2026-11-01',
      { source: ref.source, batchId: ref.batch.id },
      actor,
    );
    expect(died).toMatchObject({
      status: 'deceased',
      dateOfDeath: '2026-11-01',
      provenance: { batchId: ref.batch.id },
    });
    expect(died.events.at(-1)).toMatchObject({ kind: 'deceased', detail: { dateOfDeath: '2026-11-01' } });
    await expect(
      service.recordDeath(created.id, '2026-11-02', { source: ref.source }, actor),
    ).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
  });

  it('purge leaves no personal data anywhere, only the id, status and dates', async () => {
    const n = next();
    const input = fullChild(ref, n);
    const created = await service.createChildRecord(
      { ...input, extension: { reason: 'care_leaver', consentDate: '2026-01-10' } },
      actor,
    );
    await service.recordNameChange(
      created.id,
      { forename: 'Amy', surname: 'Purgeable' },
      { source: ref.source },
      actor,
    );
    await service.recordMove(
      created.id,
      { line1: '5 Gone Lane', postcode: 'CR2 6XH' },
      { source: ref.source },
      actor,
    );
    await service.shield(created.id, { reason: 'adoption', reviewDate: '2027-03-01' }, actor);
    await service.recordDeath(created.id, '2026-11-20', { source: ref.source }, actor);
    const archived = await service.archive(created.id, actor);
    expect(archived).toMatchObject({ status: 'archived', archivedAt: '2026-11-25' });

    await expect(service.purge(created.id, actor)).rejects.toMatchObject({
      code: 'INVALID_STATE',
      rule: 'retention.archive-period',
    });
    const sixYearsOn = createChildService(database.db, { now: () => new Date('2032-11-25T12:00:00.000Z') });
    const purged = await sixYearsOn.purge(created.id, { actor: 'system:retention' });

    // Every table that refers to a child, found from the catalogue so a table added later is checked too.
    const { rows: tables } = await sql<{ table_name: string }>`
      select table_name from information_schema.columns
      where table_schema = current_schema() and column_name = 'child_id' and table_name <> 'child_event'
      order by table_name`.execute(database.db);
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['carer', 'child_address', 'child_identifier', 'child_name', 'involvement']),
    );
    for (const { table_name } of tables) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from ${sql.table(table_name)} where child_id = ${created.id}`.execute(
        database.db,
      );
      expect(rows[0]?.n, table_name).toBe(0);
    }

    const { rows: childRows } = await sql<
      Record<string, unknown>
    >`select * from child where id = ${created.id}`.execute(database.db);
    expect(childRows[0]).toMatchObject({
      id: created.id,
      contactpoint_id: created.contactPointId,
      status: 'purged',
      archived_at: '2026-11-25',
      purged_at: '2032-11-25',
      gender: null,
      date_of_birth: null,
      date_of_death: null,
      responsible_la: null,
      shielded: false,
      shield_reason: null,
      shield_review_date: null,
      shielded_at: null,
      post_adoption: false,
      extension_to_25: null,
      extension_consent_date: null,
      merged_into: null,
    });

    const { rows: events } = await sql<{ kind: string; detail: unknown }>`
      select kind, detail from child_event where child_id = ${created.id}`.execute(database.db);
    expect(events).toEqual([
      { kind: 'purged', detail: { archivedAt: '2026-11-25', purgedAt: '2032-11-25' } },
    ]);

    const everything = JSON.stringify({ childRows, events, purged });
    for (const personal of [
      'Amelia',
      'Amy',
      'Purgeable',
      'Test Street',
      'SW1A',
      testNhsNumber(n),
      testUpn(n),
      '2015-03-14',
      '"adoption"',
      '"care_leaver"',
    ]) {
      expect(everything).not.toContain(personal);
    }
    expect(purged).toMatchObject({
      status: 'purged',
      names: { current: [], previous: [] },
      localAuthority: null,
    });
  });

  it('refuses to purge a record that is not archived, and to change a purged one', async () => {
    const created = await service.createChildRecord(fullChild(ref, next()), actor);
    await expect(service.purge(created.id, actor)).rejects.toMatchObject({
      code: 'INVALID_STATE',
      rule: 'child.status',
    });
    await service.archive(created.id, actor);
    await expect(
      service.recordMove(created.id, { line1: '1 Road' }, { source: ref.source }, actor),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});
