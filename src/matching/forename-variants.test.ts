import { describe, expect, it } from 'vitest';
import { areForenameVariants, areVariantsOfOneName, forenameGroups } from './forename-variants.ts';

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

  describe('one name, or two short forms of one', () => {
    it.each([
      ['alfred', 'alfie'],
      // A spelling of the full name is the name itself, so its short forms are one name with it.
      ['katherine', 'kate'],
      ['kathryn', 'katie'],
      ['isabella', 'bella'],
      ['isabelle', 'izzy'],
      ['mohammed', 'muhammad'],
      // Names that are short forms elsewhere are also given in full, with their own short forms.
      ['rose', 'rosie'],
      ['louis', 'louie'],
      ['freya', 'freyja'],
    ])('%s and %s are one name', (a, b) => {
      expect(areVariantsOfOneName(a, b)).toBe(true);
      expect(areVariantsOfOneName(b, a)).toBe(true);
    });

    it.each([
      ['alfie', 'freddie'],
      ['bella', 'izzy'],
      ['kate', 'kathleen'],
      ['louie', 'luis'],
      ['amelia', 'amelie'],
      // Two other spellings of one name: as alike as twins are named.
      ['isabella', 'isabelle'],
      ['katherine', 'kathryn'],
    ])('%s and %s are two names', (a, b) => {
      expect(areVariantsOfOneName(a, b)).toBe(false);
      expect(areVariantsOfOneName(b, a)).toBe(false);
    });
  });
});
