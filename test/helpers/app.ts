import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { TestDatabase } from './database.ts';

/** The real application over a test database, ready for inject(). */
export async function buildTestApp(
  database: TestDatabase,
): Promise<{ app: FastifyInstance; services: Services }> {
  const config = loadConfig({ NODE_ENV: 'test' }, { databaseUrl: undefined, dataDir: database.location });
  const services = createServices({ config, database, logger: pino({ level: 'silent' }) });
  const app = await createApp(services);
  return { app, services };
}
