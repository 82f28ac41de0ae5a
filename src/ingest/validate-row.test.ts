import { describe, expect, it } from 'vitest';
import { SourceDefinitionError } from '../matching/source-definition.ts';
import {
  ADOPTIONS_DECLARATION,
  badCheckDigit,
  NHS_HEADER,
  nhsRow,
  validNhsNumber,
} from './ingest.test-support.ts';
import {
  declaredColumns,
  declaredSourceNames,
  loadSourceDeclaration,
  parseSourceDeclaration,
} from './source-declaration.ts';
import { rowValues, validateRow, type RowResult } from './validate-row.ts';

const nhs = loadSourceDeclaration('nhs_demographics');
const today = new Date('2026-11-25T12:00:00Z');
const header = NHS_HEADER.split(',');
const row = (line: string) => rowValues(header, line.split(','));
const rules = (result: RowResult): string[] => (result.ok ? [] : result.problems.map((p) => p.rule));

describe('source declarations', () => {
  it('declares the four synthetic feeds, national and local', () => {
    expect(declaredSourceNames()).toEqual([
      'dwp_benefits',
      'local_children_services',
      'nhs_demographics',
      'school_census',
    ]);
    expect(declaredSourceNames().map((name) => loadSourceDeclaration(name).kind)).toEqual([
      'national',
      'local',
      'national',
      'national',
    ]);
  });

  it('refuses an unknown source, kind or required field', () => {
    expect(() => loadSourceDeclaration('nope')).toThrow(/declared: dwp_benefits/);
    const base = { name: 'x', kind: 'local', id: 'ref', fields: { surname: 'sn' } };
    expect(() => parseSourceDeclaration({ ...base, kind: 'manual' })).toThrow(SourceDefinitionError);
    expect(() => parseSourceDeclaration({ ...base, required: ['upn'] })).toThrow(/does not map/);
    expect(parseSourceDeclaration({ ...base, required: ['surname'] }).required).toEqual(['surname']);
  });
});

describe('a household column', () => {
  const base = { name: 'claims', kind: 'national', id: 'ref', fields: { surname: 'sn' } };

  const keyed = (reference: string): string => `keyed(${reference})`;

  it('is read into the row, normalised and keyed, and required of the file', () => {
    const claims = parseSourceDeclaration({ ...base, household: 'claim_no' });
    expect(declaredColumns(claims)).toEqual(['ref', 'sn', 'claim_no']);
    const row = (claimNo: string) => ({ ref: 'R1', sn: 'Okonkwo', claim_no: claimNo });
    const claimed = validateRow(claims, row(' qq 12 34 56c '), today, null, keyed);
    expect(claimed).toMatchObject({
      ok: true,
      fields: { surname: 'Okonkwo', household: 'keyed(QQ123456C)' },
    });
    const spacedAlike = validateRow(claims, row('QQ123456C'), today, null, keyed);
    expect(spacedAlike.ok && spacedAlike.fields.household).toBe('keyed(QQ123456C)');
    const unclaimed = validateRow(claims, row(''), today, null, keyed);
    expect(unclaimed.ok && unclaimed.fields.household).toBe(undefined);
    // Without a key a reference is never kept as it came.
    expect(() => validateRow(claims, row('QQ123456C'), today, null)).toThrow(/keyed hash/);
    expect(parseSourceDeclaration(base).household).toBeNull();
  });

  it('may be a reference qualified by further columns, and needs the reference', () => {
    const claims = parseSourceDeclaration({ ...base, household: ['claim_no', 'claimant'] });
    expect(declaredColumns(claims)).toEqual(['ref', 'sn', 'claim_no', 'claimant']);
    const row = (claimNo: string, claimant: string) => ({
      ref: 'R1',
      sn: 'Okonkwo',
      claim_no: claimNo,
      claimant,
    });
    const household = (claimNo: string, claimant: string) => {
      const result = validateRow(claims, row(claimNo, claimant), today, null, keyed);
      return result.ok ? result.fields.household : 'rejected';
    };
    expect(household('qq123456c', 'Jane Okonkwo')).toBe('keyed(QQ123456C|JANEOKONKWO)');
    expect(household('QQ123456C', '')).toBe('keyed(QQ123456C|)');
    expect(household('', 'Jane Okonkwo')).toBe(undefined);
    expect(loadSourceDeclaration('dwp_benefits').household).toEqual([
      'claimant_nino',
      'claimant_forename',
      'claimant_surname',
    ]);
  });

  it('must name a column or a list of columns', () => {
    for (const household of ['', [], [''], ['a', 3], { a: 1 }]) {
      expect(() => parseSourceDeclaration({ ...base, household })).toThrow(/"household"/);
    }
  });
});

describe('validateRow', () => {
  it('normalises a good row', () => {
    const result = validateRow(nhs, row(nhsRow(1, { postcode: 'ng243ff' })), today, null);
    expect(result).toEqual({
      ok: true,
      recordId: 'P0000000001',
      fields: {
        forename: 'Child1',
        surname: 'Family1',
        dateOfBirth: '2015-02-11',
        gender: 'male',
        address: '1 High Street Newark',
        postcode: 'NG24 3FF',
        nhsNumber: validNhsNumber(1),
        extra: { gp_practice_code: 'C87201' },
      },
    });
  });

  it('names the rule a row breaks, first problem first', () => {
    const bad = validateRow(nhs, row(nhsRow(2, { nhs: badCheckDigit(validNhsNumber(2)) })), today, null);
    expect(rules(bad)[0]).toBe('nhs.check-digit');
    const several = validateRow(nhs, row(nhsRow(3, { dob: '2015-02-30', postcode: 'XX' })), today, null);
    expect(rules(several)).toEqual(['date.invalid', 'postcode.format']);
    const missing = validateRow(nhs, row(nhsRow(4, { dob: '' })), today, null);
    expect(rules(missing)[0]).toBe('required.dateOfBirth');
    const future = validateRow(nhs, row(nhsRow(5, { dob: '2027-01-01' })), today, null);
    expect(rules(future)[0]).toBe('date.future');
    const format = validateRow(nhs, row(nhsRow(6, { dob: '01/02/2015' })), today, null);
    expect(rules(format)[0]).toBe('date.format');
  });

  it('quarantines a post-adoption row that gives no responsible local authority, or one not known', () => {
    const declaration = ADOPTIONS_DECLARATION;
    const source = parseSourceDeclaration(declaration);
    const adoption = (adopted: string, la: string) =>
      validateRow(
        source,
        { ref: 'A1', fn: 'Ann', sn: 'Lee', dob: '2015-02-11', adopted, la_code: la },
        today,
        new Set(['383']),
      );
    expect(rules(adoption('yes', ''))).toEqual(['post-adoption.la-required']);
    expect(rules(adoption('yes', 'Leeds'))).toEqual(['post-adoption.la-required']);
    expect(rules(adoption('yes', '999'))).toEqual(['post-adoption.la-unknown']);
    expect(adoption('yes', '383')).toMatchObject({ ok: true, fields: { postAdoption: true } });
    expect(adoption('', '')).toMatchObject({ ok: true, fields: { postAdoption: false } });
    expect(() => parseSourceDeclaration({ ...declaration, extra: [] })).toThrow(/la_code/);
  });

  it("maps the source's gender codes and quarantines a code it does not declare", () => {
    const gender = (code: string) => {
      const result = validateRow(
        nhs,
        row(nhsRow(7).replace(',Family7,1,', `,Family7,${code},`)),
        today,
        null,
      );
      return result.ok ? result.fields.gender : rules(result)[0];
    };
    expect([gender('1'), gender('2'), gender('0'), gender('9')]).toEqual([
      'male',
      'female',
      'unknown',
      'unknown',
    ]);
    expect(gender('X')).toBe('gender.unknown-code');
    expect(gender('')).toBeUndefined();
    const dwp = loadSourceDeclaration('dwp_benefits');
    expect(dwp.genderCodes).toEqual({ m: 'male', f: 'female' });
    const declared = parseSourceDeclaration({
      name: 'x',
      kind: 'local',
      id: 'ref',
      fields: { surname: 'sn' },
    });
    expect(declared.genderCodes.female).toBe('female');
    expect(() =>
      parseSourceDeclaration({
        name: 'x',
        kind: 'local',
        id: 'ref',
        fields: { surname: 'sn' },
        genderCodes: { 1: 'boy' },
      }),
    ).toThrow(/genderCodes.1/);
  });

  it('reads declared precedence ranks', () => {
    expect(nhs.precedence.nhsNumber).toBe(50);
    const base = { name: 'x', kind: 'local', id: 'ref', fields: { surname: 'sn' } };
    expect(parseSourceDeclaration({ ...base, precedence: { address: 5 } }).precedence).toEqual({
      address: 5,
    });
    expect(() => parseSourceDeclaration({ ...base, precedence: { address: 1.5 } })).toThrow(
      /precedence.address/,
    );
  });

  it('keeps cells beyond the header', () => {
    expect(rowValues(['a', 'a', 'b'], ['1', '2', '3', '4'])).toEqual({ a: '1', b: '3', '#4': '4' });
  });
});
