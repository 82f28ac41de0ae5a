import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../test/helpers/database.ts';
import { databaseUrlFor } from '../../test/helpers/postgres-admin.ts';
import type { Actor } from '../access/access.model.ts';
import { ChildAccessError } from '../access/policy/child-access.errors.ts';
import { contactPointIdFromSerial } from '../children/identifiers/contactpoint-id.ts';
import { openDatabase } from '../db/open.ts';
import { auditOf, indexFixture, type IndexFixture } from './dedupe.test-support.ts';

let database: TestDatabase;
let fx: IndexFixture;
const operator: Actor = { kind: 'operator', name: 'Dana Datamanager' };
interface Child {
  id: string;
  contactPointId: string;
}
let amelia: Child;
let ameliaAgain: Child;
let hidden: Child;
// Never issued in the fixture: the fixture's IDs are random.
const UNKNOWN = contactPointIdFromSerial(123_456_789);

beforeAll(async () => {
  database = await openTestDatabase();
  fx = await indexFixture(database, 0);
  amelia = await fx.child({
    forename: 'Amelia',
    surname: 'Thornbury',
    line1: '3 Foxglove Row',
    postcode: 'LS7 4HD',
  });
  ameliaAgain = await fx.child({
    forename: 'Amelia',
    surname: 'Thornbry',
    line1: '3 Foxglove Row',
    postcode: 'LS7 4HD',
    nhsNumber: null,
  });
  hidden = await fx.child({
    forename: 'Amelia',
    surname: 'Thornbury',
    line1: '77 Juniper Heights',
    town: 'Ilkley',
    postcode: 'LS29 8AZ',
    shielded: true,
  });
}, 120_000);
afterAll(async () => {
  await database.dispose();
});

describe('match explain', () => {
  it('shows each field’s level and weight and the total, after auditing a view of each child', async () => {
    const result = await fx.services.matchExplain({
      actor: operator,
      reason: 'data-quality',
      contactPointIds: [amelia.contactPointId, ameliaAgain.contactPointId],
    });
    expect(result.model).toContain('built-in starting parameters');
    const steps = result.waterfall.steps;
    expect(steps.map((s) => s.comparison)).toEqual(
      expect.arrayContaining(['forename', 'surname', 'dateOfBirth', 'address', 'place', 'nhsNumber']),
    );
    const forename = steps.find((s) => s.comparison === 'forename');
    expect(forename?.weight).toBeGreaterThan(0);
    expect(steps.find((s) => s.comparison === 'address')?.values).toEqual([
      '3 foxglove row',
      '3 foxglove row',
    ]);
    expect(result.waterfall.weight).toBeCloseTo(steps.at(-1)?.cumulative ?? NaN, 9);
    expect(result.masked).toEqual([]);
    const views = await auditOf(database.db, 'child.view');
    expect(views.map((v) => [v.child_id, v.outcome, v.actor_type, v.actor, v.reason])).toEqual([
      [amelia.id, 'success', 'operator', 'Dana Datamanager', 'data-quality'],
      [ameliaAgain.id, 'success', 'operator', 'Dana Datamanager', 'data-quality'],
    ]);
    expect(views[0]?.details).toMatchObject({ via: 'match explain', pairedWith: ameliaAgain.contactPointId });
  });

  it('hides a shielded child’s whereabouts unless the operator is a shielder of its LA', async () => {
    const masked = await fx.services.matchExplain({
      actor: operator,
      reason: 'data-quality',
      contactPointIds: [amelia.contactPointId, hidden.contactPointId],
    });
    expect(masked.masked).toEqual([hidden.contactPointId]);
    const text = JSON.stringify(masked.waterfall);
    expect(text).not.toMatch(/juniper|ilkley|LS29/i);
    expect(masked.waterfall.steps.find((s) => s.comparison === 'address')?.values).toEqual([
      '3 foxglove row',
      '(shielded)',
    ]);
    const otherLa = await fx.services.matchExplain({
      actor: operator,
      reason: 'data-quality',
      contactPointIds: [amelia.contactPointId, hidden.contactPointId],
      shielderOf: fx.ref.otherLa.code,
    });
    expect(otherLa.masked).toEqual([hidden.contactPointId]);
    const shown = await fx.services.matchExplain({
      actor: operator,
      reason: 'safeguarding-concern',
      contactPointIds: [amelia.contactPointId, hidden.contactPointId],
      shielderOf: fx.ref.la.code,
    });
    expect(shown.masked).toEqual([]);
    expect(shown.waterfall.steps.find((s) => s.comparison === 'address')?.values[1]).toBe(
      '77 juniper heights',
    );
    const last = (await auditOf(database.db, 'child.view')).at(-1);
    expect(last?.details).toMatchObject({ shielderOf: fx.ref.la.code, locationShown: true });
  });

  it('refuses an unknown or purged record, and audits the failed read', async () => {
    const attempt = fx.services.matchExplain({
      actor: operator,
      reason: 'data-quality',
      contactPointIds: [amelia.contactPointId, UNKNOWN],
    });
    await expect(attempt).rejects.toBeInstanceOf(ChildAccessError);
    await expect(attempt).rejects.toThrow(UNKNOWN);
    const failures = (await auditOf(database.db, 'child.view')).filter((v) => v.outcome === 'failure');
    expect(failures.map((v) => [v.child_id, v.target, (v.details as { error?: string }).error])).toEqual([
      [amelia.id, null, 'other-not-found'],
      [null, `contactpoint:${UNKNOWN}`, 'not-found'],
    ]);
  });
});

describe('contactpoint match explain', () => {
  it('prints the waterfall, masks a shielded address, and fails in one line for an unknown id', async () => {
    // The embedded engine allows one opener of a data folder, so the test closes it for the command.
    let env: NodeJS.ProcessEnv;
    let cli: TestDatabase | null = null;
    let dataDir: string | null = null;
    const adminUrl = process.env.DATABASE_URL;
    if (testEngine === 'postgres' && adminUrl !== undefined) {
      cli = await openTestDatabase();
      const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(cli.db);
      env = { DATABASE_URL: databaseUrlFor(adminUrl, rows[0]?.name ?? ''), NODE_ENV: 'test' };
    } else {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-explain-cli-'));
      fs.cpSync(inject('pgliteTemplateDir'), dataDir, { recursive: true });
      fs.rmSync(path.join(dataDir, '.contactpoint.lock'), { force: true });
      env = { CONTACTPOINT_DATA_DIR: dataDir, NODE_ENV: 'test' };
      cli = Object.assign(await openDatabase({ databaseUrl: undefined, dataDir }), {
        dispose: () => Promise.resolve(),
      });
    }
    try {
      const local = await indexFixture(cli, 0);
      const a = await local.child({ forename: 'Amelia', surname: 'Thornbury' });
      const b = await local.child({
        forename: 'Amelia',
        surname: 'Thornbury',
        shielded: true,
        nhsNumber: null,
      });
      if (dataDir !== null) await cli.close();
      const args = ['match', 'explain', a.contactPointId, b.contactPointId, '--operator', 'Dana Datamanager'];
      const ok = await runCliInProcess([...args, '--reason', 'data-quality'], env);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain(`${a.contactPointId} and ${b.contactPointId}`);
      expect(ok.stdout).toMatch(/forename\s+.+[+-]\d+\.\d\d\s+"amelia" vs "amelia"/);
      expect(ok.stdout).toMatch(/total match weight [+-]\d+\.\d\d, probability \d\.\d{6}/);
      expect(ok.stdout).toContain('"12 quillon crescent" vs "(shielded)"');
      expect(ok.stdout).not.toMatch(/"12 quillon crescent" vs "12 quillon crescent"/);

      const noReason = await runCliInProcess(args, env);
      expect(noReason.code).not.toBe(0);
      const unknown = await runCliInProcess(
        [
          'match',
          'explain',
          a.contactPointId,
          UNKNOWN,
          '--operator',
          'Dana Datamanager',
          '--reason',
          'data-quality',
        ],
        env,
      );
      expect(unknown.code).toBe(1);
      expect(unknown.stderr.trim().split('\n')).toEqual([
        `contactpoint: No child record was found for ${UNKNOWN}`,
      ]);
      expect(unknown.stdout).toBe('');

      if (dataDir !== null)
        cli = Object.assign(await openDatabase({ databaseUrl: undefined, dataDir }), {
          dispose: () => Promise.resolve(),
        });
      const views = await auditOf(cli.db, 'child.view');
      expect(views.map((v) => [v.outcome, v.actor])).toEqual([
        ['success', 'Dana Datamanager'],
        ['success', 'Dana Datamanager'],
        ['failure', 'Dana Datamanager'],
        ['failure', 'Dana Datamanager'],
      ]);
    } finally {
      if (dataDir !== null) {
        await cli.close().catch(() => undefined);
        fs.rmSync(dataDir, { recursive: true, force: true });
      } else {
        await cli.dispose();
      }
    }
  }, 120_000);
});
