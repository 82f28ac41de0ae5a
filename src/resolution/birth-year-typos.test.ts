import { describe, expect, it } from 'vitest';
import { birthYearTypos } from './birth-year-typos.ts';

describe('birthYearTypos', () => {
  it('gives the same day in each year one digit or one swap away, up to the latest year', () => {
    expect(birthYearTypos('2014-03-09', 2026)).toEqual([
      '2004-03-09',
      '2010-03-09',
      '2011-03-09',
      '2012-03-09',
      '2013-03-09',
      '2015-03-09',
      '2016-03-09',
      '2017-03-09',
      '2018-03-09',
      '2019-03-09',
      '2024-03-09',
    ]);
  });

  it('includes a swap of the last two digits when that year has passed', () => {
    expect(birthYearTypos('2021-06-01', 2026)).toContain('2012-06-01');
  });

  it('leaves out years in which the day does not exist', () => {
    const typos = birthYearTypos('2016-02-29', 2026);
    expect(typos).toEqual(['2012-02-29']);
  });

  it('gives nothing for a value that is not a date', () => {
    expect(birthYearTypos('', 2026)).toEqual([]);
    expect(birthYearTypos('09/03/2014', 2026)).toEqual([]);
  });
});
