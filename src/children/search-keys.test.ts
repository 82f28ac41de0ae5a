import { describe, expect, it } from 'vitest';
import { nameKey } from './search-keys.ts';

describe('nameKey', () => {
  it.each([
    ['Smith', 'smith'],
    ["O'Brien", 'obrien'],
    ['O’Brien', 'obrien'],
    ['Ó Briain', 'o briain'],
    ['Smith-Jones', 'smith jones'],
    ['  Smith   Jones ', 'smith jones'],
    ['Zoë', 'zoe'],
    ['Łukasz', 'lukasz'],
    ['Strauß', 'strauss'],
    ['Søren', 'soren'],
    ['Ægir', 'aegir'],
    ['Nguyễn', 'nguyen'],
  ])('keys %j as %j', (name, key) => {
    expect(nameKey(name)).toBe(key);
  });

  it('is idempotent', () => {
    for (const name of ["O'Brien", 'Smith-Jones', 'Zoë', 'Strauß']) {
      expect(nameKey(nameKey(name))).toBe(nameKey(name));
    }
  });
});
