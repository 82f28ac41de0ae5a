import { describe, it, expect } from 'vitest';
import {
  formatNhsNumber,
  isTestRangeNhsNumber,
  nhsNumberCheckDigit,
  validateNhsNumber,
} from './nhs-number.ts';

describe('nhsNumberCheckDigit', () => {
  it('computes the check digit of a real-format number', () => {
    // 943476591: 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2
    //          = 90 + 36 + 24 + 28 + 42 + 30 + 20 + 27 + 2 = 299; 299 mod 11 = 2; 11 - 2 = 9
    expect(nhsNumberCheckDigit('943476591')).toBe(9);
    // 401023213: 40 + 0 + 8 + 0 + 12 + 15 + 8 + 3 + 6 = 92; 92 mod 11 = 4; 11 - 4 = 7
    expect(nhsNumberCheckDigit('401023213')).toBe(7);
  });

  it('maps a check value of 11 to 0', () => {
    // 943476587: 90 + 36 + 24 + 28 + 42 + 30 + 20 + 24 + 14 = 308 = 28 * 11; 11 - 0 = 11 -> 0
    expect(nhsNumberCheckDigit('943476587')).toBe(0);
  });

  it('returns null when the check value is 10', () => {
    // 999123456: 90 + 81 + 72 + 7 + 12 + 15 + 16 + 15 + 12 = 320; 320 mod 11 = 1; 11 - 1 = 10
    expect(nhsNumberCheckDigit('999123456')).toBeNull();
    // 999000000: 90 + 81 + 72 = 243; 243 mod 11 = 1; 11 - 1 = 10
    expect(nhsNumberCheckDigit('999000000')).toBeNull();
  });

  it('computes test-range check digits', () => {
    // 999123457: 320 - 12 + 14 = 322; 322 mod 11 = 3; 11 - 3 = 8
    expect(nhsNumberCheckDigit('999123457')).toBe(8);
    // 999000001: 243 + 2 = 245; 245 mod 11 = 3; 11 - 3 = 8
    expect(nhsNumberCheckDigit('999000001')).toBe(8);
    // 999000002: 243 + 4 = 247; 247 mod 11 = 5; 11 - 5 = 6
    expect(nhsNumberCheckDigit('999000002')).toBe(6);
    // 999000005: 243 + 10 = 253 = 23 * 11; 11 - 0 = 11 -> 0
    expect(nhsNumberCheckDigit('999000005')).toBe(0);
  });

  it('rejects stems that are not exactly 9 digits', () => {
    expect(() => nhsNumberCheckDigit('12345678')).toThrow(RangeError);
    expect(() => nhsNumberCheckDigit('1234567890')).toThrow(RangeError);
    expect(() => nhsNumberCheckDigit('12345678A')).toThrow(RangeError);
  });
});

describe('validateNhsNumber', () => {
  it.each(['9434765919', '9434765870', '4010232137', '9991234578', '9990000018', '9990000026', '9990000050'])(
    'accepts %s',
    (n) => {
      expect(validateNhsNumber(n)).toEqual({ ok: true, value: n });
    },
  );

  it.each([
    ['943 476 5919', '9434765919'],
    ['943-476-5919', '9434765919'],
    ['9434765919 ', '9434765919'],
    ['  943 476 5919', '9434765919'],
    ['943476 5919', '9434765919'],
    ['999 123 4578', '9991234578'],
  ])('normalises %j to %s', (input, expected) => {
    expect(validateNhsNumber(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'empty'],
    ['943476591', 'too short'],
    ['94347659190', 'too long'],
    ['943476591A', 'a letter'],
    ['94347659I9', 'a letter I in place of 1'],
    ['943 4765 919', 'wrong grouping'],
    ['94 3476 5919', 'wrong grouping'],
    ['943  476 5919', 'doubled separator'],
    ['943.476.5919', 'dots'],
    ['943/476/5919', 'slashes'],
    ['+943476591', 'a sign'],
    ['９４３４７６５９１９', 'full-width digits'],
  ])('rejects %j (%s) with nhs.format', (input) => {
    const result = validateNhsNumber(input);
    expect(result).toMatchObject({ ok: false, rule: 'nhs.format' });
  });

  it('reports a wrong check digit', () => {
    expect(validateNhsNumber('9434765918')).toEqual({
      ok: false,
      rule: 'nhs.check-digit',
      message: 'NHS number must have a valid modulus 11 check digit',
    });
  });

  it('rejects every final digit for a stem whose check value is 10', () => {
    for (let d = 0; d <= 9; d++) {
      const result = validateNhsNumber(`999123456${d}`);
      expect(result).toMatchObject({ ok: false, rule: 'nhs.check-value-10' });
      if (!result.ok) expect(result.message).toMatch(/check value of 10/);
    }
  });

  it('rejects repeated-digit placeholders even though they pass modulus 11', () => {
    for (let d = 0; d <= 9; d++) {
      const n = String(d).repeat(10);
      // Prove the premise: the check digit of a repdigit stem is the repeated digit itself.
      expect(nhsNumberCheckDigit(n.slice(0, 9))).toBe(d);
      expect(validateNhsNumber(n)).toMatchObject({ ok: false, rule: 'nhs.all-same' });
    }
  });

  it('detects every single-digit substitution and adjacent transposition', () => {
    for (const good of ['9434765919', '9434765870', '4010232137', '9991234578']) {
      for (let i = 0; i < 10; i++) {
        for (let d = 0; d <= 9; d++) {
          const c = String(d);
          if (c === good.charAt(i)) continue;
          const changed = good.slice(0, i) + c + good.slice(i + 1);
          expect(validateNhsNumber(changed).ok, changed).toBe(false);
        }
      }
      for (let i = 0; i < 9; i++) {
        const a = good.charAt(i);
        const b = good.charAt(i + 1);
        if (a === b) continue;
        const swapped = good.slice(0, i) + b + a + good.slice(i + 2);
        expect(validateNhsNumber(swapped).ok, swapped).toBe(false);
      }
    }
  });
});

describe('formatNhsNumber', () => {
  it('groups 3-3-4', () => {
    expect(formatNhsNumber('9991234578')).toBe('999 123 4578');
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
  });

  it('is idempotent on grouped input', () => {
    expect(formatNhsNumber('943 476 5919')).toBe('943 476 5919');
    expect(formatNhsNumber('943-476-5919')).toBe('943 476 5919');
  });

  it('refuses anything that is not 10 digits', () => {
    expect(() => formatNhsNumber('943476591')).toThrow(RangeError);
    expect(() => formatNhsNumber('943476591X')).toThrow(RangeError);
  });
});

describe('isTestRangeNhsNumber', () => {
  it('recognises the 999 range', () => {
    expect(isTestRangeNhsNumber('9991234578')).toBe(true);
    expect(isTestRangeNhsNumber('999 123 4578')).toBe(true);
  });

  it('rejects numbers outside it', () => {
    expect(isTestRangeNhsNumber('9434765919')).toBe(false);
    expect(isTestRangeNhsNumber('9899999999')).toBe(false);
    expect(isTestRangeNhsNumber('999123457')).toBe(false);
  });
});
