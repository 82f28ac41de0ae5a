import { describe, expect, it } from 'vitest';
import { makeUpn } from '../children/identifiers/upn.ts';
import {
  decidePair,
  deterministicMatch,
  forenamesClearlyDiffer,
  looksLikeTwins,
  sameOtherIdentifier,
  thresholdsFromProbabilities,
  vetoFor,
} from './decide.ts';
import { prepareRecord } from './record.ts';
import type { RawPerson } from './record.ts';

const person = (raw: RawPerson) => prepareRecord(raw, 'YYYY-MM-DD');
const JACK: RawPerson = {
  forename: 'Jack',
  surname: 'Smith',
  dateOfBirth: '2015-03-01',
  address: '12 High Street',
  postcode: 'LS1 4AB',
  town: 'Leeds',
};
const thresholds = thresholdsFromProbabilities(0.99);

describe('forenamesClearlyDiffer', () => {
  it.each([
    ['jack', 'oliver', true],
    ['jack', 'jake', true],
    ['amelia', 'edward', true],
    ['jack', 'jakc', false],
    ['jack', 'jeck', false],
    ['oliver', 'olivre', false],
    ['christopher', 'christohper', false],
    ['william', 'bill', false],
    ['j', 'jack', false],
    ['', 'jack', false],
  ])('%s / %s: %s', (a, b, expected) => {
    expect(forenamesClearlyDiffer(a, b)).toBe(expected);
  });
});

describe('twins', () => {
  it('keeps apart the same surname, date of birth and address with different forenames', () => {
    const veto = vetoFor(person(JACK), person({ ...JACK, forename: 'Oliver' }));
    expect(veto?.rule).toBe('twins');
    expect(decidePair(person(JACK), person({ ...JACK, forename: 'Oliver' }), 40, thresholds)).toMatchObject({
      decision: 'review',
      veto: { rule: 'twins' },
    });
  });

  it('still links a typo in a twin’s forename to that twin', () => {
    expect(looksLikeTwins(person(JACK), person({ ...JACK, forename: 'Jakc' }))).toBe(false);
    expect(decidePair(person(JACK), person({ ...JACK, forename: 'Jakc' }), 30, thresholds).decision).toBe(
      'link',
    );
  });

  it('tells nickname-related twins apart only by a conflicting identifier', () => {
    const harry = { ...JACK, forename: 'Harry', otherIdentifier: '1002938' };
    const harrison = { ...JACK, forename: 'Harrison', otherIdentifier: '4871120' };
    expect(looksLikeTwins(person(harry), person(harrison))).toBe(true);
    // The next number in sequence is a different identifier too, not a typo.
    expect(looksLikeTwins(person(harry), person({ ...harrison, otherIdentifier: '1002939' }))).toBe(true);
    // Without identifiers, a nickname is the same child (Bill is William).
    expect(
      looksLikeTwins(person({ ...JACK, forename: 'William' }), person({ ...JACK, forename: 'Bill' })),
    ).toBe(false);
  });

  it('is not fooled by a forename and surname swapped', () => {
    expect(looksLikeTwins(person(JACK), person({ ...JACK, forename: 'Smith', surname: 'Jack' }))).toBe(false);
  });

  it('lets an identifier both records share (exactly, or but for one typo) settle it', () => {
    const a = person({ ...JACK, otherIdentifier: '2493383' });
    expect(looksLikeTwins(a, person({ ...JACK, forename: 'Oliver', otherIdentifier: '2493383' }))).toBe(
      false,
    );
    expect(looksLikeTwins(a, person({ ...JACK, forename: 'Oliver', otherIdentifier: '2439383' }))).toBe(
      false,
    );
    expect(looksLikeTwins(a, person({ ...JACK, forename: 'Oliver', otherIdentifier: '2493384' }))).toBe(true);
    expect(looksLikeTwins(a, person({ ...JACK, forename: 'Oliver', otherIdentifier: '7364009' }))).toBe(true);
  });
});

describe('sameOtherIdentifier', () => {
  it('allows one typo but not the next number in sequence', () => {
    expect(sameOtherIdentifier('2493383', '2493383')).toBe(true);
    expect(sameOtherIdentifier('2493383', '2439383')).toBe(true);
    expect(sameOtherIdentifier('2493383', '2493384')).toBe(false);
    expect(sameOtherIdentifier('2493383', '')).toBe(false);
    expect(sameOtherIdentifier('AB123', 'AB124')).toBe(true);
  });
});

describe('strong identifiers', () => {
  it('never auto-links two different valid NHS numbers, whatever else agrees', () => {
    const a = person({ ...JACK, nhsNumber: '9434765919' });
    const b = person({ ...JACK, nhsNumber: '4010232137' });
    expect(decidePair(a, b, 60, thresholds)).toMatchObject({
      decision: 'review',
      veto: { rule: 'strong-identifier-conflict' },
    });
  });

  it('vetoes two different valid UPNs', () => {
    const a = person({ ...JACK, upn: makeUpn(801, 2001, 15, 1) });
    const b = person({ ...JACK, upn: makeUpn(801, 2001, 15, 2) });
    expect(vetoFor(a, b)?.rule).toBe('strong-identifier-conflict');
  });

  it('ignores an invalid NHS number rather than treating it as a conflict', () => {
    const a = person({ ...JACK, nhsNumber: '9434765919' });
    const b = person({ ...JACK, nhsNumber: '9434765918' });
    expect(vetoFor(a, b)).toBeNull();
  });

  it('treats an identifier without a check digit as evidence only, never a veto', () => {
    const a = person({ ...JACK, otherIdentifier: '2493383' });
    const b = person({ ...JACK, otherIdentifier: '7364009' });
    expect(vetoFor(a, b)).toBeNull();
    expect(decidePair(a, b, 20, thresholds).decision).toBe('link');
  });

  it('links the same valid NHS number and date of birth deterministically', () => {
    const a = person({ ...JACK, nhsNumber: '9434765919' });
    const b = person({
      forename: 'J',
      surname: 'Smyth',
      dateOfBirth: '2015-03-01',
      nhsNumber: '943 476 5919',
    });
    expect(deterministicMatch(a, b)).not.toBeNull();
    expect(decidePair(a, b, -5, thresholds)).toMatchObject({
      decision: 'link',
      deterministic: 'same valid NHS number and date of birth',
    });
  });
});

describe('post-adoption', () => {
  it('never links a post-adoption record, however strong the match', () => {
    const a = person({ ...JACK, nhsNumber: '9434765919', postAdoption: true });
    const b = person({ ...JACK, nhsNumber: '9434765919' });
    expect(decidePair(a, b, 80, thresholds)).toMatchObject({
      decision: 'new',
      veto: { rule: 'post-adoption' },
    });
  });
});

describe('siblings', () => {
  it('vetoes clearly different forenames and dates of birth at one address', () => {
    const sibling = person({ ...JACK, forename: 'Emily', dateOfBirth: '2012-07-19' });
    expect(vetoFor(person(JACK), sibling)?.rule).toBe('different-person-details');
  });

  it('holds a pair for review when only household details agree and a personal one differs', () => {
    const noDate = person({ ...JACK, forename: 'Emily', dateOfBirth: '' });
    const decision = decidePair(person(JACK), noDate, 25, thresholds);
    expect(decision.decision).toBe('review');
    expect(decision.hold).toMatch(/household/);
  });

  it('links on household details when personal ones are only missing', () => {
    const bare = person({ ...JACK, forename: '', dateOfBirth: '' });
    expect(decidePair(person(JACK), bare, 25, thresholds).decision).toBe('link');
  });
});

describe('thresholds', () => {
  it('turn probabilities into match weights', () => {
    expect(thresholdsFromProbabilities(0.99).linkWeight).toBeCloseTo(Math.log2(99), 9);
    expect(thresholdsFromProbabilities(0.99).reviewWeight).toBe(0);
    expect(decidePair(person(JACK), person(JACK), 6, thresholds).decision).toBe('review');
    expect(decidePair(person(JACK), person(JACK), -1, thresholds).decision).toBe('new');
  });
});
