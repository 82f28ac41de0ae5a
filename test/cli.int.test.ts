import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliInProcess, startCli } from './helpers/cli.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-cli-'));
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

// Each of these starts Node and loads the application at least once, and a fresh data directory is
// migrated from nothing: slow on a busy machine, so they get more time than the suite's default.
const SPAWNED = 60_000;

function oneLine(text: string): string[] {
  return text.trim().split('\n');
}

// Starting the executable costs seconds of loading each time, so most cases run the command inside
// this process, as bin/contactpoint.js runs it; runCli and startCli start the real executable where
// its wiring is the point: exit codes, output, a data directory, a server stopped by a signal.
describe('contactpoint command line', () => {
  it('lists its commands under --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['migrate', 'serve', 'synth']) expect(result.stdout).toContain(command);
  });

  it.each(['migrate', 'serve', 'synth'])('explains %s under --help', async (command) => {
    const result = await runCliInProcess([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: contactpoint ${command}`);
  });

  it('refuses an unknown flag with a non-zero exit', async () => {
    const result = await runCliInProcess(['migrate', '--no-such-flag']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown option '--no-such-flag'");
  });

  it('refuses an unknown command', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('refuses a bad number of children', async () => {
    const result = await runCliInProcess(['synth', '--children', 'many', '--out', scratch]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('expected a whole number');
  });

  it('writes Synthetic England with feeds and ground truth, the same for the same seed', async () => {
    const first = path.join(scratch, 'synth-a');
    const second = path.join(scratch, 'synth-b');
    const a = await runCliInProcess(['synth', '--children', '300', '--seed', 'cli', '--out', first]);
    expect(a.code).toBe(0);
    const b = await runCliInProcess(['synth', '--children', '300', '--seed', 'cli', '--out', second]);
    expect(b.code).toBe(0);
    const files = fs.readdirSync(first).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'dwp_benefits.csv',
        'nhs_demographics.csv',
        'school_census.csv',
        'local_children_services.csv',
        'truth.csv',
      ]),
    );
    for (const file of files) {
      expect(fs.readFileSync(path.join(second, file))).toEqual(fs.readFileSync(path.join(first, file)));
    }
  });

  it('names an unreachable DATABASE_URL in one line, without the password', async () => {
    const result = await runCliInProcess(['migrate'], {
      DATABASE_URL: 'postgres://someone:secret@127.0.0.1:1/nowhere',
    });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^contactpoint: cannot reach PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/nowhere: /,
    );
    expect(result.stderr).not.toContain('secret');
  });

  it('names an unusable data directory in one line', async () => {
    const notADirectory = path.join(scratch, 'a-file');
    fs.writeFileSync(notADirectory, 'not a folder');
    const result = await runCliInProcess(['migrate'], { CONTACTPOINT_DATA_DIR: notADirectory });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(`contactpoint: cannot use data directory ${notADirectory}`);
  });

  it('rejects a bad configuration value in one line', async () => {
    const result = await runCliInProcess(['migrate'], { PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'contactpoint: PORT must be a whole number from 0 to 65535, got "eighty"',
    );
  });

  it('migrates an embedded database, and a second run has nothing to do', { timeout: SPAWNED }, async () => {
    const dataDir = path.join(scratch, 'migrate-data');
    const first = await runCli(['migrate'], { CONTACTPOINT_DATA_DIR: dataDir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied 20261125180000_extensions/);
    const second = await runCli(['migrate'], { CONTACTPOINT_DATA_DIR: dataDir });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/: 0 applied, \d+ already up to date/);
  });

  it('serves, answers /ready, and stops cleanly on SIGTERM', { timeout: SPAWNED }, async () => {
    const dataDir = path.join(scratch, 'serve-data');
    const server = startCli(['serve', '--port', '0'], { CONTACTPOINT_DATA_DIR: dataDir });
    let stderr = '';
    const address = await new Promise<string>((resolve, reject) => {
      server.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /listening on (http:\/\/\S+)/.exec(stderr);
        if (found?.[1] !== undefined) resolve(found[1]);
      });
      server.on('close', (code) => {
        reject(new Error(`server exited ${String(code)}: ${stderr}`));
      });
    });
    const ready = await fetch(`${address}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'pglite' });
    const exited = new Promise<number | null>((resolve) => server.on('close', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The lock is released, so the next process can open the same data.
    expect(fs.existsSync(path.join(dataDir, '.contactpoint.lock'))).toBe(false);
  });

  it('refuses a second process on the same embedded data directory', { timeout: SPAWNED }, async () => {
    const dataDir = path.join(scratch, 'locked-data');
    const server = startCli(['serve', '--port', '0'], { CONTACTPOINT_DATA_DIR: dataDir });
    await new Promise<void>((resolve) => {
      let stderr = '';
      server.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('listening on')) resolve();
      });
    });
    const second = await runCliInProcess(['migrate'], { CONTACTPOINT_DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/data directory .* is in use by process \d+/);
    const exited = new Promise((resolve) => server.on('close', resolve));
    server.kill('SIGTERM');
    await exited;
  });
});
