import { describe, expect, it } from 'vitest';
import { distinctEstablishedNames } from './common-forenames.ts';
import { spellingKey } from './spelling-key.ts';

describe('distinctEstablishedNames', () => {
  it.each([
    ['amelia', 'amelie'],
    ['ella', 'ellie'],
    ['ava', 'eva'],
    ['oliver', 'olivia'],
    ['harry', 'harvey'],
  ])('%s and %s are two names', (a, b) => {
    expect(distinctEstablishedNames(a, b, null)).toBe(true);
  });

  it.each([
    ['hanna', 'hannah'],
    ['finley', 'finlay'],
    ['darcy', 'darcie'],
    ['ayan', 'ayaan'],
    ['ana', 'anna'],
    ['gabriela', 'gabriella'],
    ['maryam', 'mariam'],
    ['ruby', 'rubie'],
  ])('%s and %s are one name spelt two ways', (a, b) => {
    expect(spellingKey(a)).toBe(spellingKey(b));
    expect(distinctEstablishedNames(a, b, null)).toBe(false);
  });

  it.each([
    ['amelia', 'ameila'],
    ['ali', 'al'],
    ['jack', 'jakc'],
  ])('%s and %s are a name and its typing error', (a, b) => {
    expect(distinctEstablishedNames(a, b, null)).toBe(false);
  });
});
