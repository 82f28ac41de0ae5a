import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { demoBanner } from './access/demo.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { migrate } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { createServices } from './services.ts';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly address: string;
  stop(): Promise<void>;
}

/** Opens the database, brings its schema up to date, and listens. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const database = await openDatabase(config);
  try {
    const { applied } = await migrate(database.db);
    logger.info({ engine: database.engine, location: database.location, applied }, 'database ready');
    // Everything after the schema change runs as the application role, which cannot rewrite the audit trail.
    await database.useAppRole();
    const services = createServices({ config, database, logger });
    if (config.demo) {
      // To the terminal only: the demo credentials are published, but still never go to a log.
      process.stderr.write(demoBanner(await services.access.seedDemo(), config.access.webauthnOrigin));
    }
    const app = await createApp(services);
    const address = await app.listen({ host: config.host, port: config.port });
    let stopping: Promise<void> | undefined;
    return {
      app,
      address,
      stop() {
        // In-flight requests finish before the database closes under them.
        stopping ??= app.close().finally(() => database.close());
        return stopping;
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Stops cleanly on SIGTERM/SIGINT so no write is cut off half way. */
export function stopOnSignals(server: RunningServer, logger: Logger): void {
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
