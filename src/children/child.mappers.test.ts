import type { Selectable } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  carerDetailsOf,
  carerToDomain,
  carerToRow,
  childToDomain,
  childToRow,
  historyOf,
  nameToRow,
  sameDetails,
} from './child.mappers.ts';
import type { CarerDetails, Provenance, Recorded } from './child.model.ts';
import type { CarerTable, ChildTable } from './child.table.ts';

const provenance: Provenance = {
  source: 'test-pds',
  batchId: 7,
  receivedAt: new Date('2026-11-20T09:30:00Z'),
};

function childRow(overrides: Partial<Selectable<ChildTable>> = {}): Selectable<ChildTable> {
  return {
    id: '6f1c1f0e-8d7a-4a36-9a51-0d5f3c2b1a00',
    merged_into: null,
    created_at: new Date('2026-11-20T10:00:00Z'),
    updated_at: new Date('2026-11-21T10:00:00Z'),
    received_at: provenance.receivedAt,
    shielded_at: null,
    batch_id: 7,
    date_of_birth: '2015-03-14',
    date_of_death: null,
    shield_review_date: null,
    extension_consent_date: null,
    archived_at: null,
    purged_at: null,
    version: 3,
    shielded: false,
    post_adoption: false,
    contactpoint_id: 'CP1234567897',
    status: 'active',
    gender: 'female',
    responsible_la: '999',
    source_name: 'test-pds',
    shield_reason: null,
    extension_to_25: null,
    ...overrides,
  };
}

describe('childToDomain', () => {
  it('maps an unshielded child', () => {
    expect(childToDomain(childRow())).toEqual({
      id: '6f1c1f0e-8d7a-4a36-9a51-0d5f3c2b1a00',
      contactPointId: 'CP1234567897',
      status: 'active',
      gender: 'female',
      dateOfBirth: '2015-03-14',
      dateOfDeath: null,
      responsibleLa: '999',
      shield: null,
      postAdoption: false,
      extension: null,
      archivedAt: null,
      purgedAt: null,
      mergedInto: null,
      provenance,
      createdAt: new Date('2026-11-20T10:00:00Z'),
      updatedAt: new Date('2026-11-21T10:00:00Z'),
      version: 3,
    });
  });

  it('groups the shield and extension columns', () => {
    const shieldedAt = new Date('2026-11-22T08:00:00Z');
    const child = childToDomain(
      childRow({
        shielded: true,
        shield_reason: 'adoption',
        shield_review_date: '2027-11-22',
        shielded_at: shieldedAt,
        post_adoption: true,
        extension_to_25: 'care_leaver',
        extension_consent_date: '2026-01-10',
      }),
    );
    expect(child.shield).toEqual({ reason: 'adoption', reviewDate: '2027-11-22', shieldedAt });
    expect(child.extension).toEqual({ reason: 'care_leaver', consentDate: '2026-01-10' });
  });

  it('refuses a half-set shield or a value outside a vocabulary rather than guess', () => {
    expect(() => childToDomain(childRow({ shielded: true, shield_reason: 'adoption' }))).toThrow(/missing/);
    expect(() => childToDomain(childRow({ gender: 'f' }))).toThrow(/vocabulary/);
    expect(() => childToDomain(childRow({ status: 'deleted' }))).toThrow(/vocabulary/);
  });

  it('round-trips through childToRow', () => {
    const row = childToRow({
      contactPointId: 'CP1234567897',
      gender: 'male',
      dateOfBirth: '2012-01-01',
      dateOfDeath: '2026-01-01',
      responsibleLa: '999',
      shield: { reason: 'risk_to_child', reviewDate: '2027-01-01' },
      postAdoption: false,
      extension: null,
      provenance,
    });
    expect(row).toMatchObject({
      status: 'deceased',
      shielded: true,
      shield_reason: 'risk_to_child',
      shield_review_date: '2027-01-01',
      source_name: 'test-pds',
      batch_id: 7,
      received_at: provenance.receivedAt,
    });
  });
});

describe('nameToRow', () => {
  it('writes the search keys beside the name as given', () => {
    expect(
      nameToRow(
        'child-id',
        { kind: 'current', forename: 'Zoë', middleNames: null, surname: "O'Brien-Smith" },
        provenance,
      ),
    ).toMatchObject({
      forename: 'Zoë',
      surname: "O'Brien-Smith",
      forename_key: 'zoe',
      surname_key: 'obrien smith',
    });
  });
});

describe('carer mapping', () => {
  const details: CarerDetails = {
    name: 'Jane Test',
    relationship: 'foster_carer',
    parentalResponsibility: false,
    phone: null,
    email: 'jane@example.test',
    address: { line1: '1 Road', line2: null, line3: null, line4: null, town: 'Town', postcode: 'M1 1AE' },
  };

  function stored(insert: ReturnType<typeof carerToRow>): Selectable<CarerTable> {
    return {
      id: 1,
      child_id: 'child-id',
      valid_from: new Date('2026-11-20T10:00:00Z'),
      valid_to: null,
      source_name: 'test-pds',
      batch_id: 7,
      received_at: provenance.receivedAt,
      parental_responsibility: insert.parental_responsibility,
      name: insert.name,
      relationship: insert.relationship,
      phone: insert.phone ?? null,
      email: insert.email ?? null,
      address_line1: insert.address_line1 ?? null,
      address_line2: insert.address_line2 ?? null,
      address_line3: insert.address_line3 ?? null,
      address_line4: insert.address_line4 ?? null,
      address_town: insert.address_town ?? null,
      address_postcode: insert.address_postcode ?? null,
    };
  }

  it('round-trips the details, with or without an address', () => {
    for (const carer of [details, { ...details, address: null }]) {
      const domain = carerToDomain(stored(carerToRow('child-id', carer, provenance)));
      expect(carerDetailsOf(domain)).toEqual(carer);
      expect(domain.provenance).toEqual(provenance);
    }
  });
});

describe('historyOf', () => {
  const at = (iso: string) => new Date(iso);
  const row = (id: number, validTo: Date | null): Recorded => ({
    id,
    provenance,
    validFrom: at('2026-01-01T00:00:00Z'),
    validTo,
  });

  it('keeps current rows in order and puts the most recently closed first', () => {
    const rows = [
      row(1, at('2026-02-01T00:00:00Z')),
      row(2, null),
      row(3, at('2026-03-01T00:00:00Z')),
      row(4, null),
    ];
    const history = historyOf(rows);
    expect(history.current.map((r) => r.id)).toEqual([2, 4]);
    expect(history.previous.map((r) => r.id)).toEqual([3, 1]);
  });
});

describe('sameDetails', () => {
  it('compares plain nested values', () => {
    expect(sameDetails({ a: 1, b: { c: null } }, { b: { c: null }, a: 1 })).toBe(true);
    expect(sameDetails({ a: 1, b: { c: null } }, { a: 1, b: { c: 'x' } })).toBe(false);
    expect(sameDetails({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  });
});
