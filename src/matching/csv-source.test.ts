import { describe, expect, it } from 'vitest';
import { item } from './arrays.ts';
import { CsvSourceError, readCsvSource } from './csv-source.ts';
import { SourceDefinitionError, parseSourceDefinition } from './source-definition.ts';

const def = parseSourceDefinition({
  id: 'rec_id',
  fields: {
    forename: 'given_name',
    surname: 'surname',
    address: ['street_number', 'address_1'],
    dateOfBirth: { column: 'dob', format: 'YYYYMMDD' },
    otherIdentifier: 'ssn',
    nhsNumber: 'nhs',
  },
  postAdoptionFlag: 'post_adoption',
});

const HEADER = 'rec_id, given_name, surname, street_number, address_1, dob, ssn, nhs, post_adoption';

describe('readCsvSource', () => {
  it('reads values after a comma and a space the same as without', () => {
    const spaced = readCsvSource(
      `${HEADER}\nr1, Jack, Smith, 12, high street, 20150301, 123, , \n`,
      def,
      'a',
    );
    const tight = readCsvSource(
      `${HEADER.replace(/, /g, ',')}\nr1,Jack,Smith,12,high street,20150301,123,,\n`,
      def,
      'b',
    );
    expect(spaced).toEqual(tight);
    expect(spaced.ids).toEqual(['r1']);
    expect(spaced.records[0]?.forename1).toBe('jack');
    expect(spaced.records[0]?.address?.tokens).toEqual(['12', 'high', 'street']);
  });

  it('treats a blank or single-space value as missing', () => {
    const { records } = readCsvSource(`${HEADER}\nr1, , Smith,  , , 20150301, , ,\n`, def, 'a');
    const r = item(records, 0);
    expect(r.forename1).toBe('');
    expect(r.address).toBeNull();
    expect(r.otherIdentifier).toBe('');
    expect(r.nhsNumber).toBe('');
  });

  it('keeps only check-digit-valid NHS numbers', () => {
    const { records } = readCsvSource(
      `${HEADER}\nr1,a,b,,,,,943 476 5919,\nr2,a,b,,,,,9434765918,\n`,
      def,
      'a',
    );
    expect(records.map((r) => r.nhsNumber)).toEqual(['9434765919', '']);
  });

  it('reads the post-adoption flag', () => {
    const { records } = readCsvSource(`${HEADER}\nr1,a,b,,,,,,Y\nr2,a,b,,,,,,n\nr3,a,b,,,,,,\n`, def, 'a');
    expect(records.map((r) => r.postAdoption)).toEqual([true, false, false]);
  });

  it('names a column the definition needs but the file lacks', () => {
    expect(() => readCsvSource('rec_id,given_name\nr1,a\n', def, 'people.csv')).toThrow(
      SourceDefinitionError,
    );
    expect(() => readCsvSource('rec_id,given_name\nr1,a\n', def, 'people.csv')).toThrow(
      'the source definition reads column "surname", which people.csv does not have',
    );
  });

  it('refuses an empty file and unreadable CSV', () => {
    expect(() => readCsvSource('', def, 'empty.csv')).toThrow(CsvSourceError);
    expect(() => readCsvSource(`${HEADER}\n"r1,a\n`, def, 'bad.csv')).toThrow(CsvSourceError);
  });

  it('accepts a file with a header and no rows', () => {
    expect(readCsvSource(`${HEADER}\n`, def, 'a')).toEqual({ ids: [], records: [] });
  });
});
