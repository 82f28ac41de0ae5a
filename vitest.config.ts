import os from 'node:os';
import { defineConfig } from 'vitest/config';

// These files only drive the `contactpoint` command on an embedded database of their own, whatever
// the suite's engine: on the PostgreSQL pass they would repeat the PGlite pass exactly.
const EMBEDDED_ONLY = [
  'test/cli.int.test.ts',
  'src/access/users-command.int.test.ts',
  'src/children/shield.command.int.test.ts',
  'src/ingest/import.command.int.test.ts',
];

const onPostgres = (process.env.DATABASE_URL ?? '') !== '';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(onPostgres ? EMBEDDED_ONLY : [])],
    globalSetup: ['test/global-setup.ts'],
    // Each test file gets its own database copied from a migrated template; files run in parallel.
    pool: 'forks',
    // The files are CPU-bound and the runner itself is nearly idle, so one worker per core rather than
    // Vitest's one fewer; more workers than cores have pushed a slow test past its timeout.
    maxWorkers: os.availableParallelism(),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
