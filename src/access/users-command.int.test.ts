import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../test/helpers/cli.ts';

// The command runs as a user would run it, against an embedded database of its own.
let dataDir: string;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-users-cli-'));
  env = { CONTACTPOINT_DATA_DIR: dataDir, NODE_ENV: 'test' };
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const users = (args: string[]) => runCliInProcess(['users', ...args], env);

describe('contactpoint users', () => {
  let organisation: string;

  it('adds an organisation and a user, printing the activation code once', async () => {
    const org = await users([
      'add-organisation',
      '--name',
      'ContactPoint national team',
      '--kind',
      'government',
    ]);
    expect(org.code, org.stderr).toBe(0);
    organisation = org.stdout.split(/\s+/)[0] ?? '';
    expect(organisation).toMatch(/^[0-9a-f-]{36}$/);

    const added = await users([
      'add',
      '--username',
      'ann.auditor@contactpoint.example',
      '--name',
      'Ann Auditor',
      '--email',
      'ann.auditor@contactpoint.example',
      '--organisation',
      organisation,
      '--role',
      'auditor',
      '--check-date',
      '2025-01-01',
      '--training-date',
      '2025-02-01',
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/registered ann\.auditor@contactpoint\.example/);
    expect(added.stdout).toMatch(/activation code \(shown once\): [A-Za-z0-9_-]{22}/);

    const listed = await users(['list']);
    expect(listed.stdout).toMatch(/ann\.auditor@contactpoint\.example\s+active\s+national\s+auditor/);
  }, 60_000);

  it('suspends and reactivates by username, and issues a feed token', async () => {
    const suspended = await users(['suspend', 'ann.auditor@contactpoint.example', '--reason', 'left']);
    expect(suspended.code, suspended.stderr).toBe(0);
    expect(suspended.stdout).toMatch(/suspended/);
    expect((await users(['reactivate', 'ann.auditor@contactpoint.example'])).stdout).toMatch(/active/);

    const feed = await users([
      'add',
      '--username',
      'national-pupil-feed',
      '--name',
      'National pupil database feed',
      '--organisation',
      organisation,
      '--role',
      'feed',
    ]);
    expect(feed.code, feed.stderr).toBe(0);
    const token = await users([
      'token',
      'national-pupil-feed',
      '--name',
      'nightly',
      '--source',
      'school_census',
    ]);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/secret \(shown once; .*\): cpt_[A-Za-z0-9_-]{43}/);
  }, 60_000);

  it('ends with one line naming the problem', async () => {
    const unknown = await users(['suspend', 'nobody@contactpoint.example']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('contactpoint: No user is called nobody@contactpoint.example\n');
    const badRole = await users([
      'add',
      '--username',
      'x',
      '--name',
      'x',
      '--organisation',
      'x',
      '--role',
      'king',
    ]);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/king/);
  }, 60_000);
});
