import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('bring the database schema up to date (PGlite in CONTACTPOINT_DATA_DIR, or DATABASE_URL)')
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase(config);
      try {
        const result = await migrate(database.db, undefined, (id) => {
          process.stdout.write(`applied ${id}\n`);
        });
        process.stdout.write(
          `${database.engine} at ${database.location}: ${result.applied.length} applied, ${result.alreadyApplied} already up to date\n`,
        );
      } finally {
        await database.close();
      }
    });
}
