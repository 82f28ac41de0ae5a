import { describe, expect, it } from 'vitest';
import { vetoFor } from './decide.ts';
import {
  corroboratedIdentifier,
  groupConsensus,
  groupExplainsVeto,
  identifiersConfirmTwo,
} from './group-consensus.ts';
import { countTermFrequencies } from './estimate.ts';
import { prepareRecord } from './record.ts';
import type { RawPerson } from './record.ts';

const FLYNN: RawPerson = {
  forename: 'Flynn',
  surname: 'Cresp',
  dateOfBirth: '1976-11-17',
  address: 'Nambucca Street',
  postcode: '2768',
  town: 'Sandy Bay',
  otherIdentifier: '2624663',
};
const record = (changes: Partial<RawPerson> = {}) => prepareRecord({ ...FLYNN, ...changes }, 'YYYY-MM-DD');

describe('groupExplainsVeto', () => {
  it('explains a replaced forename on one record and a replaced number on another', () => {
    const zac = record({ forename: 'Zac' });
    const flyn = record({ forename: 'Flyn', otherIdentifier: '4839140' });
    const group = [record(), record(), record({ surname: 'Cres' }), zac, flyn];
    const consensus = groupConsensus(group);
    expect(consensus).toMatchObject({ forename: 'flynn', identifier: '2624663', dateOfBirth: '19761117' });
    expect(groupExplainsVeto('twins', zac, flyn, consensus, null)).toBe(true);
    expect(groupExplainsVeto('twins', flyn, zac, consensus, null)).toBe(true);
  });

  it('does not explain twins, each with their own name and number', () => {
    const oliver = record({ forename: 'Oliver', otherIdentifier: '7364009' });
    const group = [record(), record(), oliver];
    expect(groupExplainsVeto('twins', record(), oliver, groupConsensus(group), null)).toBe(false);
  });

  it('does not explain numbers one step apart: a twin’s own number, not a slip', () => {
    const yase = record({ forename: 'Yase', otherIdentifier: '1000400' });
    const cormor = record({ forename: 'Cormor', otherIdentifier: '1000400' });
    const cormorOwn = record({ forename: 'Cormor', otherIdentifier: '1000401' });
    const consensus = groupConsensus([yase, cormor, cormorOwn]);
    expect(consensus).toMatchObject({ forename: 'cormor', identifier: '1000400' });
    expect(groupExplainsVeto('twins', yase, cormorOwn, consensus, null)).toBe(false);
  });

  it('needs a majority for both the name and the number', () => {
    const zac = record({ forename: 'Zac' });
    const flyn = record({ forename: 'Flyn', otherIdentifier: '4839140' });
    expect(groupConsensus([zac, flyn]).forename).toBe('');
    expect(groupExplainsVeto('twins', zac, flyn, groupConsensus([zac, flyn]), null)).toBe(false);
    const withoutNumbers = [record({ otherIdentifier: '' }), record({ otherIdentifier: '' }), zac];
    expect(groupConsensus(withoutNumbers).identifier).toBe('2624663');
    const noNumber = record({ forename: 'Zac', otherIdentifier: '' });
    const none = [record({ otherIdentifier: '' }), record({ otherIdentifier: '' }), noNumber];
    expect(
      groupExplainsVeto('twins', record({ otherIdentifier: '' }), noNumber, groupConsensus(none), null),
    ).toBe(false);
  });

  it('explains a replaced forename on one record and a replaced date of birth on another', () => {
    const kyle = record({ forename: 'Kyle' });
    const reborn = record({ dateOfBirth: '1987-08-13' });
    const consensus = groupConsensus([record(), record(), kyle, reborn]);
    expect(groupExplainsVeto('different-person-details', kyle, reborn, consensus, null)).toBe(true);
    // A date one keystroke from the group's is the group's birthday, mistyped: not the split.
    const mistyped = record({ forename: 'Kyle', dateOfBirth: '1976-11-18' });
    expect(groupExplainsVeto('different-person-details', mistyped, reborn, consensus, null)).toBe(true);
  });

  it('explains a replaced forename beside the group’s date and a slip of the date beside the name', () => {
    const flynn = record({ otherIdentifier: '' });
    const mya = record({ forename: 'Mya', address: '23 Nambucca Street', otherIdentifier: '' });
    const slipped = record({ dateOfBirth: '1967-11-17', otherIdentifier: '' });
    expect(vetoFor(mya, slipped, null)?.rule).toBe('different-person-details');
    const consensus = groupConsensus([flynn, flynn, mya, slipped]);
    expect(groupExplainsVeto('different-person-details', mya, slipped, consensus, null)).toBe(true);
  });

  it('does not explain a sibling born on the same day of another year beside a slip of the date', () => {
    const flynn = record({ otherIdentifier: '' });
    const brother = record({ forename: 'Oliver', dateOfBirth: '1977-11-17', otherIdentifier: '' });
    const slipped = record({ dateOfBirth: '1976-11-18', otherIdentifier: '' });
    expect(vetoFor(brother, slipped, null)?.rule).toBe('different-person-details');
    const consensus = groupConsensus([flynn, flynn, brother, slipped]);
    expect(groupExplainsVeto('different-person-details', brother, slipped, consensus, null)).toBe(false);
  });

  it('does not explain siblings, each with their own name and birthday', () => {
    const sister = record({ forename: 'Amelia', dateOfBirth: '1979-02-03' });
    const group = [record(), record(), sister, { ...sister }];
    expect(groupExplainsVeto('different-person-details', record(), sister, groupConsensus(group), null)).toBe(
      false,
    );
    const family = [record(), record(), record(), sister];
    expect(
      groupExplainsVeto('different-person-details', record(), sister, groupConsensus(family), null),
    ).toBe(false);
  });

  it('explains two slips of a name the group holds, with no majority for any spelling', () => {
    const james = record({ forename: 'James', otherIdentifier: '' });
    const jaems = record({ forename: 'Jaems', otherIdentifier: '' });
    const jameg = record({ forename: 'Jameg', otherIdentifier: '' });
    expect(vetoFor(jaems, jameg, null)?.rule).toBe('twins');
    const consensus = groupConsensus([james, jaems, jameg]);
    expect(consensus.forename).toBe('');
    expect(groupExplainsVeto('twins', jaems, jameg, consensus, null)).toBe(true);
  });

  it('does not explain two spellings when the group holds no name they are both slips of', () => {
    const jaems = record({ forename: 'Jaems', otherIdentifier: '' });
    const jameg = record({ forename: 'Jameg', otherIdentifier: '' });
    expect(groupExplainsVeto('twins', jaems, jameg, groupConsensus([jaems, jameg, jaems]), null)).toBe(false);
  });

  it('does not take a name in its own right for a slip of another', () => {
    const james = record({ forename: 'James', otherIdentifier: '' });
    const jamie = record({ forename: 'Jamie', otherIdentifier: '' });
    const jameg = record({ forename: 'Jameg', otherIdentifier: '' });
    expect(groupExplainsVeto('twins', jamie, jameg, groupConsensus([james, jamie, jameg]), null)).toBe(false);
  });

  it('counts a spelling frequent in the file as a name in its own right', () => {
    const james = record({ forename: 'James', otherIdentifier: '' });
    const jaems = record({ forename: 'Jaems', otherIdentifier: '' });
    const jameg = record({ forename: 'Jameg', otherIdentifier: '' });
    const frequencies = countTermFrequencies([
      ...Array.from({ length: 30 }, () => jaems),
      ...Array.from({ length: 100 }, () => james),
    ]);
    const consensus = groupConsensus([james, jaems, jameg]);
    expect(groupExplainsVeto('twins', jaems, jameg, consensus, frequencies)).toBe(false);
  });

  it('never explains a conflict of strong identifiers or a post-adoption record', () => {
    const zac = record({ forename: 'Zac' });
    const flyn = record({ forename: 'Flyn', otherIdentifier: '4839140' });
    const consensus = groupConsensus([record(), record(), zac, flyn]);
    expect(groupExplainsVeto('strong-identifier-conflict', zac, flyn, consensus, null)).toBe(false);
    expect(groupExplainsVeto('post-adoption', zac, flyn, consensus, null)).toBe(false);
  });
});

describe('the group’s number', () => {
  it('counts a slip of the number with it, so one slip does not leave the group without one', () => {
    const group = [record(), record({ otherIdentifier: '2624636' }), record({ otherIdentifier: '7364009' })];
    expect(groupConsensus(group).identifier).toBe('2624663');
    // A record with no forename and the group's number, beside one with the name and a replaced
    // number: each is the person by one detail.
    const nameless = record({ forename: '' });
    const renumbered = record({ otherIdentifier: '7364009' });
    const consensus = groupConsensus([
      record(),
      record({ otherIdentifier: '2624636' }),
      nameless,
      renumbered,
    ]);
    expect(vetoFor(nameless, renumbered, null)?.rule).toBe('twins');
    expect(groupExplainsVeto('twins', nameless, renumbered, consensus, null)).toBe(true);
  });

  it('confirms a number only when two or more of the group’s records carry it', () => {
    expect(
      corroboratedIdentifier([record(), record({ surname: 'Cres' }), record({ otherIdentifier: '7364009' })]),
    ).toBe('2624663');
    expect(corroboratedIdentifier([record()])).toBe('');
    expect(corroboratedIdentifier([record(), record({ otherIdentifier: '7364009' })])).toBe('');
  });

  it('keeps apart two groups that each confirm a number of their own', () => {
    const flynn = [record(), record({ surname: 'Cres' })];
    const nameless = [
      record({ forename: '', otherIdentifier: '2624664' }),
      record({ forename: '', otherIdentifier: '2624664' }),
    ];
    expect(identifiersConfirmTwo(flynn, nameless)).toBe(true);
    // A slip of one number, or a group with one record, is not two people by this test.
    expect(
      identifiersConfirmTwo(flynn, [
        record({ otherIdentifier: '2624636' }),
        record({ otherIdentifier: '2624636' }),
      ]),
    ).toBe(false);
    expect(identifiersConfirmTwo(flynn, [record({ otherIdentifier: '7364009' })])).toBe(false);
  });
});
