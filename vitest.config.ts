import { defineConfig } from 'vitest/config';

// These files only drive the real `contactpoint` command, which opens its own embedded database
// whatever the suite's engine: on the PostgreSQL pass they would repeat the PGlite pass exactly.
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
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
