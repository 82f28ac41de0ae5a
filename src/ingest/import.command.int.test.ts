import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { badCheckDigit, NHS_HEADER, nhsRow, validNhsNumber, writeTempCsv } from './ingest.test-support.ts';

// The command runs as an operator would run it, against an embedded database of its own.
let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-import-cli-'));
  env = { CONTACTPOINT_DATA_DIR: dataDir, NODE_ENV: 'test' };
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('contactpoint import', () => {
  it('imports, recognises a re-import, lists and retries quarantined rows', async () => {
    const file = writeTempCsv([
      NHS_HEADER,
      nhsRow(1),
      nhsRow(2, { nhs: badCheckDigit(validNhsNumber(2)) }),
      nhsRow(3),
    ]);
    const args = ['import', '--source', 'nhs_demographics', file, '--operator', 'Ann Operator'];
    const first = await runCliInProcess(args, env);
    expect(first.stderr).toContain('rows/s');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('imported batch 1 (nhs_demographics): 3 rows, 2 accepted, 1 quarantined');
    expect(first.stdout).toMatch(/batch 1: resolved 2 rows .*: 0 matched, 2 new, 0 to review/);

    const again = await runCliInProcess(args, env);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toContain('already imported as batch 1');
    expect(again.stdout).toContain('batch 1: no rows waiting, nothing changed');

    const list = await runCliInProcess(['import', 'quarantine', 'list', '--batch', '1', '--json'], env);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { id: number; rowNumber: number; rule: string }[];
    expect(rows.map((r) => [r.rowNumber, r.rule])).toEqual([[2, 'nhs.check-digit']]);
    const id = String(rows[0]?.id);

    const retry = await runCliInProcess(
      [
        'import',
        'quarantine',
        'retry',
        id,
        '--set',
        `nhsNumber=${validNhsNumber(2)}`,
        '--operator',
        'Ann Operator',
      ],
      env,
    );
    expect(retry.stderr).toBe('');
    expect(retry).toMatchObject({ code: 0 });
    expect(retry.stdout).toMatch(/accepted as feed row \d+/);
  }, 120_000);

  it('explains what is missing', async () => {
    const noOperator = await runCliInProcess(
      ['import', '--source', 'nhs_demographics', '/nonexistent.csv'],
      env,
    );
    expect(noOperator.code).toBe(2);
    expect(noOperator.stderr).toContain('--operator <name> is required');
    const unknown = await runCliInProcess(['import', '--source', 'nope', '/x.csv', '--operator', 'A'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no source is declared as "nope"');
  }, 60_000);
});

describe('contactpoint resolve', () => {
  it('stages a batch with --no-resolve, and resolve resolves it once', async () => {
    const file = writeTempCsv([NHS_HEADER, nhsRow(501), nhsRow(502)]);
    const staged = await runCliInProcess(
      ['import', '--source', 'nhs_demographics', file, '--operator', 'Ann Operator', '--no-resolve'],
      env,
    );
    expect(staged).toMatchObject({ code: 0 });
    expect(staged.stdout).toMatch(/staged: resolve with contactpoint resolve --batch (\d+)/);
    const batch = /--batch (\d+)/.exec(staged.stdout)?.[1] ?? '';
    const resolve = ['resolve', '--batch', batch, '--operator', 'Ann Operator'];
    const resolved = await runCliInProcess(resolve, env);
    expect(resolved).toMatchObject({ code: 0 });
    expect(resolved.stdout).toMatch(/resolved 2 rows .*: 0 matched, 2 new, 0 to review/);
    const twice = await runCliInProcess(resolve, env);
    expect(twice.stdout).toContain(`batch ${batch}: no rows waiting, nothing changed`);
    const unknown = await runCliInProcess(['resolve', '--batch', '999', '--operator', 'Ann Operator'], env);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('no batch has id 999');
  }, 180_000);
});
