import { makeUpn } from './identifiers/upn.ts';
import { nhsNumberCheckDigit } from './identifiers/nhs-number.ts';
import type { NewChildRecord } from './child.service.ts';
import type { Executor } from './executor.ts';
import type { LocalAuthority, Organisation, Service, SourceBatch } from './child.model.ts';
import {
  insertLocalAuthority,
  insertOrganisation,
  insertService,
  insertSource,
  insertSourceBatch,
} from './reference.repository.ts';

/** Shared set-up for the child-record tests: reference data and a complete child. */

/** The n-th valid NHS number in the 999 test range, which is never issued to a real person. */
export function testNhsNumber(n: number): string {
  for (let serial = n * 2; ; serial++) {
    const stem = `999${String(serial).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(stem);
    if (check !== null) return `${stem}${check}`;
  }
}

export function testUpn(n: number): string {
  return makeUpn(999, 9999, 26, n);
}

export interface ReferenceData {
  readonly la: LocalAuthority;
  readonly otherLa: LocalAuthority;
  readonly source: string;
  readonly batch: SourceBatch;
  readonly organisation: Organisation;
  readonly service: Service;
  readonly sensitiveService: Service;
}

export async function seedReferenceData(db: Executor): Promise<ReferenceData> {
  const la = await insertLocalAuthority(db, {
    code: '999',
    name: 'Testshire County Council',
    managementTeam: {
      name: 'ContactPoint team',
      phone: '01632 960000',
      email: 'contactpoint@testshire.example',
    },
  });
  const otherLa = await insertLocalAuthority(db, {
    code: '998',
    name: 'Otherborough Council',
    managementTeam: { name: 'CP management', phone: '01632 960111', email: 'cp@otherborough.example' },
  });
  await insertSource(db, { name: 'test-pds', kind: 'national', description: 'Test national health feed' });
  const batch = await insertSourceBatch(db, { source: 'test-pds', checksum: 'a'.repeat(64), rowCount: 10 });
  const organisation = await insertOrganisation(db, {
    name: 'Testshire Health Trust',
    localAuthority: '999',
    phone: '01632 960200',
    email: null,
  });
  const service = await insertService(db, {
    organisationId: organisation.id,
    name: 'Health visiting',
    type: 'health',
    sensitive: false,
    phone: '01632 960201',
    email: null,
  });
  const sensitiveService = await insertService(db, {
    organisationId: organisation.id,
    name: 'Sexual health clinic',
    type: 'sexual_health',
    sensitive: true,
    phone: '01632 960202',
    email: null,
  });
  return { la, otherLa, source: 'test-pds', batch, organisation, service, sensitiveService };
}

export const RECEIVED_AT = new Date('2026-11-20T09:30:00.000Z');

/** A child with something in every part of the record; `n` keeps identifiers unique per test. */
export function fullChild(ref: ReferenceData, n: number): NewChildRecord {
  return {
    provenance: { source: ref.source, batchId: ref.batch.id, receivedAt: RECEIVED_AT },
    gender: 'female',
    dateOfBirth: '2015-03-14',
    responsibleLa: ref.la.code,
    name: { forename: 'Amelia', middleNames: 'Rose', surname: `Ó Brien-Test${n}` },
    otherNames: [{ kind: 'preferred', forename: 'Millie', surname: `Ó Brien-Test${n}` }],
    address: {
      line1: '1 Test Street',
      line2: 'Flat 2',
      town: 'Testtown',
      postcode: 'sw1a1aa',
      uprn: 100000000001,
    },
    identifiers: [
      { scheme: 'nhs_number', value: testNhsNumber(n) },
      { scheme: 'upn', value: testUpn(n) },
      { scheme: 'source_record', value: `PDS-${n}` },
    ],
    carers: [
      {
        name: 'Jane Test',
        relationship: 'mother',
        parentalResponsibility: true,
        phone: '07700 900001',
        email: 'jane@example.test',
        address: { line1: '1 Test Street', town: 'Testtown', postcode: 'SW1A 1AA' },
      },
    ],
    educationalSetting: {
      urn: '100001',
      name: 'Test Primary School',
      phone: '01632 960300',
      startedOn: '2019-09-04',
    },
    gpPractice: { odsCode: 'a81001', name: 'Test Surgery', phone: '01632 960400', startedOn: '2015-04-01' },
    involvements: [
      {
        serviceId: ref.service.id,
        practitionerName: 'Pat Practitioner',
        practitionerPhone: '01632 960500',
        practitionerEmail: 'pat@health.example',
        startedOn: '2025-01-06',
        leadProfessional: true,
      },
    ],
    caf: {
      exists: true,
      completedOn: '2025-02-01',
      holderName: 'Chris Caf',
      holderPhone: '01632 960600',
      holderEmail: null,
    },
  };
}
