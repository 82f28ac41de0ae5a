import { describe, expect, it } from 'vitest';
import { makeUpn } from '../children/identifiers/upn.ts';
import {
  FILE_TWINS,
  INDEX_TWINS,
  bornApart,
  decidePair,
  deterministicMatch,
  forenamesClearlyDiffer,
  looksLikeTwins,
  mayBeTwins,
  namesUnrelated,
  sameOtherIdentifier,
  shareTheirForename,
  thresholdsFromProbabilities,
  vetoFor,
} from './decide.ts';
import { prepareFileRecord, prepareRecord } from './record.ts';
import type { MatchRecord, RawPerson } from './record.ts';

// Read as a file's records: the file-only rules need their details as written.
const person = (raw: RawPerson) => prepareFileRecord(raw, 'YYYY-MM-DD');
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
    const veto = vetoFor(person(JACK), person({ ...JACK, forename: 'Oliver' }), null);
    expect(veto?.rule).toBe('twins');
    expect(
      decidePair(person(JACK), person({ ...JACK, forename: 'Oliver' }), 40, thresholds, null),
    ).toMatchObject({
      decision: 'review',
      veto: { rule: 'twins' },
    });
  });

  it('keeps twins apart when one twin’s date of birth has day and month swapped', () => {
    const eva = person({ ...JACK, forename: 'Eva', dateOfBirth: '2021-03-01' });
    expect(vetoFor(eva, person({ ...JACK, forename: 'Ava', dateOfBirth: '2021-01-03' }), null)?.rule).toBe(
      'twins',
    );
    // The same child written the other way round is still one child.
    expect(looksLikeTwins(eva, person({ ...JACK, forename: 'Eva', dateOfBirth: '2021-01-03' }), null)).toBe(
      false,
    );
  });

  it('still links a typo in a twin’s forename to that twin', () => {
    expect(looksLikeTwins(person(JACK), person({ ...JACK, forename: 'Jakc' }), null)).toBe(false);
    expect(
      decidePair(person(JACK), person({ ...JACK, forename: 'Jakc' }), 30, thresholds, null).decision,
    ).toBe('link');
  });

  it('keeps apart twins named alike when each spelling is a name in its own right', () => {
    for (const [a, b] of [
      ['Amelia', 'Amelie'],
      ['Oliver', 'Olivia'],
      ['Ava', 'Eva'],
      ['Leo', 'Theo'],
      ['Harry', 'Harvey'],
      ['Ella', 'Ellie'],
    ] as const) {
      const first = person({ ...JACK, forename: a });
      const second = person({ ...JACK, forename: b });
      expect(vetoFor(first, second, null)?.rule, `${a} / ${b}`).toBe('twins');
      expect(decidePair(first, second, 40, thresholds, null).decision).not.toBe('link');
    }
  });

  it('links one child whose name is spelt two ways that sound alike (Finley and Finlay)', () => {
    const finley = person({ ...JACK, forename: 'Finley' });
    expect(vetoFor(finley, person({ ...JACK, forename: 'Finlay' }), null)).toBeNull();
    expect(
      decidePair(
        person({ ...JACK, forename: 'Hannah' }),
        person({ ...JACK, forename: 'Hanna' }),
        30,
        thresholds,
        null,
      ).decision,
    ).toBe('link');
  });

  it('keeps apart twins called by two short forms of one name (Alfie and Freddie)', () => {
    const alfie = person({ ...JACK, forename: 'Alfie' });
    expect(vetoFor(alfie, person({ ...JACK, forename: 'Freddie' }), null)?.rule).toBe('twins');
    // A short form beside the name itself is one child.
    expect(vetoFor(alfie, person({ ...JACK, forename: 'Alfred' }), null)).toBeNull();
  });

  it('tells when forename and surname both differ with nothing else but the household in common', () => {
    const gabriela = person({ ...JACK, forename: 'Gabriela', surname: 'Monfold' });
    expect(namesUnrelated(gabriela, person({ ...JACK, forename: 'Isabelle', surname: 'Brader' }))).toBe(true);
    // A name moved to the other field, a part of a double surname, or a shared identifier relate them.
    expect(namesUnrelated(gabriela, person({ ...JACK, forename: 'Monfold', surname: 'Brader' }))).toBe(false);
    const power = person({ ...JACK, forename: 'Ellis', surname: 'Power-Roxerstone' });
    expect(namesUnrelated(power, person({ ...JACK, forename: 'Elena', surname: 'Power' }))).toBe(false);
    const withId = { ...JACK, otherIdentifier: '2493383' };
    expect(
      namesUnrelated(
        person({ ...withId, forename: 'Gabriela', surname: 'Monfold' }),
        person({ ...withId, forename: 'Isabelle', surname: 'Brader' }),
      ),
    ).toBe(false);
  });

  it('reads a spelling as a name of its own from its frequency in the data, not as a typo', () => {
    const tahlia = person({ ...JACK, forename: 'Tahlia' });
    const thalia = person({ ...JACK, forename: 'Thalia' });
    const counts = (tahliaCount: number, thaliaCount: number) => ({
      forename: new Map([
        ['tahlia', tahliaCount],
        ['thalia', thaliaCount],
      ]),
      surname: new Map<string, number>(),
      total: 100_000,
    });
    // Two names given to children, each turning up often: twins.
    expect(looksLikeTwins(tahlia, thalia, counts(40, 25))).toBe(true);
    // Met once, or at a sliver of the other name's frequency: a typing error of it.
    expect(looksLikeTwins(tahlia, thalia, counts(40, 1))).toBe(false);
    expect(looksLikeTwins(tahlia, thalia, counts(5_000, 20))).toBe(false);
    expect(looksLikeTwins(tahlia, thalia, null)).toBe(false);
  });

  it('still links a twin’s mistyped common name to that twin', () => {
    const amelia = person({ ...JACK, forename: 'Amelia' });
    for (const typo of ['Ameila', 'Amelai', 'Amlia']) {
      const mistyped = person({ ...JACK, forename: typo });
      expect(looksLikeTwins(amelia, mistyped, null), typo).toBe(false);
      expect(decidePair(amelia, mistyped, 30, thresholds, null).decision).toBe('link');
    }
  });

  it('tells nickname-related twins apart only by a conflicting identifier', () => {
    const harry = { ...JACK, forename: 'Harry', otherIdentifier: '1002938' };
    const harrison = { ...JACK, forename: 'Harrison', otherIdentifier: '4871120' };
    expect(looksLikeTwins(person(harry), person(harrison), null)).toBe(true);
    // The next number in sequence is a different identifier too, not a typo.
    expect(looksLikeTwins(person(harry), person({ ...harrison, otherIdentifier: '1002939' }), null)).toBe(
      true,
    );
    // Without identifiers, a nickname is the same child (Bill is William).
    expect(
      looksLikeTwins(person({ ...JACK, forename: 'William' }), person({ ...JACK, forename: 'Bill' }), null),
    ).toBe(false);
  });

  it('reads two spellings of a short name with two identifiers as twins (Isla and Isluca)', () => {
    const isla = person({ ...JACK, forename: 'Isla', otherIdentifier: '1002537' });
    const isluca = person({ ...JACK, forename: 'Isluca', otherIdentifier: '1002538' });
    expect(looksLikeTwins(isla, isluca, null)).toBe(true);
    // One slip of the keyboard in the name is still that child, whatever the identifier says.
    const isal = person({ ...JACK, forename: 'Isal', otherIdentifier: '5531986' });
    expect(looksLikeTwins(isla, isal, null)).toBe(false);
  });

  it('reads a name beside its nickname as twins in a file of people, one child in the index', () => {
    for (const [a, b] of [
      ['Harry', 'Henry'],
      ['Harry', 'Harrison'],
      ['Teddy', 'Edward'],
      ['Bill', 'William'],
    ] as const) {
      const first = person({ ...JACK, forename: a });
      const second = person({ ...JACK, forename: b });
      expect(vetoFor(first, second, null, FILE_TWINS)?.rule, `${a} / ${b}`).toBe('twins');
      expect(decidePair(first, second, 40, thresholds, null, FILE_TWINS).decision).not.toBe('link');
      expect(vetoFor(first, second, null), `${a} / ${b} in the index`).toBeNull();
    }
    // With the surname mistyped the pair is perhaps twins: enough to hold back a record fitting both.
    expect(
      mayBeTwins(
        person({ ...JACK, forename: 'Harry', surname: 'Smiht' }),
        person({ ...JACK, forename: 'Henry' }),
        null,
        FILE_TWINS,
      ),
    ).toBe(true);
  });

  it('reads a common name beside a spelling that is not its typo as twins in a file (Isla, Isluca)', () => {
    const isla = person({ ...JACK, forename: 'Isla' });
    const isluca = person({ ...JACK, forename: 'Isluca' });
    expect(looksLikeTwins(isla, isluca, null, FILE_TWINS)).toBe(true);
    expect(looksLikeTwins(isla, isluca, null)).toBe(false);
  });

  it('still links one person in a file whose forename is mistyped, spaced, spelt otherwise or an initial', () => {
    for (const [a, b] of [
      ['Jack', 'Jakc'],
      ['Jack', 'Ja ck'],
      ['Benjamin', 'Benj amin'],
      ['Amelia', 'Amlia'],
      ['Finley', 'Finlay'],
      ['Jack', 'J'],
    ] as const) {
      const first = person({ ...JACK, forename: a });
      const second = person({ ...JACK, forename: b });
      expect(vetoFor(first, second, null, FILE_TWINS), `${a} / ${b}`).toBeNull();
      expect(decidePair(first, second, 30, thresholds, null, FILE_TWINS).decision, `${a} / ${b}`).toBe(
        'link',
      );
    }
  });

  it('reads a retyped record alone under another forename as that name replaced, in a file only', () => {
    const jack = person(JACK);
    const oliver = person({ ...JACK, forename: 'Oliver' });
    const retyped = person({ ...JACK, forename: 'Oliver', town: 'Lededs' });
    const olivia = person({ ...JACK, forename: 'Olivia', address: '12 Hihg Street' });
    const lone = (...records: MatchRecord[]) => ({
      ...FILE_TWINS,
      loneName: (r: MatchRecord) => records.includes(r),
    });
    // Another detail written differently and no other record under that name: one person.
    expect(vetoFor(jack, retyped, null, lone(retyped))).toBeNull();
    expect(vetoFor(jack, olivia, null, lone(jack))).toBeNull();
    // Copied character for character but the forename: a twin, alone or not.
    expect(vetoFor(jack, oliver, null, lone(oliver))?.rule).toBe('twins');
    // Both names have company: a twin's own records, however typed.
    expect(vetoFor(jack, retyped, null, lone())?.rule).toBe('twins');
    // Numbers that are not one mistyped, two sexes, or the index: the twins rule stands.
    const numbered = person({ ...JACK, forename: 'Oliver', town: 'Lededs', otherIdentifier: '1000400' });
    const numberedJack = person({ ...JACK, otherIdentifier: '5550101' });
    expect(vetoFor(numberedJack, numbered, null, lone(numbered))?.rule).toBe('twins');
    // A nickname keeps its name company: twins called Teddy and Edward are never alone under theirs.
    const edward = person({ ...JACK, forename: 'Edward', town: 'Lededs' });
    expect(shareTheirForename(person({ ...JACK, forename: 'Teddy' }), edward)).toBe(true);
    const boy = person({ ...JACK, gender: 'M' });
    const girl = person({ ...JACK, forename: 'Olivia', gender: 'F', town: 'Lededs' });
    expect(vetoFor(boy, girl, null, lone(boy, girl))?.rule).toBe('twins');
    // A slip that only the file's own names tell from a name (Sarah, Ssaarh) is read the same way.
    const ssaarh = person({ ...JACK, forename: 'Ssaarh', town: 'Lededs' });
    expect(vetoFor(person({ ...JACK, forename: 'Sarah' }), ssaarh, null, lone(ssaarh))).toBeNull();
    expect(vetoFor(jack, retyped, null, { ...INDEX_TWINS, loneName: () => true })?.rule).toBe('twins');
    // A record not read from a file keeps no details as written: it is taken for a copy.
    const indexRecord = prepareRecord({ ...JACK, forename: 'Oliver', town: 'Lededs' }, 'YYYY-MM-DD');
    expect(vetoFor(jack, indexRecord, null, lone(indexRecord))?.rule).toBe('twins');
  });

  it('reads a forename with a space or hyphen moved as one name (Alexa-Rose, Alex-Arose)', () => {
    const first = person({ ...JACK, forename: 'Alexa-Rose' });
    const second = person({ ...JACK, forename: 'Alex-Arose', town: 'Lededs' });
    expect(vetoFor(first, second, null, FILE_TWINS)).toBeNull();
  });

  it('keeps the twins rule when the surname or the date of birth is missing from both records', () => {
    const noSurname = { ...JACK, surname: '' };
    expect(vetoFor(person(noSurname), person({ ...noSurname, forename: 'Oliver' }), null)?.rule).toBe(
      'twins',
    );
    const noBirthday = { ...JACK, dateOfBirth: '' };
    expect(vetoFor(person(noBirthday), person({ ...noBirthday, forename: 'Oliver' }), null)?.rule).toBe(
      'twins',
    );
    // Missing from one record only, it is not "the same": the score and the other rules decide.
    expect(looksLikeTwins(person(JACK), person({ ...noBirthday, forename: 'Oliver' }), null)).toBe(false);
  });

  it('reads a record with no forename and a number that disagrees as the other twin', () => {
    const jack = { ...JACK, otherIdentifier: '1002856' };
    const nameless = { ...jack, forename: '' };
    expect(vetoFor(person(jack), person({ ...nameless, otherIdentifier: '1002857' }), null)?.rule).toBe(
      'twins',
    );
    expect(vetoFor(person(jack), person({ ...nameless, otherIdentifier: '7364009' }), null)?.rule).toBe(
      'twins',
    );
    // The same number, a slip of it, or no number: nothing says two children.
    expect(vetoFor(person(jack), person(nameless), null)).toBeNull();
    expect(vetoFor(person(jack), person({ ...nameless, otherIdentifier: '1012856' }), null)).toBeNull();
    expect(vetoFor(person(JACK), person({ ...JACK, forename: '' }), null)).toBeNull();
  });

  it('is not fooled by a forename and surname swapped', () => {
    expect(looksLikeTwins(person(JACK), person({ ...JACK, forename: 'Smith', surname: 'Jack' }), null)).toBe(
      false,
    );
  });

  it('lets an identifier both records share (exactly, or but for one typo) settle it', () => {
    const a = person({ ...JACK, otherIdentifier: '2493383' });
    expect(looksLikeTwins(a, person({ ...JACK, forename: 'Oliver', otherIdentifier: '2493383' }), null)).toBe(
      false,
    );
    expect(looksLikeTwins(a, person({ ...JACK, forename: 'Oliver', otherIdentifier: '2439383' }), null)).toBe(
      false,
    );
    expect(looksLikeTwins(a, person({ ...JACK, forename: 'Oliver', otherIdentifier: '2493384' }), null)).toBe(
      true,
    );
    expect(looksLikeTwins(a, person({ ...JACK, forename: 'Oliver', otherIdentifier: '7364009' }), null)).toBe(
      true,
    );
  });
});

describe('mayBeTwins', () => {
  const reggie = person({ ...JACK, forename: 'Reggie', surname: 'Hill' });
  it('allows a typo in the surname, the date of birth or the house number', () => {
    expect(mayBeTwins(reggie, person({ ...JACK, forename: 'Freddie', surname: 'Hlil' }), null)).toBe(true);
    expect(
      mayBeTwins(
        reggie,
        person({ ...JACK, forename: 'Freddie', surname: 'Hill', dateOfBirth: '2015-03-07' }),
        null,
      ),
    ).toBe(true);
    expect(
      mayBeTwins(
        reggie,
        person({ ...JACK, forename: 'Freddie', surname: 'Hill', address: '13 High Street' }),
        null,
      ),
    ).toBe(true);
    // Only the strict rule forbids the link.
    expect(looksLikeTwins(reggie, person({ ...JACK, forename: 'Freddie', surname: 'Hlil' }), null)).toBe(
      false,
    );
  });

  it('needs clearly different forenames and no identifier in common', () => {
    expect(mayBeTwins(reggie, person({ ...JACK, forename: 'Regigie', surname: 'Hlil' }), null)).toBe(false);
    expect(mayBeTwins(reggie, person({ ...JACK, forename: '', surname: 'Hlil' }), null)).toBe(false);
    const withId = person({ ...JACK, forename: 'Reggie', surname: 'Hill', otherIdentifier: '2493383' });
    const other = { ...JACK, forename: 'Freddie', surname: 'Hlil' };
    expect(mayBeTwins(withId, person({ ...other, otherIdentifier: '2493383' }), null)).toBe(false);
    expect(mayBeTwins(reggie, person({ ...other, surname: 'Hughes' }), null)).toBe(false);
    expect(mayBeTwins(reggie, person({ ...other, dateOfBirth: '2016-08-21' }), null)).toBe(false);
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
    expect(decidePair(a, b, 60, thresholds, null)).toMatchObject({
      decision: 'review',
      veto: { rule: 'strong-identifier-conflict' },
    });
  });

  it('vetoes two different valid UPNs', () => {
    const a = person({ ...JACK, upn: makeUpn(801, 2001, 15, 1) });
    const b = person({ ...JACK, upn: makeUpn(801, 2001, 15, 2) });
    expect(vetoFor(a, b, null)?.rule).toBe('strong-identifier-conflict');
  });

  it('ignores an invalid NHS number rather than treating it as a conflict', () => {
    const a = person({ ...JACK, nhsNumber: '9434765919' });
    const b = person({ ...JACK, nhsNumber: '9434765918' });
    expect(vetoFor(a, b, null)).toBeNull();
  });

  it('treats an identifier without a check digit as evidence only, never a veto', () => {
    const a = person({ ...JACK, otherIdentifier: '2493383' });
    const b = person({ ...JACK, otherIdentifier: '7364009' });
    expect(vetoFor(a, b, null)).toBeNull();
    expect(decidePair(a, b, 20, thresholds, null).decision).toBe('link');
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
    expect(decidePair(a, b, -5, thresholds, null)).toMatchObject({
      decision: 'link',
      deterministic: 'same valid NHS number and date of birth',
    });
  });
});

describe('post-adoption', () => {
  it('never links a post-adoption record, however strong the match', () => {
    const a = person({ ...JACK, nhsNumber: '9434765919', postAdoption: true });
    const b = person({ ...JACK, nhsNumber: '9434765919' });
    expect(decidePair(a, b, 80, thresholds, null)).toMatchObject({
      decision: 'new',
      veto: { rule: 'post-adoption' },
    });
  });
});

describe('siblings', () => {
  it('vetoes clearly different forenames and dates of birth at one address', () => {
    const sibling = person({ ...JACK, forename: 'Emily', dateOfBirth: '2012-07-19' });
    expect(vetoFor(person(JACK), sibling, null)?.rule).toBe('different-person-details');
  });

  it('vetoes siblings given related names (Liam and William) when their dates of birth differ', () => {
    const liam = person({ ...JACK, forename: 'Liam', dateOfBirth: '2007-11-13' });
    const william = person({ ...JACK, forename: 'William', dateOfBirth: '2009-09-10' });
    expect(vetoFor(liam, william, null)?.rule).toBe('different-person-details');
    const maria = person({ ...JACK, forename: 'Maria', dateOfBirth: '2019-10-26' });
    const mariam = person({ ...JACK, forename: 'Mariam', dateOfBirth: '2015-05-01' });
    expect(decidePair(maria, mariam, 25, thresholds, null).decision).not.toBe('link');
  });

  it('vetoes siblings with different forenames born on the same day of different years', () => {
    const olivia = person({ ...JACK, forename: 'Olivia', dateOfBirth: '2023-10-24' });
    const lucas = person({ ...JACK, forename: 'Lucas', dateOfBirth: '2020-10-24' });
    expect(vetoFor(olivia, lucas, null)?.rule).toBe('different-person-details');
    // The same forename with one digit of the date mistyped is one child.
    expect(
      vetoFor(olivia, person({ ...JACK, forename: 'Olivia', dateOfBirth: '2023-10-27' }), null),
    ).toBeNull();
  });

  it('still links one child whose date of birth was replaced, when the forename agrees or is mistyped', () => {
    const charlotte = person({ ...JACK, forename: 'Charlotte', dateOfBirth: '2011-04-02' });
    for (const forename of ['Charlotte', 'Charlote']) {
      const replaced = person({ ...JACK, forename, dateOfBirth: '2013-09-17' });
      expect(vetoFor(charlotte, replaced, null), forename).toBeNull();
    }
    // The same related names with the same date of birth are one child under a nickname.
    const liam = person({ ...JACK, forename: 'Liam', dateOfBirth: '2007-11-13' });
    expect(
      vetoFor(liam, person({ ...JACK, forename: 'William', dateOfBirth: '2007-11-13' }), null),
    ).toBeNull();
  });

  it('reads a birthday given as the 1st of the same month as the same date, not a sibling’s', () => {
    const jack = person({ ...JACK, dateOfBirth: '2015-11-25' });
    expect(bornApart(jack, person({ ...JACK, dateOfBirth: '2015-11-01' }))).toBe(false);
    expect(vetoFor(jack, person({ ...JACK, dateOfBirth: '2015-11-01' }), null)).toBeNull();
    expect(bornApart(jack, person({ ...JACK, dateOfBirth: '2015-10-01' }))).toBe(true);
    expect(bornApart(jack, person({ ...JACK, dateOfBirth: '2016-11-01' }))).toBe(true);
    expect(bornApart(jack, person({ ...JACK, dateOfBirth: '2015-11-09' }))).toBe(true);
  });

  it('holds a pair for review when only household details agree and a personal one differs', () => {
    const noDate = person({ ...JACK, forename: 'Emily', dateOfBirth: '' });
    const decision = decidePair(person(JACK), noDate, 25, thresholds, null);
    expect(decision.decision).toBe('review');
    expect(decision.hold).toMatch(/household/);
  });

  it('links on household details when personal ones are only missing', () => {
    const bare = person({ ...JACK, forename: '', dateOfBirth: '' });
    expect(decidePair(person(JACK), bare, 25, thresholds, null).decision).toBe('link');
  });
});

describe('thresholds', () => {
  it('turn probabilities into match weights', () => {
    expect(thresholdsFromProbabilities(0.99).linkWeight).toBeCloseTo(Math.log2(99), 9);
    expect(thresholdsFromProbabilities(0.99).reviewWeight).toBe(0);
    expect(decidePair(person(JACK), person(JACK), 6, thresholds, null).decision).toBe('review');
    expect(decidePair(person(JACK), person(JACK), -1, thresholds, null).decision).toBe('new');
  });
});
