import { describe, expect, it } from 'vitest';
import { areForenameVariants, forenameGroups } from './forename-variants.ts';

describe('forename variants', () => {
  it.each([
    ['william', 'bill'],
    ['will', 'liam'],
    ['robert', 'bob'],
    ['elizabeth', 'liz'],
    ['beth', 'elizabeth'],
    ['katherine', 'kate'],
    ['catherine', 'katie'],
    ['muhammad', 'mohammed'],
    ['mohammad', 'mohamed'],
    ['alexander', 'alex'],
    ['alexandra', 'alex'],
  ])('%s and %s are one name', (a, b) => {
    expect(areForenameVariants(a, b)).toBe(true);
    expect(areForenameVariants(b, a)).toBe(true);
  });

  it.each([
    ['jack', 'oliver'],
    ['alexander', 'alexandra'],
    ['bill', 'bob'],
    ['unknownname', 'otherunknown'],
  ])('%s and %s are not', (a, b) => {
    expect(areForenameVariants(a, b)).toBe(false);
  });

  it('lets a name belong to several groups', () => {
    expect(forenameGroups('alex').length).toBeGreaterThan(1);
    expect(forenameGroups('nobodyhasthisname')).toEqual([]);
  });
});
