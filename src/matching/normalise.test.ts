import { describe, expect, it } from 'vitest';
import {
  isSupportedDateFormat,
  normaliseAddress,
  normaliseIdentifier,
  normaliseName,
  normalisePostcodeValue,
  normaliseText,
  parseDate,
  parseDateParts,
} from './normalise.ts';

describe('normaliseText', () => {
  it.each([
    ['  Zoë  ', 'zoe'],
    ['José-María', 'jose maria'],
    ["O'Brien", 'obrien'],
    ['Smith–Jones', 'smith jones'],
    ['ÆLFRED Ørsted', 'aelfred orsted'],
    ['Straße', 'strasse'],
    ['a.b,c', 'a b c'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });
});

describe('normaliseName', () => {
  it('keeps the words of a double or hyphenated surname and the run-together form', () => {
    expect(normaliseName('Smith-Jones')).toEqual({
      full: 'smith jones',
      compact: 'smithjones',
      parts: ['smith', 'jones'],
    });
    expect(normaliseName('van der Berg').compact).toBe(normaliseName('Vanderberg').compact);
  });

  it('drops digits and treats blank as missing', () => {
    expect(normaliseName('jack2').full).toBe('jack');
    expect(normaliseName('   ')).toEqual({ full: '', compact: '', parts: [] });
  });
});

describe('dates', () => {
  it.each([
    ['19810628', 'YYYYMMDD', { y: 1981, m: 6, d: 28 }],
    ['2015-03-01', 'YYYY-MM-DD', { y: 2015, m: 3, d: 1 }],
    ['1/3/2015', 'DD/MM/YYYY', { y: 2015, m: 3, d: 1 }],
    ['03/01/2015', 'MM/DD/YYYY', { y: 2015, m: 3, d: 1 }],
    ['29.02.2016', 'DD.MM.YYYY', { y: 2016, m: 2, d: 29 }],
  ])('%s in %s', (text, format, expected) => {
    expect(parseDate(text, format)).toEqual(expected);
  });

  it.each([
    ['20150230', 'YYYYMMDD'],
    ['20150229', 'YYYYMMDD'],
    ['19001329', 'YYYYMMDD'],
    ['2015031', 'YYYYMMDD'],
    ['2015-03-01', 'YYYYMMDD'],
    ['', 'YYYYMMDD'],
    ['soon', 'YYYY-MM-DD'],
  ])('%j is not a date in %s', (text, format) => {
    expect(parseDate(text, format)).toBeNull();
  });

  it('still reads the digits of an impossible date, which a typo may have made', () => {
    expect(parseDateParts('19219503', 'YYYYMMDD')).toEqual({ y: 1921, m: 95, d: 3 });
  });

  it('knows the formats it can parse', () => {
    expect(isSupportedDateFormat('YYYYMMDD')).toBe(true);
    expect(isSupportedDateFormat('DD/MM/YYYY')).toBe(true);
    expect(isSupportedDateFormat('YYYYMM')).toBe(false);
    expect(isSupportedDateFormat('YYYY MMM DD')).toBe(false);
    expect(isSupportedDateFormat('DDMMYY')).toBe(false);
  });
});

describe('normalisePostcodeValue', () => {
  it('normalises a UK postcode and splits it for partial comparison', () => {
    expect(normalisePostcodeValue(' sw1a1aa ')).toEqual({
      value: 'SW1A 1AA',
      compact: 'SW1A1AA',
      uk: { area: 'SW', district: 'SW1A', sector: 'SW1A 1', unit: 'SW1A 1AA' },
    });
  });

  it('keeps anything else as upper-case characters, for prefix comparison', () => {
    expect(normalisePostcodeValue('4011')).toEqual({ value: '4011', compact: '4011', uk: null });
    expect(normalisePostcodeValue('75008 ')).toMatchObject({ value: '75008', uk: null });
    expect(normalisePostcodeValue('  ')).toBeNull();
  });
});

describe('normaliseAddress', () => {
  it('expands abbreviations so two spellings of one address agree', () => {
    const a = normaliseAddress('12 High St.');
    const b = normaliseAddress('12 high street');
    expect(a?.key).toBe(b?.key);
    expect(normaliseAddress('4 Park Rd')?.tokens).toEqual(['4', 'park', 'road']);
  });

  it('reads "St" before a name as Saint', () => {
    expect(normaliseAddress('St James Road')?.tokens).toEqual(['saint', 'james', 'road']);
  });

  it('separates house numbers from words and drops street types from the names compared', () => {
    const a = normaliseAddress('69 giblin street killarney');
    expect(a?.numbers).toEqual(['69']);
    expect(a?.words).toEqual(['giblin', 'street', 'killarney']);
    expect(a?.names).toEqual(['giblin', 'killarney']);
    expect(a?.joined).toBe('giblinkillarney');
  });

  it('gives the same key to address lines in another order', () => {
    expect(normaliseAddress('tamar arcade medley street 37')?.key).toBe(
      normaliseAddress('37 medley street tamar arcade')?.key,
    );
  });

  it('treats an empty address as missing', () => {
    expect(normaliseAddress(' , ')).toBeNull();
  });
});

describe('normaliseIdentifier', () => {
  it('drops spacing and case', () => {
    expect(normaliseIdentifier('943 476-5919')).toBe('9434765919');
    expect(normaliseIdentifier('a123/4')).toBe('A1234');
  });
});
