import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createServices } from '../services.ts';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { createLogger } from './logger.ts';

describe('logs hold no personal data', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database.dispose();
  });

  it('logs request paths without their query strings', async () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    const services = createServices({ config, database, logger: createLogger('info', sink) });
    const app = await createApp(services);
    await app.inject({ method: 'GET', url: '/no-such-page?surname=Smith&dateOfBirth=2015-01-02' });
    await app.close();
    const logged = lines.join('');
    expect(logged).toContain('"url":"/no-such-page"');
    expect(logged).not.toContain('Smith');
    expect(logged).not.toContain('2015-01-02');
  });

  it('drops the parts of a database error that quote row values', () => {
    lines.length = 0;
    const logger = createLogger('info', sink);
    const failure = Object.assign(new Error('duplicate key value violates unique constraint'), {
      detail: 'Key (scheme, value)=(nhs_number, 9990000018) already exists.',
      params: ['9990000018', 'Smith'],
      query: 'insert into child_identifier ...',
    });
    logger.error({ err: failure }, 'unhandled error');
    const logged = lines.join('');
    expect(logged).toContain('duplicate key value');
    expect(logged).not.toContain('9990000018');
    expect(logged).not.toContain('Smith');
  });
});
