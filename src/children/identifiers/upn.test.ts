import { describe, it, expect } from 'vitest';
import {
  UPN_LETTERS,
  isTemporaryUpn,
  makeTemporaryUpn,
  makeUpn,
  upnCheckLetter,
  validateUpn,
} from './upn.ts';

describe('UPN_LETTERS', () => {
  it('is A-Z without I, O and S, giving 23 values for mod 23', () => {
    expect(UPN_LETTERS).toHaveLength(23);
    expect(UPN_LETTERS).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ'.replace(/[IOS]/g, ''));
  });
});

describe('upnCheckLetter', () => {
  it('matches hand-worked permanent UPNs', () => {
    // 801200005001, weights 2..13:
    // 8*2 + 0*3 + 1*4 + 2*5 + 0*6 + 0*7 + 0*8 + 0*9 + 5*10 + 0*11 + 0*12 + 1*13
    // = 16 + 4 + 10 + 50 + 13 = 93; 93 mod 23 = 1 -> B
    expect(upnCheckLetter('801200005001')).toBe('B');
    // 207000016049: 2*2 + 7*4 + 1*9 + 6*10 + 4*12 + 9*13 = 4 + 28 + 9 + 60 + 48 + 117 = 266;
    // 266 - 11*23 = 13 -> P (A0..H7, J8..N12, P13)
    expect(upnCheckLetter('207000016049')).toBe('P');
    // 999999999999: 9 * (2 + 3 + ... + 13) = 9 * 90 = 810; 810 - 35*23 = 5 -> F
    expect(upnCheckLetter('999999999999')).toBe('F');
    expect(upnCheckLetter('000000000000')).toBe('A');
  });

  it('counts a letter in position 13 as its index in the check alphabet (temporary UPN)', () => {
    // 80120000501A: 16 + 4 + 10 + 50 + 1*12 + A(0)*13 = 92; 92 mod 23 = 0 -> A
    expect(upnCheckLetter('80120000501A')).toBe('A');
    // 80120000501Z: 80 + 12 + Z(22)*13 = 92 + 286 = 378; 378 - 16*23 = 10 -> L
    expect(upnCheckLetter('80120000501Z')).toBe('L');
    // 80120000501T: 92 + T(16)*13 = 92 + 208 = 300; 300 - 13*23 = 1 -> B
    expect(upnCheckLetter('80120000501T')).toBe('B');
  });

  it('refuses malformed input', () => {
    expect(() => upnCheckLetter('80120000500')).toThrow(RangeError);
    expect(() => upnCheckLetter('8012000050011')).toThrow(RangeError);
    expect(() => upnCheckLetter('8012000050A1')).toThrow(RangeError);
    expect(() => upnCheckLetter('80120000501I')).toThrow(RangeError);
    expect(() => upnCheckLetter('80120000501a')).toThrow(RangeError);
  });
});

describe('validateUpn', () => {
  it.each(['B801200005001', 'P207000016049', 'F999999999999', 'A80120000501A', 'L80120000501Z'])(
    'accepts %s',
    (upn) => {
      expect(validateUpn(upn)).toEqual({ ok: true, value: upn });
    },
  );

  it('upper-cases and trims', () => {
    expect(validateUpn('  b801200005001 ')).toEqual({ ok: true, value: 'B801200005001' });
    expect(validateUpn('l80120000501z')).toEqual({ ok: true, value: 'L80120000501Z' });
  });

  it.each(['', 'B80120000500', 'B8012000050011', 'B801 200005001'])('rejects %j with upn.length', (upn) => {
    expect(validateUpn(upn)).toMatchObject({ ok: false, rule: 'upn.length' });
  });

  it.each([
    ['1801200005001', 'digit in position 1'],
    ['I801200005001', 'I as check letter'],
    ['B80120000A001', 'letter in the middle'],
    ['B80120000501I', 'I in position 13'],
    ['B80120000501O', 'O in position 13'],
    ['B80120000501S', 'S in position 13'],
    ['B80120000500-', 'punctuation'],
  ])('rejects %j (%s) with upn.characters', (upn) => {
    expect(validateUpn(upn)).toMatchObject({ ok: false, rule: 'upn.characters' });
  });

  it('rejects a wrong check letter', () => {
    expect(validateUpn('A801200005001')).toEqual({
      ok: false,
      rule: 'upn.check-letter',
      message: 'UPN must have the correct check letter at character 1',
    });
    expect(validateUpn('Q207000016049')).toMatchObject({ ok: false, rule: 'upn.check-letter' });
  });

  // Position 13 takes a digit or a letter, and letters A-K carry the same values (0-9) as the
  // digits, so swapping digit d for the d-th letter there leaves the sum unchanged.
  const value13 = (c: string): number => (/\d/.test(c) ? Number(c) : UPN_LETTERS.indexOf(c));

  it('detects every single substitution and adjacent transposition in characters 2-13', () => {
    const alphabet13 = '0123456789' + UPN_LETTERS;
    for (const good of ['B801200005001', 'P207000016049', 'L80120000501Z']) {
      for (let i = 1; i < 13; i++) {
        const choices = i === 12 ? alphabet13 : '0123456789';
        for (const c of choices) {
          if (c === good.charAt(i)) continue;
          const changed = good.slice(0, i) + c + good.slice(i + 1);
          const sameValue = i === 12 && value13(c) === value13(good.charAt(i));
          expect(validateUpn(changed).ok, changed).toBe(sameValue);
        }
      }
      for (let i = 1; i < 11; i++) {
        const a = good.charAt(i);
        const b = good.charAt(i + 1);
        if (a === b) continue;
        const swapped = good.slice(0, i) + b + a + good.slice(i + 2);
        expect(validateUpn(swapped).ok, swapped).toBe(false);
      }
    }
  });
  it('gives a temporary UPN ending in the letter worth d the same check letter as a permanent one ending in d', () => {
    expect(validateUpn('B801200005001').ok).toBe(true);
    expect(validateUpn('B80120000500B').ok).toBe(true);
    expect(validateUpn('A80120000501A').ok).toBe(true);
    expect(validateUpn('A801200005010').ok).toBe(true);
  });
});

describe('makeUpn', () => {
  it('zero-pads the fields and prefixes the check letter', () => {
    expect(makeUpn(801, 2000, 5, 1)).toBe('B801200005001');
    expect(makeUpn(207, 0, 16, 49)).toBe('P207000016049');
  });

  it('always produces a valid permanent UPN', () => {
    for (let serial = 0; serial < 1000; serial += 7) {
      const upn = makeUpn(353, 4123, 24, serial);
      expect(validateUpn(upn)).toEqual({ ok: true, value: upn });
      expect(isTemporaryUpn(upn)).toBe(false);
    }
  });

  it.each([
    [1000, 0, 0, 0],
    [-1, 0, 0, 0],
    [801, 10000, 0, 0],
    [801, 2000, 100, 0],
    [801, 2000, 5, 1000],
    [801, 2000, 5, 1.5],
    [801, 2000, Number.NaN, 1],
  ])('refuses out-of-range fields %j', (la, est, year, serial) => {
    expect(() => makeUpn(la, est, year, serial)).toThrow(RangeError);
  });
});

describe('makeTemporaryUpn', () => {
  it('builds a temporary UPN with a letter in position 13', () => {
    expect(makeTemporaryUpn(801, 2000, 5, 1, 'A')).toBe('A80120000501A');
    expect(makeTemporaryUpn(801, 2000, 5, 1, 'Z')).toBe('L80120000501Z');
  });

  it('produces valid temporary UPNs for every allowed letter', () => {
    for (const letter of UPN_LETTERS) {
      const upn = makeTemporaryUpn(936, 3001, 25, 42, letter);
      expect(validateUpn(upn)).toEqual({ ok: true, value: upn });
      expect(isTemporaryUpn(upn)).toBe(true);
    }
  });

  it('refuses letters outside the check alphabet and 3-digit serials', () => {
    expect(() => makeTemporaryUpn(801, 2000, 5, 1, 'I')).toThrow(RangeError);
    expect(() => makeTemporaryUpn(801, 2000, 5, 1, 'a')).toThrow(RangeError);
    expect(() => makeTemporaryUpn(801, 2000, 5, 1, 'AB')).toThrow(RangeError);
    expect(() => makeTemporaryUpn(801, 2000, 5, 100, 'A')).toThrow(RangeError);
  });
});
