import { describe, it, expect, vi, afterEach } from 'vitest';
import {
  contactPointIdFromSerial,
  formatContactPointId,
  generateContactPointId,
  luhnCheckDigit,
  validateContactPointId,
} from './contactpoint-id.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('luhnCheckDigit', () => {
  it('matches the textbook example', () => {
    // 7992739871 -> 79927398713 is the widely published worked example.
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });

  it('matches hand-worked 9-digit serials', () => {
    // 123456789, doubling from the right: 9->18->9, 8, 7->14->5, 6, 5->10->1, 4, 3->6, 2, 1->2
    // sum = 9+8+5+6+1+4+6+2+2 = 43; (10 - 3) mod 10 = 7
    expect(luhnCheckDigit('123456789')).toBe(7);
    // 500000000: the 5 is in a doubled position -> 10 -> 1; (10 - 1) mod 10 = 9
    expect(luhnCheckDigit('500000000')).toBe(9);
    // 999999999: five doubled 9s -> 9 each = 45, four plain 9s = 36; 81 -> (10 - 1) mod 10 = 9
    expect(luhnCheckDigit('999999999')).toBe(9);
    expect(luhnCheckDigit('000000000')).toBe(0);
  });

  it('refuses non-digits', () => {
    expect(() => luhnCheckDigit('')).toThrow(RangeError);
    expect(() => luhnCheckDigit('12a')).toThrow(RangeError);
  });
});

describe('contactPointIdFromSerial', () => {
  it('zero-pads the serial and appends the check digit', () => {
    expect(contactPointIdFromSerial(123456789)).toBe('CP1234567897');
    expect(contactPointIdFromSerial(0)).toBe('CP0000000000');
    expect(contactPointIdFromSerial(9)).toBe('CP0000000091');
    expect(contactPointIdFromSerial(999999999)).toBe('CP9999999999');
  });

  it('is deterministic and always valid', () => {
    for (let serial = 0; serial < 5000; serial += 13) {
      const id = contactPointIdFromSerial(serial);
      expect(id).toBe(contactPointIdFromSerial(serial));
      expect(id).toHaveLength(12);
      expect(validateContactPointId(id)).toEqual({ ok: true, value: id });
    }
  });

  it.each([-1, 1_000_000_000, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses serial %s', (serial) => {
    expect(() => contactPointIdFromSerial(serial)).toThrow(RangeError);
  });
});

describe('generateContactPointId', () => {
  it('maps an injected [0, 1) source onto the serial range', () => {
    expect(generateContactPointId(() => 0)).toBe('CP0000000000');
    expect(generateContactPointId(() => 0.5)).toBe('CP5000000009');
    expect(generateContactPointId(() => 0.9999999999999)).toBe('CP9999999999');
  });

  it.each([1, -0.1, Number.NaN])('refuses a source returning %s', (r) => {
    expect(() => generateContactPointId(() => r)).toThrow(RangeError);
  });

  it('defaults to a secure source, not Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = generateContactPointId();
      expect(validateContactPointId(id).ok).toBe(true);
      ids.add(id);
    }
    expect(spy).not.toHaveBeenCalled();
    // 200 draws from 10^9: a repeat has probability ~2e-5, so one means the source is broken.
    expect(ids.size).toBe(200);
  });
});

describe('validateContactPointId', () => {
  it('accepts canonical, display, lowercase and hyphenated forms', () => {
    for (const input of [
      'CP1234567897',
      'CP 123 456 789 7',
      'cp1234567897',
      'CP-123-456-789-7',
      ' CP1234567897 ',
    ]) {
      expect(validateContactPointId(input)).toEqual({ ok: true, value: 'CP1234567897' });
    }
  });

  it.each([
    ['', 'empty'],
    ['1234567897', 'missing prefix'],
    ['CX1234567897', 'wrong prefix'],
    ['CP123456789', 'too short'],
    ['CP12345678970', 'too long'],
    ['CP12345678A7', 'letter among the digits'],
    ['CP123456789X', 'X check character'],
    ['PC1234567897', 'prefix reversed'],
  ])('rejects %j (%s) with cpid.format', (input) => {
    expect(validateContactPointId(input)).toMatchObject({ ok: false, rule: 'cpid.format' });
  });

  it('rejects a wrong check digit', () => {
    expect(validateContactPointId('CP1234567890')).toEqual({
      ok: false,
      rule: 'cpid.check-digit',
      message: 'ContactPoint ID must have a valid Luhn check digit',
    });
  });

  const samples = [
    'CP1234567897',
    contactPointIdFromSerial(0),
    contactPointIdFromSerial(999999999),
    contactPointIdFromSerial(908172635),
    contactPointIdFromSerial(505050505),
    contactPointIdFromSerial(314159265),
  ];

  it.each(samples)('detects every single-digit substitution in %s', (id) => {
    const digits = id.slice(2);
    for (let i = 0; i < 10; i++) {
      for (let d = 0; d <= 9; d++) {
        const c = String(d);
        if (c === digits.charAt(i)) continue;
        const changed = `CP${digits.slice(0, i)}${c}${digits.slice(i + 1)}`;
        expect(validateContactPointId(changed), changed).toMatchObject({
          ok: false,
          rule: 'cpid.check-digit',
        });
      }
    }
  });

  it.each(samples)('detects every adjacent transposition in %s other than 09 <-> 90', (id) => {
    const digits = id.slice(2);
    for (let i = 0; i < 9; i++) {
      const a = digits.charAt(i);
      const b = digits.charAt(i + 1);
      if (a === b) continue;
      const swapped = `CP${digits.slice(0, i)}${b}${a}${digits.slice(i + 2)}`;
      const blindSpot = (a === '0' && b === '9') || (a === '9' && b === '0');
      expect(validateContactPointId(swapped).ok, swapped).toBe(blindSpot);
    }
  });

  it('misses only 09 <-> 90 across every digit pair at every position, check digit included', () => {
    const swapAt = (digits: string, i: number): string =>
      `${digits.slice(0, i)}${digits.charAt(i + 1)}${digits.charAt(i)}${digits.slice(i + 2)}`;
    const isBlindSpot = (x: string, y: string): boolean => x + y === '09' || x + y === '90';
    let checked = 0;
    let missed = 0;
    const tryId = (digits: string, i: number): void => {
      const x = digits.charAt(i);
      const y = digits.charAt(i + 1);
      if (x === y) return;
      const detected = !validateContactPointId(`CP${swapAt(digits, i)}`).ok;
      expect(detected, `${digits} swap at ${i}`).toBe(!isBlindSpot(x, y));
      checked++;
      if (!detected) missed++;
    };
    const base = '271828182';
    // Serial digits: plant every ordered pair of distinct digits at positions i, i+1.
    for (let i = 0; i < 8; i++) {
      for (let a = 0; a <= 9; a++) {
        for (let b = 0; b <= 9; b++) {
          if (a === b) continue;
          const serial = `${base.slice(0, i)}${a}${b}${base.slice(i + 2)}`;
          tryId(contactPointIdFromSerial(Number(serial)).slice(2), i);
        }
      }
    }
    // Last serial digit against the check digit: which pair occurs is dictated by the check, so
    // sweep enough serials that every check digit appears after every last digit.
    for (let serial = 0; serial < 1000; serial++) {
      tryId(contactPointIdFromSerial(serial).slice(2), 8);
    }
    expect(checked).toBeGreaterThan(8 * 90);
    // 2 blind-spot pairs (09, 90) at each of 8 planted positions, plus those found at position 8.
    expect(missed).toBeGreaterThanOrEqual(16);
  });

  it('demonstrates the 09 <-> 90 blind spot with a hand-worked pair', () => {
    // 000000009: the 9 is doubled -> 18 -> 9, check 1. 000000090: the 9 is not doubled, check 1.
    expect(validateContactPointId('CP0000000091').ok).toBe(true);
    expect(validateContactPointId('CP0000000901').ok).toBe(true);
  });
});

describe('formatContactPointId', () => {
  it('groups for display', () => {
    expect(formatContactPointId('CP1234567897')).toBe('CP 123 456 789 7');
    expect(formatContactPointId('cp 123 456 789 7')).toBe('CP 123 456 789 7');
  });

  it('round-trips through validation', () => {
    const id = contactPointIdFromSerial(42);
    expect(validateContactPointId(formatContactPointId(id))).toEqual({ ok: true, value: id });
  });

  it('refuses non-IDs', () => {
    expect(() => formatContactPointId('CP123')).toThrow(RangeError);
  });
});
