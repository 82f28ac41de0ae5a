import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/helpers/app.ts';
import { openTestDatabase, testEngine, type TestDatabase } from '../../test/helpers/database.ts';

describe('health and readiness', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  beforeAll(async () => {
    database = await openTestDatabase();
    ({ app } = await buildTestApp(database));
  });
  afterAll(async () => {
    await app.close();
    await database.dispose();
  });

  it('answers liveness with a request id', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a well-formed caller request id and replaces a malformed one', async () => {
    const kept = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': '<script>' },
    });
    expect(replaced.headers['x-request-id']).not.toBe('<script>');
  });

  it('is ready when the database answers', async () => {
    const response = await app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', database: testEngine });
  });

  it('answers an unknown path with a coded 404 and no internals', async () => {
    const response = await app.inject({ method: 'GET', url: '/no-such-page' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'Not found' } });
  });
});

describe('readiness without a database', () => {
  it('reports 503 once the database is gone', async () => {
    const database = await openTestDatabase();
    const { app } = await buildTestApp(database);
    // Dropping the database (PostgreSQL) or closing it (PGlite) is what an outage looks like from here.
    await database.dispose();
    const response = await app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'unavailable' });
    await app.close();
  });
});
