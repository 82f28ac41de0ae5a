import type { FastifyBaseLogger } from 'fastify';
import { createChildService } from './children/child.service.ts';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/open.ts';

/** The composition root: the one place where the parts of ContactPoint are wired together. */
export function createServices(deps: {
  config: Config;
  database: DatabaseHandle;
  logger: FastifyBaseLogger;
}) {
  const { config, database, logger } = deps;
  return {
    config,
    database,
    logger,
    children: createChildService(database.db),
  };
}

export type Services = ReturnType<typeof createServices>;
