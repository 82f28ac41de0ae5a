import { describe, expect, it } from 'vitest';
import { groupConsensus, groupExplainsTwinsVeto } from './group-consensus.ts';
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

describe('groupExplainsTwinsVeto', () => {
  it('explains a replaced forename on one record and a replaced number on another', () => {
    const zac = record({ forename: 'Zac' });
    const flyn = record({ forename: 'Flyn', otherIdentifier: '4839140' });
    const group = [record(), record(), record({ surname: 'Cres' }), zac, flyn];
    const consensus = groupConsensus(group);
    expect(consensus).toEqual({ forename: 'flynn', identifier: '2624663' });
    expect(groupExplainsTwinsVeto(zac, flyn, consensus)).toBe(true);
    expect(groupExplainsTwinsVeto(flyn, zac, consensus)).toBe(true);
  });

  it('does not explain twins, each with their own name and number', () => {
    const oliver = record({ forename: 'Oliver', otherIdentifier: '7364009' });
    const group = [record(), record(), oliver];
    expect(groupExplainsTwinsVeto(record(), oliver, groupConsensus(group))).toBe(false);
  });

  it('does not explain numbers one step apart: a twin’s own number, not a slip', () => {
    const yase = record({ forename: 'Yase', otherIdentifier: '1000400' });
    const cormor = record({ forename: 'Cormor', otherIdentifier: '1000400' });
    const cormorOwn = record({ forename: 'Cormor', otherIdentifier: '1000401' });
    const consensus = groupConsensus([yase, cormor, cormorOwn]);
    expect(consensus).toEqual({ forename: 'cormor', identifier: '1000400' });
    expect(groupExplainsTwinsVeto(yase, cormorOwn, consensus)).toBe(false);
  });

  it('needs a majority for both the name and the number', () => {
    const zac = record({ forename: 'Zac' });
    const flyn = record({ forename: 'Flyn', otherIdentifier: '4839140' });
    expect(groupConsensus([zac, flyn]).forename).toBe('');
    expect(groupExplainsTwinsVeto(zac, flyn, groupConsensus([zac, flyn]))).toBe(false);
    const withoutNumbers = [record({ otherIdentifier: '' }), record({ otherIdentifier: '' }), zac];
    expect(groupConsensus(withoutNumbers).identifier).toBe('2624663');
    const noNumber = record({ forename: 'Zac', otherIdentifier: '' });
    const none = [record({ otherIdentifier: '' }), record({ otherIdentifier: '' }), noNumber];
    expect(groupExplainsTwinsVeto(record({ otherIdentifier: '' }), noNumber, groupConsensus(none))).toBe(
      false,
    );
  });
});
