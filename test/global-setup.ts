import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open.ts';
import { adminQuery, databaseUrlFor, uniqueDatabaseName } from './helpers/postgres-admin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplateDir: string;
    postgresTemplate: string | null;
  }
}

/**
 * Migrates once, then every test file copies the result: a PGlite data folder, or on PostgreSQL
 * a template database that CREATE DATABASE ... TEMPLATE clones.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-template-'));
  const pglite = await openDatabase({ databaseUrl: undefined, dataDir: templateDir });
  await migrate(pglite.db);
  await pglite.close();
  project.provide('pgliteTemplateDir', templateDir);

  const adminUrl = process.env.DATABASE_URL;
  let postgresTemplate: string | null = null;
  if (adminUrl !== undefined && adminUrl !== '') {
    postgresTemplate = uniqueDatabaseName('cp_template');
    await adminQuery(adminUrl, `create database ${postgresTemplate}`);
    const database = await openDatabase({
      databaseUrl: databaseUrlFor(adminUrl, postgresTemplate),
      dataDir: '',
    });
    await migrate(database.db);
    await database.close();
  }
  project.provide('postgresTemplate', postgresTemplate);

  return async () => {
    fs.rmSync(templateDir, { recursive: true, force: true });
    if (adminUrl !== undefined && postgresTemplate !== null) {
      await adminQuery(adminUrl, `drop database if exists ${postgresTemplate} with (force)`);
    }
  };
}
