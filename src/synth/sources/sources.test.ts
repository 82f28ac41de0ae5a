import { describe, expect, it } from 'vitest';
import { generatePopulation } from '../population.ts';
import type { Child } from '../population.ts';
import { createNhsSource } from './nhs.ts';
import { createSchoolSource } from './school.ts';

function someChildren(count: number): Child[] {
  const children: Child[] = [];
  for (const household of generatePopulation({ children: count, seed: 'sources' }))
    children.push(...household.children);
  return children;
}

describe('NHS source', () => {
  it('leaves out a child with no NHS number (once the 999 test range is used up)', () => {
    const nhs = createNhsSource('sources');
    const rows = someChildren(200).flatMap((child) => nhs.rowsFor({ ...child, nhsNumber: null }));
    expect(rows).toEqual([]);
  });

  it('uses NHS gender codes and ISO dates', () => {
    const nhs = createNhsSource('sources');
    const rows = someChildren(500).flatMap((child) => nhs.rowsFor(child));
    const gender = nhs.columns.indexOf('gender');
    const birth = nhs.columns.indexOf('birth_date');
    const codes = rows.map((row) => row.fields[gender]);
    expect(codes.every((code) => code === '1' || code === '2' || code === '0')).toBe(true);
    expect(codes.filter((code) => code === '0').length).toBeLessThan(5);
    for (const row of rows) expect(row.fields[birth]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('school census', () => {
  it('lists only pupils on roll, in Reception to Year 13', () => {
    const census = createSchoolSource('sources');
    const children = someChildren(2000);
    const ncy = census.columns.indexOf('ncy');
    for (const child of children) {
      const rows = census.rowsFor(child);
      if (child.school === null) expect(rows).toEqual([]);
      for (const row of rows) expect(row.fields[ncy]).toMatch(/^(R|[1-9]|1[0-3])$/);
    }
  });
});
