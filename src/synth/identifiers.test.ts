import { describe, expect, it } from 'vitest';
import { isTestRangeNhsNumber, validateNhsNumber } from '../children/identifiers/nhs-number.ts';
import { validateUpn } from '../children/identifiers/upn.ts';
import {
  NhsNumberAllocator,
  UpnAllocator,
  claimantReference,
  mistypeNhsNumber,
  mistypeUpn,
  opaqueRecordNumber,
} from './identifiers.ts';
import { authorities } from './places.ts';
import { Rng } from './random.ts';

describe('NhsNumberAllocator', () => {
  it('issues only valid, unique numbers from the 999 test range until the range is used up', () => {
    const allocator = new NhsNumberAllocator('nhs-test');
    const firstHundredThousand = new Set<string>();
    let issued = 0;
    let invalid = 0;
    for (let n = allocator.next(); n !== null; n = allocator.next()) {
      // Uniqueness overall follows from permuteMillion being a bijection (tested with it);
      // checking a prefix and a sample keeps this test quick.
      if (issued < 100_000) firstHundredThousand.add(n);
      if (issued % 7 === 0 && (!validateNhsNumber(n).ok || !isTestRangeNhsNumber(n))) invalid++;
      issued++;
    }
    expect(invalid).toBe(0);
    expect(firstHundredThousand.size).toBe(100_000);
    // 10^6 stems in the 999 range, less the ~1 in 11 whose check value is 10.
    expect(issued).toBeGreaterThan(900_000);
    expect(issued).toBeLessThan(920_000);
    expect(allocator.next()).toBeNull();
  });

  it('gives a different sequence for a different seed', () => {
    expect(new NhsNumberAllocator('a').next()).not.toBe(new NhsNumberAllocator('b').next());
  });

  it('mistypes numbers so that the check digit always fails, keeping the 999 prefix', () => {
    const rng = new Rng('mistype', 'nhs');
    const allocator = new NhsNumberAllocator('mistype');
    const failures: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const n = allocator.next() ?? '';
      const wrong = mistypeNhsNumber(rng, n);
      if (wrong === n || !wrong.startsWith('999') || validateNhsNumber(wrong).ok)
        failures.push(`${n} -> ${wrong}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('UpnAllocator', () => {
  it('issues valid UPNs carrying the school LA, establishment and year, never repeating', () => {
    const allocator = new UpnAllocator();
    const school = authorities[0]?.primaries[0];
    if (school === undefined) throw new Error('no schools');
    const upns = Array.from({ length: 1000 }, () => allocator.allocate(school, 2019));
    expect(new Set(upns).size).toBe(1000);
    for (const upn of upns) {
      expect(validateUpn(upn).ok).toBe(true);
      expect(upn.slice(1, 10)).toBe(`${school.laCode}${school.establishment}19`);
    }
    expect(() => allocator.allocate(school, 2019)).toThrow(RangeError);
  });

  it('mistyped UPNs always fail the check letter', () => {
    const rng = new Rng('mistype', 'upn');
    const allocator = new UpnAllocator();
    const school = authorities[1]?.primaries[0];
    if (school === undefined) throw new Error('no schools');
    for (let i = 0; i < 1000; i++) {
      expect(validateUpn(mistypeUpn(rng, allocator.allocate(school, 2015))).ok).toBe(false);
    }
  });
});

describe('synthetic references', () => {
  it('claimant references look like NINOs, use never-issued prefixes and do not collide', () => {
    const refs = new Set<string>();
    const shape = /^[DFIQUV][ABCEGHJKLMNPRSTWXYZ]\d{6}[A-D]$/;
    let misshapen = 0;
    for (let id = 0; id < 3_000_000; id += 7) {
      const ref = claimantReference(id, 12345);
      if (!shape.test(ref)) misshapen++;
      refs.add(ref);
    }
    expect(misshapen).toBe(0);
    expect(refs.size).toBe(Math.ceil(3_000_000 / 7));
  });

  it('record numbers are ten digits and unique per counter', () => {
    const numbers = new Set(Array.from({ length: 100_000 }, (_, i) => opaqueRecordNumber(i, 99)));
    expect(numbers.size).toBe(100_000);
    for (const n of [...numbers].slice(0, 100)) expect(n).toMatch(/^\d{10}$/);
  });
});
