import { describe, expect, it } from 'vitest';
import { namelessRecords } from './nameless.ts';
import { prepareRecord } from './record.ts';
import type { RawPerson } from './record.ts';

const YAWI: RawPerson = {
  forename: 'Yawi',
  surname: 'Holtigecar',
  dateOfBirth: '2021-05-25',
  address: '185 Damo Crescent',
  postcode: 'LX13 5AZ',
};
const record = (changes: Partial<RawPerson> = {}) => prepareRecord({ ...YAWI, ...changes }, 'YYYY-MM-DD');

describe('namelessRecords', () => {
  it('finds records with no forename, or only the family name in the forename field', () => {
    const records = [
      record(),
      record({ forename: '' }),
      record({ forename: 'Holtigecar', surname: '' }),
      record({ forename: 'Hlotigecar', surname: '' }),
      record({ forename: 'Yawi', surname: '' }),
    ];
    expect(namelessRecords(records)).toEqual([false, true, true, true, false]);
  });

  it('counts an identifier as enough to tell twins apart', () => {
    const records = [record(), record({ forename: '', otherIdentifier: '1000400' })];
    expect(namelessRecords(records)).toEqual([false, false]);
  });
});
