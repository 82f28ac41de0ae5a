import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';
import { createServices } from '../services.ts';
import { fullChild, seedReferenceData } from './child.test-support.ts';

// The commands run as an operator would run them, against an embedded database of their own.
let dataDir: string;
let env: NodeJS.ProcessEnv;
let contactPointId: string;

const K1 = '6b'.repeat(32);
const K2 = 'b6'.repeat(32);
const HMAC2 = 'c3'.repeat(32);
const HMAC = '7c'.repeat(32);

async function withDatabase<T>(
  run: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  try {
    return await run(database);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-shield-cli-'));
  env = {
    CONTACTPOINT_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    FIELD_ENCRYPTION_KEYS: `k1:${K1}`,
    FIELD_ENCRYPTION_ACTIVE_KEY: 'k1',
    FIELD_HMAC_KEY: HMAC,
  };
  contactPointId = await withDatabase(async (database) => {
    await migrate(database.db);
    const ref = await seedReferenceData(database.db);
    const config = loadConfig(env, { databaseUrl: undefined, dataDir });
    const services = createServices({ config, database, logger: pino({ level: 'silent' }) });
    const child = await services.children.createChildRecord(fullChild(ref, 1), { actor: 'test' });
    return child.contactPointId;
  });
}, 60_000);
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('contactpoint shield and keys', () => {
  it('sets, lists and clears a shield, audited under the operator’s name', async () => {
    const set = await runCliInProcess(
      [
        'shield',
        'set',
        contactPointId,
        '--reason',
        'risk_to_child',
        '--review',
        '2027-01-15',
        '--operator',
        'Olive Operator',
      ],
      env,
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`${contactPointId}  shielded (risk_to_child), review by 2027-01-15`);

    const due = await runCliInProcess(
      ['shield', 'due', '--la', '999', '--within', '60', '--operator', 'Olive Operator'],
      env,
    );
    expect(due.code, due.stderr).toBe(0);
    expect(due.stdout).toMatch(new RegExp(`2027-01-15\\s+${contactPointId}\\s+risk_to_child`));

    const refused = await runCliInProcess(
      [
        'shield',
        'set',
        contactPointId,
        '--reason',
        'risk_to_child',
        '--review',
        '2030-01-01',
        '--operator',
        'Olive Operator',
      ],
      env,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('within 12 months');
    const noOperator = await runCliInProcess(['shield', 'clear', contactPointId], env);
    expect(noOperator.code).not.toBe(0);

    const status = await runCliInProcess(['keys', 'status'], env);
    expect(status.stdout).toMatch(/child_address\s+k1=1\s+hashed: h1=1/);
    const rotating = {
      ...env,
      FIELD_ENCRYPTION_KEYS: `k1:${K1},k2:${K2}`,
      FIELD_ENCRYPTION_ACTIVE_KEY: 'k2',
      FIELD_HMAC_KEY: '',
      FIELD_HMAC_KEYS: `h1:${HMAC},h2:${HMAC2}`,
      FIELD_HMAC_ACTIVE_KEY: 'h2',
    };
    const rotated = await runCliInProcess(['keys', 'rotate', '--batch-size', '1'], rotating);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/child_address\s+re-sealed 1\s+re-hashed 1/);
    expect((await runCliInProcess(['keys', 'status'], rotating)).stdout).toMatch(
      /child_address\s+k2=1\s+hashed: h2=1/,
    );

    const cleared = await runCliInProcess(
      ['shield', 'clear', contactPointId, '--operator', 'Olive Operator'],
      {
        ...env,
        FIELD_ENCRYPTION_KEYS: `k2:${K2}`,
        FIELD_ENCRYPTION_ACTIVE_KEY: 'k2',
        FIELD_HMAC_KEY: '',
        FIELD_HMAC_KEYS: `h2:${HMAC2}`,
      },
    );
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toContain('not shielded');

    const audit = await withDatabase((database) =>
      database.db
        .selectFrom('audit_entry')
        .select(['action', 'outcome', 'actor_type', 'actor'])
        .where('action', 'in', ['shield.set', 'shield.clear'])
        .orderBy('at')
        .execute(),
    );
    expect(audit).toEqual([
      { action: 'shield.set', outcome: 'success', actor_type: 'operator', actor: 'Olive Operator' },
      { action: 'shield.set', outcome: 'failure', actor_type: 'operator', actor: 'Olive Operator' },
      { action: 'shield.clear', outcome: 'success', actor_type: 'operator', actor: 'Olive Operator' },
    ]);
  }, 120_000);
});
