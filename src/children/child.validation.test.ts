import { describe, expect, it } from 'vitest';
import { ChildRecordError } from './child.errors.ts';
import {
  addYears,
  isIsoDate,
  londonDate,
  validAddress,
  validCaf,
  validIdentifier,
  validInvolvement,
  validShield,
} from './child.validation.ts';

function thrown(run: () => unknown): ChildRecordError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ChildRecordError);
    return error as ChildRecordError;
  }
  throw new Error('expected a ChildRecordError');
}

describe('dates', () => {
  it('accepts only real calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-13-01')).toBe(false);
    expect(isIsoDate('1/2/2024')).toBe(false);
    expect(isIsoDate(20240101)).toBe(false);
  });

  it('uses the date in England, not UTC', () => {
    // 23:30 UTC in British Summer Time is already the next day in London.
    expect(londonDate(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(londonDate(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });

  it('adds years, with 29 February falling back to 28 February', () => {
    expect(addYears('2020-11-25', 6)).toBe('2026-11-25');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
  });
});

describe('validIdentifier', () => {
  it('canonicalises a valid NHS number and UPN', () => {
    expect(validIdentifier({ scheme: 'nhs_number', value: '943 476 5919' })).toEqual({
      scheme: 'nhs_number',
      value: '9434765919',
    });
    expect(validIdentifier({ scheme: 'upn', value: ' b801200005001 ' })).toEqual({
      scheme: 'upn',
      value: 'B801200005001',
    });
  });

  it('names the rule that failed and does not echo the value', () => {
    const error = thrown(() => validIdentifier({ scheme: 'nhs_number', value: '9434765918' }));
    expect(error).toMatchObject({ code: 'INVALID_IDENTIFIER', rule: 'nhs.check-digit' });
    expect(error.message).toMatch(/^NHS number is not valid \(nhs\.check-digit\)/);
    expect(error.message).not.toContain('9434765918');
  });
});

describe('validAddress', () => {
  it('normalises the postcode and treats blanks as absent', () => {
    expect(validAddress({ line1: ' 1 Road ', line2: '  ', postcode: 'm11ae' })).toEqual({
      line1: '1 Road',
      line2: null,
      line3: null,
      line4: null,
      town: null,
      postcode: 'M1 1AE',
      uprn: null,
    });
  });

  it('rejects a bad postcode with the postcode rule', () => {
    expect(thrown(() => validAddress({ line1: '1 Road', postcode: 'NOT A CODE' }))).toMatchObject({
      code: 'INVALID_INPUT',
      rule: 'postcode.format',
    });
  });
});

describe('validShield', () => {
  it('needs a known reason and a review date after today', () => {
    expect(validShield({ reason: 'risk_to_child', reviewDate: '2027-01-01' }, '2026-11-25')).toEqual({
      reason: 'risk_to_child',
      reviewDate: '2027-01-01',
    });
    expect(
      thrown(() => validShield({ reason: 'risk_to_child', reviewDate: '2026-11-25' }, '2026-11-25')).rule,
    ).toBe('shield.review-date');
  });
});

describe('validInvolvement', () => {
  const base = {
    serviceId: '6f1c1f0e-8d7a-4a36-9a51-0d5f3c2b1a00',
    practitionerName: 'Pat',
    practitionerPhone: '01632 960000',
    startedOn: '2026-01-01',
  };

  it('makes an involvement with a sensitive service sensitive, and requires consent', () => {
    expect(thrown(() => validInvolvement(base, true, '2026-11-25')).rule).toBe(
      'involvement.sensitive-needs-consent',
    );
    const consent = { recordedAt: new Date('2026-01-01T10:00:00Z'), recordedBy: 'user:pat' };
    expect(validInvolvement({ ...base, consent }, true, '2026-11-25')).toMatchObject({
      sensitive: true,
      consent,
    });
  });

  it('requires a way to contact the practitioner', () => {
    expect(
      thrown(() => validInvolvement({ ...base, practitionerPhone: null }, false, '2026-11-25')).rule,
    ).toBe('involvement.contactable');
  });
});

describe('validCaf', () => {
  it('clears holder details when no CAF exists, and needs them when one does', () => {
    expect(validCaf({ exists: false, holderName: 'Someone' }, '2026-11-25')).toEqual({
      exists: false,
      completedOn: null,
      holderName: null,
      holderPhone: null,
      holderEmail: null,
    });
    expect(thrown(() => validCaf({ exists: true, holderName: 'Someone' }, '2026-11-25')).rule).toBe(
      'caf.holder-contact',
    );
  });
});
