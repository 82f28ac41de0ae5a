import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildRecord } from '../children/child.model.ts';
import {
  auditEntries,
  createChildAccessTestContext,
  person,
  type ChildAccessTestContext,
} from '../access/policy/policy.test-support.ts';
import { OPERATOR, sessionHeaders, signIn, type SignedInSession } from '../access/test-support.ts';

let ctx: ChildAccessTestContext;
let dataManager: SignedInSession;
let dataManagerId: string;
let shielder: SignedInSession;
let practitioner: SignedInSession;
let rowSerial = 0;

async function queueRow(child: ChildRecord, shielded: boolean): Promise<{ rowId: number; reviewId: number }> {
  rowSerial += 1;
  const db = ctx.database.db;
  const row = await db
    .insertInto('feed_row')
    .values({
      batch_id: ctx.ref.batch.id,
      row_number: rowSerial,
      source_name: ctx.ref.source,
      source_record_id: `HTTP-${rowSerial}`,
      fields: JSON.stringify({ forename: 'Amelia', surname: 'Httpfamily', dateOfBirth: '2015-03-14' }),
      status: 'review',
      resolved_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const review = await db
    .insertInto('match_review')
    .values({
      kind: 'row',
      feed_row_id: row.id,
      child_id: child.id,
      weight: 4,
      probability: 0.6,
      explanation: JSON.stringify({
        priorWeight: -10,
        steps: [],
        weight: 4,
        probability: 0.6,
        decision: 'review',
        veto: null,
        deterministic: null,
        hold: null,
      }),
      reason: 'review-band',
      shielded,
      responsible_la: child.responsibleLa,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { rowId: row.id, reviewId: review.id };
}

beforeAll(async () => {
  ctx = await createChildAccessTestContext();
  const dm = await person(ctx, ['data_manager']);
  dataManagerId = dm.user.id;
  dataManager = await signIn(ctx, dm);
  shielder = await signIn(ctx, await person(ctx, ['shielder']));
  practitioner = await signIn(ctx, await person(ctx, ['practitioner']));
}, 120_000);

afterAll(async () => {
  await ctx.close();
});

describe('the review API', () => {
  it('refuses every route without sign-in, and a decision without the CSRF token', async () => {
    const child = await ctx.newChild();
    const { reviewId } = await queueRow(child, false);
    for (const request of [
      { method: 'GET', url: '/api/reviews' },
      { method: 'GET', url: `/api/reviews/${reviewId}` },
      {
        method: 'POST',
        url: `/api/reviews/${reviewId}/decision`,
        payload: { decision: 'link', reason: 'x' },
      },
    ] as const) {
      const response = await ctx.app.inject(request);
      expect(response.statusCode, request.url).toBe(401);
    }
    const noCsrf = await ctx.app.inject({
      method: 'POST',
      url: `/api/reviews/${reviewId}/decision`,
      headers: sessionHeaders(ctx, dataManager.cookie),
      payload: { decision: 'link', reason: 'Same child' },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json<{ error: { code: string } }>().error.code).toBe('CSRF');
    const status = await ctx.database.db
      .selectFrom('match_review')
      .select('status')
      .where('id', '=', reviewId)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe('open');
  });

  it('lists, shows and decides a review for a data manager, audited, with no caching', async () => {
    const child = await ctx.newChild();
    const { rowId, reviewId } = await queueRow(child, false);

    const list = await ctx.app.inject({
      method: 'GET',
      url: '/api/reviews?limit=200',
      headers: dataManager.headers,
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.headers['cache-control']).toBe('no-store');
    expect(list.json<{ reviews: { id: number }[] }>().reviews.map((r) => r.id)).toContain(reviewId);

    const show = await ctx.app.inject({
      method: 'GET',
      url: `/api/reviews/${reviewId}`,
      headers: dataManager.headers,
    });
    expect(show.statusCode, show.body).toBe(200);
    const view = show.json<{ children: { contactPointId: string; values: Record<string, string> }[] }>();
    expect(view.children[0]).toMatchObject({
      contactPointId: child.contactPointId,
      values: { postcode: 'SW1A 1AA' },
    });

    const bad = await ctx.app.inject({
      method: 'POST',
      url: `/api/reviews/${reviewId}/decision`,
      headers: dataManager.headers,
      payload: { decision: 'maybe', reason: 'unsure' },
    });
    expect(bad.statusCode).toBe(400);

    const decided = await ctx.app.inject({
      method: 'POST',
      url: `/api/reviews/${reviewId}/decision`,
      headers: dataManager.headers,
      payload: { decision: 'link', reason: 'Same child' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toEqual({
      id: reviewId,
      status: 'linked',
      outcome: 'linked',
      createdContactPointId: null,
    });
    const row = await ctx.database.db
      .selectFrom('feed_row')
      .select(['status', 'child_id'])
      .where('id', '=', rowId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'linked', child_id: child.id });

    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/reviews/${reviewId}/decision`,
      headers: dataManager.headers,
      payload: { decision: 'not_a_match', reason: 'Second thoughts' },
    });
    expect(again.statusCode).toBe(409);

    const audit = await auditEntries(ctx, { childId: child.id, actor: dataManagerId });
    expect(audit.map((e) => [e.action, e.outcome])).toEqual([
      ['match.review-read', 'success'],
      ['match.review-decision', 'success'],
      ['match.review-decision', 'failure'],
    ]);
  });

  it('answers a shielded review as not found to a data manager, and shows it to the LA’s shielder', async () => {
    const child = await ctx.newChild();
    await ctx.services.shields.set(OPERATOR, child.contactPointId, {
      reason: 'risk_to_adult',
      reviewDate: '2027-06-01',
    });
    const { reviewId } = await queueRow(child, true);

    const hidden = await ctx.app.inject({
      method: 'GET',
      url: `/api/reviews/${reviewId}`,
      headers: dataManager.headers,
    });
    const missing = await ctx.app.inject({
      method: 'GET',
      url: '/api/reviews/987654',
      headers: dataManager.headers,
    });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json<{ error: { message: string } }>().error.message).toBe(
      missing.json<{ error: { message: string } }>().error.message,
    );
    expect(hidden.body).not.toContain('SW1A');

    const shown = await ctx.app.inject({
      method: 'GET',
      url: `/api/reviews/${reviewId}`,
      headers: shielder.headers,
    });
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.body).toContain('SW1A 1AA');

    const refused = await ctx.app.inject({
      method: 'GET',
      url: '/api/reviews',
      headers: practitioner.headers,
    });
    expect(refused.statusCode).toBe(403);
  });
});
