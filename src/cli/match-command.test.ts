import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(root, 'bin', 'contactpoint.js');
const FEBRL_DEF = path.join(root, 'bench', 'febrl', 'source.json');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-match-'));
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

function write(name: string, text: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  return file;
}

const HEADER =
  'rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id';
const PEOPLE = [
  'a1, jack, fairweather, 12, acacia road, , leeds, LS1 4AB, yorkshire, 20150301, 1234567',
  'a2, oliver, fairweather, 12, acacia road, , leeds, LS1 4AB, yorkshire, 20150301, 7654321',
  'a3, jakc, fairweather, 12, acacia road, , leeds, LS1 4AB, yorkshire, 20150301,  ',
  'b1, amelia, okonkwo, 4, park road, , york, YO1 7HH, yorkshire, 20120611, 2345678',
  'b2, amelia, okonkow, 4, park rd, , york, YO1 7HH, yorkshire, 20120611, 2345678',
  'c1, harry, lindqvist, 9, mill lane, , hull, HU1 2AA, yorkshire, 20101212, 3456789',
];

describe('contactpoint match', () => {
  it('dedupe writes the pairs judged to be one child, FEBRL layout', async () => {
    const input = write('people.csv', `${HEADER}\n${PEOPLE.join('\n')}\n`);
    const out = path.join(scratch, 'pairs.csv');
    const result = await run(['match', 'dedupe', input, '--source-def', FEBRL_DEF, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/6 records, \d+ candidate pairs, 2 links/);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('left_id,right_id,match_probability');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',').slice(0, 2).join(' '))
        .sort(),
    ).toEqual(['a1 a3', 'b1 b2']);
    for (const line of lines.slice(1)) expect(Number(line.split(',')[2])).toBeGreaterThanOrEqual(0.99);
  });

  it('link writes only pairs across the two files', async () => {
    const left = write(
      'left.csv',
      `${HEADER.replace(/, /g, ',')}\n${PEOPLE.slice(0, 4).join('\n').replace(/, /g, ',')}\n`,
    );
    const right = write('right.csv', `${HEADER}\n${PEOPLE.slice(4).join('\n')}\n`);
    const out = path.join(scratch, 'link.csv');
    const result = await run(['match', 'link', left, right, '--source-def', FEBRL_DEF, '--out', out]);
    expect(result.code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(' '))).toEqual(['b1 b2']);
  });

  it('accepts a threshold and refuses one that is not a probability', async () => {
    const input = write('t.csv', `${HEADER}\n${PEOPLE.join('\n')}\n`);
    const out = path.join(scratch, 't-pairs.csv');
    const ok = await run([
      'match',
      'dedupe',
      input,
      '--source-def',
      FEBRL_DEF,
      '--out',
      out,
      '--threshold',
      '0.999',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('link probability 0.999');
    const bad = await run([
      'match',
      'dedupe',
      input,
      '--source-def',
      FEBRL_DEF,
      '--out',
      out,
      '--threshold',
      '2',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected a probability between 0 and 1');
  });

  it('explains unusable input in one line and exits 2', async () => {
    const out = path.join(scratch, 'never.csv');
    const missing = await run([
      'match',
      'dedupe',
      path.join(scratch, 'nope.csv'),
      '--source-def',
      FEBRL_DEF,
      '--out',
      out,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^contactpoint: cannot read input file .*nope\.csv \(ENOENT\)/);

    const badDef = write('bad.json', '{"id": "rec_id", "fields": {"given": "given_name"}}');
    const input = write('ok.csv', `${HEADER}\n${PEOPLE.join('\n')}\n`);
    const defError = await run(['match', 'dedupe', input, '--source-def', badDef, '--out', out]);
    expect(defError.code).toBe(2);
    expect(defError.stderr).toMatch(
      /^contactpoint: source definition .*bad\.json: unknown field "fields\.given"/,
    );

    const wrongFile = write('wrong.csv', 'id,name\n1,a\n');
    const columnError = await run(['match', 'dedupe', wrongFile, '--source-def', FEBRL_DEF, '--out', out]);
    expect(columnError.code).toBe(2);
    expect(columnError.stderr).toContain('reads column "rec_id", which');
    expect(fs.existsSync(out)).toBe(false);
  });
});
