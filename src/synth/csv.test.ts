import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvFile, ShuffledCsvFile, csvLine } from './csv.ts';
import { Rng } from './random.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'synth-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('csvLine', () => {
  it('quotes only what needs quoting and round-trips through csv-parse', () => {
    const fields = ['plain', 'Flat 3, 27 Oak Road', 'say "hi"', 'two\nlines', '', "O'Brien", 'Zoë Wójcik'];
    expect(csvLine(['a', 'b'])).toBe('a,b\n');
    expect(parse(csvLine(fields))).toEqual([fields]);
  });
});

describe('CsvFile', () => {
  it('writes a header and every row, counting rows', async () => {
    const path = join(dir, 'plain.csv');
    const file = new CsvFile(path, ['n', 'text']);
    for (let i = 0; i < 50_000; i++) file.writeRow([String(i), `row, ${i}`]);
    await file.drained();
    await file.close();
    const rows = parse<{ n: string; text: string }>(await readFile(path), { columns: true });
    expect(file.rows).toBe(50_000);
    expect(rows).toHaveLength(50_000);
    expect(rows[49_999]).toEqual({ n: '49999', text: 'row, 49999' });
  });

  it('surfaces write failures instead of crashing the process', async () => {
    const file = new CsvFile(join(dir, 'missing-folder', 'x.csv'), ['a']);
    file.writeRow(['1']);
    await expect(file.close()).rejects.toThrow(/ENOENT/);
  });
});

describe('ShuffledCsvFile', () => {
  it('writes every row exactly once, out of order, the same way for the same seed', async () => {
    const write = async (name: string): Promise<string> => {
      const path = join(dir, name);
      const file = new ShuffledCsvFile(path, ['n'], new Rng('shuffle', 'test'), 64);
      for (let i = 0; i < 1000; i++) file.writeRow([String(i)]);
      await file.close();
      return readFile(path, 'utf8');
    };
    const first = await write('a.csv');
    expect(await write('b.csv')).toBe(first);
    const order = parse<{ n: string }>(first, { columns: true }).map((row) => Number(row.n));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
