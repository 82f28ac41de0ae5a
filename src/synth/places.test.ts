import { describe, expect, it } from 'vitest';
import { normalisePostcode } from '../children/identifiers/postcode.ts';
import { allSchools, authorities, authorityByCode, pickAddress, pickAuthority } from './places.ts';
import { Rng } from './random.ts';
import { localAuthorities } from './tables/local-authorities.ts';

describe('local authorities', () => {
  it('are a few dozen real English LAs with unique three-digit DfE codes', () => {
    expect(authorities.length).toBeGreaterThanOrEqual(30);
    const codes = authorities.map((la) => la.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toBeGreaterThanOrEqual(201);
    expect(authorityByCode(202).name).toBe('Camden');
    expect(authorityByCode(330).name).toBe('Birmingham');
    expect(() => authorityByCode(999)).toThrow(RangeError);
  });

  it('each have post towns with outward codes that make valid postcodes', () => {
    for (const la of localAuthorities) {
      expect(Object.keys(la.areas).length, la.name).toBeGreaterThan(0);
      for (const [town, outwards] of Object.entries(la.areas)) {
        expect(town, la.name).not.toBe('');
        expect(outwards.length, `${la.name} ${town}`).toBeGreaterThan(0);
        for (const outward of outwards) expect(normalisePostcode(`${outward} 1AB`).ok, outward).toBe(true);
      }
    }
  });

  it('are drawn in proportion to their child populations', () => {
    const rng = new Rng('authorities', 'test');
    let birmingham = 0;
    let camden = 0;
    for (let i = 0; i < 50_000; i++) {
      const code = pickAuthority(rng).code;
      if (code === 330) birmingham++;
      if (code === 202) camden++;
    }
    expect(birmingham / camden).toBeGreaterThan(5);
    expect(birmingham / camden).toBeLessThan(9);
  });
});

describe('schools', () => {
  it('have unique URNs and establishment numbers unique within their LA', () => {
    expect(new Set(allSchools.map((s) => s.urn)).size).toBe(allSchools.length);
    const keys = allSchools.map((s) => `${s.laCode}/${s.establishment}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const la of authorities) {
      expect(la.primaries.length).toBeGreaterThan(0);
      expect(la.secondaries.length).toBeGreaterThan(0);
    }
  });
});

describe('pickAddress', () => {
  it('gives a street address in the LA with a valid postcode', () => {
    const rng = new Rng('addresses', 'test');
    const kent = authorityByCode(886);
    const bad: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const address = pickAddress(rng, kent);
      const normalised = normalisePostcode(address.postcode);
      if (!normalised.ok || normalised.value !== address.postcode || address.laCode !== 886)
        bad.push(address.postcode);
      if (!/^\d+ [A-Z]/.test(address.street)) bad.push(address.street);
    }
    expect(bad).toEqual([]);
  });
});
