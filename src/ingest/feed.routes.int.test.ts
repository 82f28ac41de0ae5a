import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccessTestContext,
  createPerson,
  OPERATOR,
  signIn,
  type AccessTestContext,
  type SignedInSession,
} from '../access/test-support.ts';
import { createApp } from '../app.ts';
import { testUpn } from '../children/child.test-support.ts';
import { createServices } from '../services.ts';
import { badCheckDigit, NHS_HEADER, nhsRow, validNhsNumber } from './ingest.test-support.ts';

let ctx: AccessTestContext;
let practitioner: SignedInSession;
let feedId: string;
let feedToken: string;
let otherFeedToken: string;
/** The same account as feedToken, issued for another source. */
let censusToken: string;

async function issue(userId: string, name: string, sources: readonly string[]) {
  return ctx.services.access.tokens.create(OPERATOR, { userId, name, sources });
}

async function feedAccount(username: string): Promise<{ id: string; token: string }> {
  const registered = await ctx.services.access.users.register(OPERATOR, {
    username,
    displayName: `${username} feed`,
    organisationId: ctx.la.organisationId,
    localAuthority: ctx.la.code,
    roles: ['feed'],
  });
  const { secret } = await issue(registered.user.id, 'batch upload', ['nhs_demographics']);
  return { id: registered.user.id, token: secret };
}

beforeAll(async () => {
  ctx = await createAccessTestContext();
  practitioner = await signIn(ctx, await createPerson(ctx, { roles: ['data_manager', 'practitioner'] }));
  const feed = await feedAccount('camden-pds-extract');
  feedId = feed.id;
  feedToken = feed.token;
  censusToken = (await issue(feedId, 'census upload', ['school_census'])).secret;
  otherFeedToken = (await feedAccount('camden-other-feed')).token;
});
afterAll(async () => {
  await ctx.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const csv = (lines: readonly string[]) => `${lines.join('\n')}\n`;

function post(
  body: string | Readable,
  options: { source?: string; headers?: Record<string, string>; app?: FastifyInstance } = {},
) {
  return (options.app ?? ctx.app).inject({
    method: 'POST',
    url: `/api/feeds/${options.source ?? 'nhs_demographics'}/batches`,
    headers: { 'content-type': 'text/csv', ...(options.headers ?? bearer(feedToken)) },
    payload: body,
  });
}

async function feedAudits(actor: string) {
  return ctx.database.db
    .selectFrom('audit_entry')
    .select(['actor_type', 'outcome', 'target', 'details', 'request_id'])
    .where('action', '=', 'feed.import')
    .where('actor', '=', actor)
    .orderBy('at')
    .orderBy('seq')
    .execute();
}

/** Everything an import stages, counted. */
async function staged() {
  const db = ctx.database.db;
  const count = async (table: 'source_batch' | 'feed_row' | 'quarantine') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    batches: await count('source_batch'),
    rows: await count('feed_row'),
    quarantined: await count('quarantine'),
  };
}

async function storedRows(batchId: number) {
  const db = ctx.database.db;
  const feed = await db.selectFrom('feed_row').select('row_number').where('batch_id', '=', batchId).execute();
  const quarantine = await db
    .selectFrom('quarantine')
    .select(['row_number', 'rule'])
    .where('batch_id', '=', batchId)
    .execute();
  return { feed: feed.length, quarantine };
}

function spooledFiles(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('contactpoint-feed-'));
}

/** Posts `body` in chunks without a Content-Length, as a streaming client does; gives the status. */
function postChunked(app: FastifyInstance, token: string, body: string): Promise<number> {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the app is not listening');
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: address.port,
        method: 'POST',
        path: '/api/feeds/nhs_demographics/batches',
        headers: { 'content-type': 'text/csv', 'transfer-encoding': 'chunked', ...bearer(token) },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    for (let at = 0; at < body.length; at += 512) request.write(body.slice(at, at + 512));
    request.end();
  });
}

const GOOD_BATCH = csv([
  NHS_HEADER,
  nhsRow(101),
  nhsRow(102, { nhs: badCheckDigit(validNhsNumber(102)) }),
  nhsRow(103),
]);

describe('POST /api/feeds/:source/batches', () => {
  it('needs a valid bearer token', async () => {
    const anonymous = await post(GOOD_BATCH, { headers: {} });
    expect(anonymous.statusCode).toBe(401);
    const forged = await post(GOOD_BATCH, { headers: bearer(`cpt_${'A'.repeat(43)}`) });
    expect(forged.statusCode).toBe(401);
    expect(forged.headers['www-authenticate']).toBe('Bearer');
    expect(await ctx.database.db.selectFrom('source_batch').select('id').execute()).toEqual([]);
  });

  it("refuses a person's session, even a data manager's", async () => {
    const response = await post(GOOD_BATCH, { headers: practitioner.headers });
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await ctx.database.db.selectFrom('source_batch').select('id').execute()).toEqual([]);
  });

  it('stores a good batch, quarantines and counts a bad row, audits the import as the account, and leaves no file', async () => {
    const response = await post(GOOD_BATCH, {
      headers: { ...bearer(feedToken), 'x-request-id': 'feed-req-1' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json<{ batchId: number }>();
    expect(body).toMatchObject({
      outcome: 'imported',
      source: 'nhs_demographics',
      status: 'completed',
      rows: 3,
      accepted: 2,
      quarantined: 1,
      created: 2,
      linked: 0,
      review: 0,
      waiting: 0,
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
    });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(await storedRows(body.batchId)).toEqual({
      feed: 2,
      quarantine: [{ row_number: 2, rule: 'nhs.check-digit' }],
    });
    const audits = await feedAudits(feedId);
    expect(audits).toEqual([
      expect.objectContaining({
        actor_type: 'system',
        outcome: 'success',
        target: `batch:${body.batchId}`,
        details: expect.objectContaining({ rows: 3, accepted: 2, quarantined: 1 }) as unknown,
      }),
    ]);
    expect(spooledFiles()).toEqual([]);
    const resolved = await ctx.database.db
      .selectFrom('audit_entry')
      .select(['actor_type', 'actor'])
      .where('action', '=', 'feed.resolve')
      .where('target', '=', `batch:${body.batchId}`)
      .execute();
    expect(resolved).toEqual([{ actor_type: 'system', actor: feedId }]);

    const read = await ctx.app.inject({
      method: 'GET',
      url: `/api/feeds/batches/${body.batchId}`,
      headers: bearer(feedToken),
    });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ batchId: body.batchId, rows: 3, accepted: 2, quarantined: 1 });
  });

  it('answers the same file posted again with the first batch, changing nothing but the trail', async () => {
    const first = await post(csv([NHS_HEADER, nhsRow(201), nhsRow(202)]));
    expect(first.statusCode, first.body).toBe(201);
    const { batchId } = first.json<{ batchId: number }>();
    const batches = await ctx.database.db.selectFrom('source_batch').selectAll().orderBy('id').execute();
    const children = await ctx.database.db.selectFrom('child').select('id').execute();

    const again = await post(csv([NHS_HEADER, nhsRow(201), nhsRow(202)]));
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ outcome: 'already-imported', batchId, rows: 2, accepted: 2 });
    expect(await ctx.database.db.selectFrom('source_batch').selectAll().orderBy('id').execute()).toEqual(
      batches,
    );
    expect(await storedRows(batchId)).toEqual({ feed: 2, quarantine: [] });
    expect(await ctx.database.db.selectFrom('child').select('id').execute()).toEqual(children);
    expect((await feedAudits(feedId)).at(-1)).toMatchObject({
      actor_type: 'system',
      outcome: 'success',
      target: `batch:${batchId}`,
      details: { status: 'already-imported' },
    });
  });

  it('refuses a file without the declared columns, naming them, and audits the refusal', async () => {
    const before = await ctx.database.db.selectFrom('source_batch').select('id').execute();
    const response = await post(csv(['pds_record_id,given_name,family_name', 'P1,Ann,Smith']));
    expect(response.statusCode, response.body).toBe(400);
    const { error } = response.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('nhs_number');
    expect(error.message).toContain('birth_date');
    expect(error.message).not.toContain(os.tmpdir());
    expect(await ctx.database.db.selectFrom('source_batch').select('id').execute()).toEqual(before);
    expect((await feedAudits(feedId)).at(-1)).toMatchObject({
      actor_type: 'system',
      outcome: 'failure',
      target: null,
      details: { source: 'nhs_demographics', problem: 'INVALID_INPUT' },
    });
    expect(spooledFiles()).toEqual([]);
  });

  it('refuses a source the token was not issued for with 403, unread, stores nothing, and audits the refusal', async () => {
    const before = await staged();
    const audited = (await feedAudits(feedId)).length;
    let pulled = false;
    const body = new Readable({
      read() {
        pulled = true;
        this.push(GOOD_BATCH);
        this.push(null);
      },
    });
    const response = await post(body, {
      headers: { ...bearer(censusToken), 'x-request-id': 'feed-req-forbidden' },
    });
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json()).toMatchObject({
      error: {
        code: 'FORBIDDEN',
        message: 'This token was not issued for source "nhs_demographics" (it may post: school_census)',
      },
    });
    expect(pulled).toBe(false);
    expect(response.headers.connection).toBe('close');
    expect(await staged()).toEqual(before);
    expect(spooledFiles()).toEqual([]);
    const refusals = (await feedAudits(feedId)).slice(audited);
    expect(refusals).toEqual([
      {
        actor_type: 'system',
        outcome: 'denied',
        target: null,
        request_id: 'feed-req-forbidden',
        details: {
          source: 'nhs_demographics',
          problem: 'FORBIDDEN',
          message: expect.stringContaining('not issued for source "nhs_demographics"') as string,
          tokenId: expect.any(String) as string,
        },
      },
    ]);
  });

  it("lets each of an account's tokens post the source it was issued for", async () => {
    const census = await post(
      csv([
        'census_row_id,upn,legal_forename,middle_names,legal_surname,preferred_forename,preferred_surname,dob,gender,ncy,la_code,school_urn,school_name,postcode',
        `C1,${testUpn(501)},Ann,,Smith,,,2015-01-01,F,5,202,100000,Camden Primary,NW1 1AA`,
      ]),
      { source: 'school_census', headers: bearer(censusToken) },
    );
    expect(census.statusCode, census.body).toBe(201);
    expect(census.json()).toMatchObject({ source: 'school_census', rows: 1, accepted: 1 });
    const nhs = await post(csv([NHS_HEADER, nhsRow(502)]));
    expect(nhs.statusCode, nhs.body).toBe(201);
    expect(nhs.json()).toMatchObject({ source: 'nhs_demographics', rows: 1, accepted: 1 });
  });

  it('refuses a token issued before tokens named their sources', async () => {
    const { secret, token } = await issue(feedId, 'from before', ['nhs_demographics']);
    await ctx.database.db.updateTable('api_token').set({ sources: [] }).where('id', '=', token.id).execute();
    const before = await staged();
    const response = await post(GOOD_BATCH, { headers: bearer(secret) });
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json<{ error: { message: string } }>().error.message).toMatch(/may post no source/);
    expect(await staged()).toEqual(before);
    expect((await feedAudits(feedId)).at(-1)).toMatchObject({
      outcome: 'denied',
      details: { source: 'nhs_demographics', problem: 'FORBIDDEN', tokenId: token.id },
    });
  });

  it('answers an undeclared source with 404 naming the declared ones', async () => {
    const response = await post(GOOD_BATCH, { source: 'nhs_demographic' });
    expect(response.statusCode, response.body).toBe(404);
    expect(response.json<{ error: { message: string } }>().error.message).toMatch(
      /no feed source is declared as "nhs_demographic" \(declared: .*nhs_demographics/i,
    );
  });

  it('refuses a body of another type', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/feeds/nhs_demographics/batches',
      headers: bearer(feedToken),
      payload: { rows: [] },
    });
    expect(response.statusCode, response.body).toBe(415);
  });

  it('refuses a batch over the limit with 413, declared or streamed, and stores nothing', async () => {
    const before = await ctx.database.db.selectFrom('source_batch').select('id').execute();
    const declared = await post(GOOD_BATCH, {
      headers: { ...bearer(feedToken), 'content-length': String(ctx.services.feeds.maxBatchBytes + 1) },
    });
    expect(declared.statusCode, declared.body).toBe(413);
    expect(declared.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });

    // The same database behind an app with a small limit: a body sent without a length is counted as it arrives.
    const services = createServices({
      config: ctx.config,
      database: ctx.database,
      logger: pino({ level: 'silent' }),
      clock: ctx.clock.now,
      maxFeedBatchBytes: 4096,
    });
    const small = await createApp(services);
    try {
      const rows = Array.from({ length: 200 }, (_, i) => nhsRow(1000 + i));
      const streamed = await post(Readable.from([csv([NHS_HEADER, ...rows])]), { app: small });
      expect(streamed.statusCode, streamed.body).toBe(413);
      expect(streamed.headers.connection).toBe('close');
      // Over a real connection, the caller is told why rather than cut off.
      await small.listen({ host: '127.0.0.1', port: 0 });
      expect(await postChunked(small, feedToken, csv([NHS_HEADER, ...rows]))).toBe(413);
      const fits = await post(csv([NHS_HEADER, nhsRow(301)]), { app: small });
      expect(fits.statusCode, fits.body).toBe(201);
    } finally {
      await small.close();
    }
    const after = await ctx.database.db.selectFrom('source_batch').select('id').execute();
    expect(after.length).toBe(before.length + 1);
    expect(spooledFiles()).toEqual([]);
  });
});

describe('GET /api/feeds/batches/:id', () => {
  it("shows a batch only to the account that posted it, through a token for its source, and never to a person's session", async () => {
    const posted = await post(csv([NHS_HEADER, nhsRow(401)]));
    const { batchId } = posted.json<{ batchId: number }>();
    const url = `/api/feeds/batches/${batchId}`;
    const other = await ctx.app.inject({ method: 'GET', url, headers: bearer(otherFeedToken) });
    expect(other.statusCode).toBe(404);
    const otherSource = await ctx.app.inject({ method: 'GET', url, headers: bearer(censusToken) });
    expect(otherSource.statusCode).toBe(404);
    expect(otherSource.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'No such batch' } });
    const person = await ctx.app.inject({ method: 'GET', url, headers: practitioner.headers });
    expect(person.statusCode).toBe(403);
    const missing = await ctx.app.inject({
      method: 'GET',
      url: '/api/feeds/batches/999999',
      headers: bearer(feedToken),
    });
    expect(missing.statusCode).toBe(404);
    const own = await ctx.app.inject({ method: 'GET', url, headers: bearer(feedToken) });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ batchId, rows: 1, accepted: 1, quarantined: 0 });
  });
});
