import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SourceDefinitionError, parseSourceDefinition, requiredColumns } from './source-definition.ts';

const FEBRL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/febrl/source.json');

describe('parseSourceDefinition', () => {
  it('reads the FEBRL definition that ships with the benchmarks', () => {
    const def = parseSourceDefinition(JSON.parse(fs.readFileSync(FEBRL, 'utf8')));
    expect(def.idColumn).toBe('rec_id');
    expect(def.fields.address).toEqual(['street_number', 'address_1', 'address_2']);
    expect(def.fields.otherIdentifier).toEqual(['soc_sec_id']);
    expect(def.dateFormat).toBe('YYYYMMDD');
    expect(requiredColumns(def)).toContain('soc_sec_id');
    expect(requiredColumns(def)).not.toContain('state_code');
  });

  it('accepts a post-adoption flag column, with default or declared values', () => {
    const base = { id: 'id', fields: { forename: 'f', surname: 's' } };
    expect(parseSourceDefinition({ ...base, postAdoptionFlag: 'adopted' }).postAdoptionFlag).toEqual({
      column: 'adopted',
      values: ['y', 'yes', 'true', '1', 't'],
    });
    expect(
      parseSourceDefinition({ ...base, postAdoptionFlag: { column: 'pa', values: ['POST'] } })
        .postAdoptionFlag,
    ).toEqual({ column: 'pa', values: ['post'] });
  });

  it.each([
    [[], 'must be a JSON object'],
    [{ fields: { forename: 'f' } }, '"id" must name'],
    [{ id: 'id', fields: { forname: 'f' } }, 'unknown field "fields.forname"'],
    [{ id: 'id', fields: { forename: 'f' }, extra: 1 }, 'unknown key "extra"'],
    [{ id: 'id', fields: { forename: '' } }, 'fields.forename[0] must be a non-empty column name'],
    [{ id: 'id', fields: { forename: [] } }, 'fields.forename must be a column name'],
    [{ id: 'id', fields: { town: 't' } }, 'at least one of forename and surname'],
    [{ id: 'id', fields: { forename: 'f' }, dateFormat: 'DDMMYY' }, '"dateFormat" must combine'],
    [
      { id: 'id', fields: { forename: 'f', dateOfBirth: { column: 'd', format: 'YYYY' } } },
      '"fields.dateOfBirth.format" must combine',
    ],
    [
      { id: 'id', fields: { forename: 'f', dateOfBirth: { column: 'd', fmt: 'x' } } },
      'unknown key "fields.dateOfBirth.fmt"',
    ],
    [{ id: 'id', fields: { forename: 'f' }, postAdoptionFlag: 3 }, '"postAdoptionFlag" must be'],
  ])('refuses %j naming the problem', (json, message) => {
    expect(() => parseSourceDefinition(json)).toThrow(SourceDefinitionError);
    expect(() => parseSourceDefinition(json)).toThrow(message);
  });
});
