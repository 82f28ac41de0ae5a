import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/open.ts';
import { adminQuery, databaseUrlFor, uniqueDatabaseName } from './postgres-admin.ts';

export interface TestDatabase extends DatabaseHandle {
  /** Closes and deletes the database. */
  dispose(): Promise<void>;
}

/** The engine the suite is running on: PostgreSQL when DATABASE_URL is set, PGlite otherwise. */
export const testEngine = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** A database of its own for one test file, migrated, empty of data. */
export async function openTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl !== undefined && adminUrl !== '') {
    const name = uniqueDatabaseName('cp_test');
    const template = inject('postgresTemplate');
    if (migrated && template === null) throw new Error('the PostgreSQL template database was not prepared');
    await adminQuery(
      adminUrl,
      migrated ? `create database ${name} template ${template}` : `create database ${name}`,
    );
    const handle = await openDatabase({
      databaseUrl: databaseUrlFor(adminUrl, name),
      dataDir: '',
      poolSize: 4,
    });
    return {
      ...handle,
      async dispose() {
        await handle.close();
        await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
      },
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-test-'));
  if (migrated) fs.cpSync(inject('pgliteTemplateDir'), dataDir, { recursive: true });
  fs.rmSync(path.join(dataDir, '.contactpoint.lock'), { force: true });
  const handle = await openDatabase({ databaseUrl: undefined, dataDir });
  return {
    ...handle,
    async dispose() {
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
