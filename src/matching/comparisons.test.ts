import { describe, expect, it } from 'vitest';
import { item } from './arrays.ts';
import {
  ALL_COMPARISONS,
  AddressLevel,
  DobLevel,
  MiddleNamesLevel,
  ExactLevel,
  ForenameLevel,
  OtherIdLevel,
  PlaceLevel,
  StrongIdLevel,
  SurnameLevel,
  comparisonsFor,
  namesSwapped,
} from './comparisons.ts';
import type { ComparisonName } from './comparisons.ts';
import { prepareRecord } from './record.ts';
import type { RawPerson } from './record.ts';

const person = (raw: RawPerson) => prepareRecord(raw, 'YYYY-MM-DD');

function level(name: ComparisonName, a: RawPerson, b: RawPerson): number {
  const comparison = item(
    ALL_COMPARISONS.filter((c) => c.name === name),
    0,
  );
  const x = comparison.compare(person(a), person(b));
  // Every comparison is symmetric.
  expect(comparison.compare(person(b), person(a))).toBe(x);
  return x;
}

describe('forename', () => {
  const f = (forename: string, surname = 'smith'): RawPerson => ({ forename, surname });
  it.each([
    ['', 'jack', ForenameLevel.Null],
    ['Jack', 'jack', ForenameLevel.Exact],
    ['Zoë', 'zoe', ForenameLevel.Exact],
    ['william', 'bill', ForenameLevel.Variant],
    ['martha', 'marhta', ForenameLevel.Jw92],
    ['dwayne', 'duane', ForenameLevel.Phonetic],
    ['jack', 'jake', ForenameLevel.Phonetic],
    ['ruby', 'rudy', ForenameLevel.Jw70],
    ['chris', 'christian', ForenameLevel.Variant],
    ['jack', 'oliver', ForenameLevel.Else],
  ])('%j vs %j', (a, b, expected) => {
    expect(level('forename', f(a), f(b))).toBe(expected);
  });

  it('has its own level for a forename and surname recorded the wrong way round', () => {
    expect(level('forename', f('john', 'smith'), f('smith', 'john'))).toBe(ForenameLevel.Swapped);
    expect(level('forename', f('john', 'smith'), f('smiht', 'jon'))).toBe(ForenameLevel.Swapped);
    expect(namesSwapped(person(f('john', 'smith')), person(f('john', 'smith')))).toBe(false);
  });
});

describe('other given names', () => {
  const m = (forename: string, middleNames?: string): RawPerson => ({
    forename,
    surname: 'lewis',
    ...(middleNames === undefined ? {} : { middleNames }),
  });
  it.each([
    [m('grace'), m('grace', 'rose'), MiddleNamesLevel.Null],
    [m('grace', 'Rose Esme'), m('grace', 'rose esme'), MiddleNamesLevel.Exact],
    // The later words of a forename are other given names too.
    [m('Lily-Mae', 'Rose'), m('lily', 'mae rose'), MiddleNamesLevel.Exact],
    [m('grace', 'rose'), m('grace', 'rose esme'), MiddleNamesLevel.SameFirst],
    [m('grace', 'esme rose'), m('grace', 'rose'), MiddleNamesLevel.Shared],
    [m('grace', 'rosalind'), m('grace', 'rosalid'), MiddleNamesLevel.Shared],
    [m('grace', 'rose'), m('grace', 'esme'), MiddleNamesLevel.Else],
  ])('%j vs %j', (a, b, expected) => {
    expect(level('middleNames', a, b)).toBe(expected);
  });

  it('is never chosen for a source definition, which has no field for it', () => {
    expect(comparisonsFor(['forename', 'surname', 'dateOfBirth']).map((c) => c.name)).not.toContain(
      'middleNames',
    );
  });
});

describe('surname', () => {
  const s = (surname: string, forename = 'amy'): RawPerson => ({ forename, surname });
  it.each([
    ['', 'smith', SurnameLevel.Null],
    ['Smith', 'smith', SurnameLevel.Exact],
    ["O'Brien", 'obrien', SurnameLevel.Exact],
    ['smith-jones', 'jones', SurnameLevel.DoubleBarrelPart],
    ['harrington', 'harringtom', SurnameLevel.Jw92],
    ['smith', 'schmidt', SurnameLevel.Phonetic],
    ['smith', 'wilson', SurnameLevel.Else],
  ])('%j vs %j', (a, b, expected) => {
    expect(level('surname', s(a), s(b))).toBe(expected);
  });

  it('counts a swap once, under forename, and not again here', () => {
    expect(level('surname', s('smith', 'john'), s('john', 'smith'))).toBe(SurnameLevel.Swapped);
    expect(ALL_COMPARISONS.find((c) => c.name === 'surname')?.levels[SurnameLevel.Swapped]?.neutral).toBe(
      true,
    );
  });
});

describe('date of birth', () => {
  const d = (dateOfBirth: string): RawPerson => ({ dateOfBirth });
  it.each([
    ['', '2015-03-01', DobLevel.Null],
    ['2015-03-01', '2015-03-01', DobLevel.Exact],
    ['2015-03-01', '2015-03-07', DobLevel.OneEdit],
    ['2015-03-01', '2015-03-10', DobLevel.OneEdit],
    ['2015-03-12', '2015-12-03', DobLevel.DayMonthSwapped],
    ['2015-03-01', '2015-03-29', DobLevel.Within1Month],
    ['2015-03-01', '2015-10-20', DobLevel.Within1Year],
    ['2015-03-01', '2009-08-20', DobLevel.Within10Years],
    ['2015-03-01', '1985-08-20', DobLevel.Else],
  ])('%j vs %j', (a, b, expected) => {
    expect(level('dateOfBirth', d(a), d(b))).toBe(expected);
  });

  it('still sees one typo in a date the typo made impossible', () => {
    expect(level('dateOfBirth', d('2015-03-01'), d('2015-93-01'))).toBe(DobLevel.OneEdit);
    expect(level('dateOfBirth', d('2015-03-01'), d('2015-93-91'))).toBe(DobLevel.Else);
  });
});

describe('place (postcode and town together)', () => {
  const p = (postcode: string, town = ''): RawPerson => ({ postcode, town });
  it.each([
    [p(''), p('LS1 4AB'), PlaceLevel.Null],
    [p('LS1 4AB', 'Leeds'), p('ls14ab', 'leeds'), PlaceLevel.PostcodeAndTown],
    [p('LS1 4AB'), p('LS1 4AB', 'Leeds'), PlaceLevel.PostcodeAndTown],
    [p('LS1 4AB', 'Leeds'), p('LS1 4AB', 'Bradford'), PlaceLevel.PostcodeOnly],
    [p('LS1 4AB', 'Leeds'), p('LS1 4XY', 'Leeds'), PlaceLevel.TownAndNearPostcode],
    [p('LS1 4AB', 'Leeds'), p('LS6 2ZZ', 'Leeds'), PlaceLevel.TownOnly],
    [p('LS1 4AB'), p('LS1 4XY'), PlaceLevel.NearPostcode],
    [p('LS1 4AB'), p('LS1 9XY'), PlaceLevel.District],
    [p('LS1 4AB'), p('LS6 2ZZ'), PlaceLevel.District],
    [p('LS1 4AB'), p('M1 1AE'), PlaceLevel.Else],
  ])('UK %j vs %j', (a, b, expected) => {
    expect(level('place', a, b)).toBe(expected);
  });

  it('degrades to character prefixes for a postcode that is not UK (FEBRL: four digits)', () => {
    expect(level('place', p('2257'), p('2257'))).toBe(PlaceLevel.PostcodeAndTown);
    expect(level('place', p('2257'), p('2275'))).toBe(PlaceLevel.NearPostcode);
    expect(level('place', p('2257'), p('2283'))).toBe(PlaceLevel.District);
    expect(level('place', p('2257'), p('2983'))).toBe(PlaceLevel.District);
    expect(level('place', p('2257'), p('6983'))).toBe(PlaceLevel.Else);
  });
});

describe('address', () => {
  const a = (address: string): RawPerson => ({ address });
  it.each([
    ['', '12 high street', AddressLevel.Null],
    ['12 High St', '12 high street', AddressLevel.Exact],
    ['37 medley street tamar arcade', 'tamar arcade 37 medley street', AddressLevel.Exact],
    ['35 sidaway street jemalong', '35 sidawy street jemalong', AddressLevel.NumberAndStreet],
    ['9 eleanora street', '91 eleanora strreet', AddressLevel.Street],
    ['20 rupp place brentwood vlge', '20 rupp place brentwoodvlge', AddressLevel.NumberAndStreet],
    ['5 kellway street rowethorpe', '7 kellway road', AddressLevel.Partial],
    ['12 high street', '12 park road', AddressLevel.NumberOnly],
    ['12 high street', '4 park road', AddressLevel.Else],
  ])('%j vs %j', (x, y, expected) => {
    expect(level('address', a(x), a(y))).toBe(expected);
  });
});

describe('identifiers', () => {
  it('compares an identifier without a check digit with typo-tolerant levels', () => {
    const o = (otherIdentifier: string): RawPerson => ({ otherIdentifier });
    expect(level('otherIdentifier', o(''), o('123'))).toBe(OtherIdLevel.Null);
    expect(level('otherIdentifier', o('2493383'), o('2493383'))).toBe(OtherIdLevel.Exact);
    expect(level('otherIdentifier', o('2493383'), o('2439383'))).toBe(OtherIdLevel.OneEdit);
    expect(level('otherIdentifier', o('2493383'), o('2439388'))).toBe(OtherIdLevel.TwoEdits);
    expect(level('otherIdentifier', o('2493383'), o('7364009'))).toBe(OtherIdLevel.Else);
  });

  it('reads numbers a few apart as no evidence: a slip of the last digit, or a twin’s next number', () => {
    const o = (otherIdentifier: string): RawPerson => ({ otherIdentifier });
    expect(level('otherIdentifier', o('1002856'), o('1002857'))).toBe(OtherIdLevel.Null);
    expect(level('otherIdentifier', o('1002856'), o('1002850'))).toBe(OtherIdLevel.Null);
    // A slip elsewhere in the number is still near agreement.
    expect(level('otherIdentifier', o('1002856'), o('1012856'))).toBe(OtherIdLevel.OneEdit);
    expect(level('otherIdentifier', o('1002856'), o('1002586'))).toBe(OtherIdLevel.OneEdit);
  });

  it('sees two different valid NHS numbers as a conflict and ignores invalid ones', () => {
    const n = (nhsNumber: string): RawPerson => ({ nhsNumber });
    expect(level('nhsNumber', n('9434765919'), n('943 476 5919'))).toBe(StrongIdLevel.Exact);
    expect(level('nhsNumber', n('9434765919'), n('4010232137'))).toBe(StrongIdLevel.Conflict);
    expect(level('nhsNumber', n('9434765919'), n('9434765918'))).toBe(StrongIdLevel.Null);
  });

  it('compares gender and region exactly', () => {
    expect(level('gender', { gender: 'F' }, { gender: 'female' })).toBe(ExactLevel.Exact);
    expect(level('gender', { gender: 'M' }, { gender: 'F' })).toBe(ExactLevel.Else);
    expect(level('region', { region: 'NSW' }, { region: 'nsw' })).toBe(ExactLevel.Exact);
  });
});

describe('comparisonsFor', () => {
  it('uses the comparisons whose fields a source maps', () => {
    const names = comparisonsFor(['forename', 'surname', 'postcode']).map((c) => c.name);
    expect(names).toEqual(['forename', 'surname', 'place']);
  });

  it('gives every comparison starting m and typical u over its non-null levels', () => {
    for (const c of ALL_COMPARISONS) {
      expect(c.initialM).toHaveLength(c.levels.length);
      expect(c.initialU).toHaveLength(c.levels.length);
      const sum = c.initialU.slice(1).reduce((s, v) => s + v, 0);
      expect(sum).toBeCloseTo(1, 6);
    }
  });
});
