import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../access/access.model.ts';
import type { ChildField } from '../access/policy/policy.ts';
import {
  archivedOn,
  auditEntries,
  createChildAccessTestContext,
  type ChildAccessTestContext,
} from '../access/policy/policy.test-support.ts';
import { FIELD_MEMBERS } from '../access/policy/redact.ts';
import { createPerson, OPERATOR, signIn, type SignedInSession } from '../access/test-support.ts';
import type { ChildRecord } from './child.model.ts';
import { RECEIVED_AT } from './child.test-support.ts';

/**
 * The children API through the real application: the read endpoints swept over every role and record
 * state (the thin HTTP layer over the policy matrix in policy.test.ts), then each route's own rules.
 */

let ctx: ChildAccessTestContext;
const sessions = {} as Record<Exclude<Role, 'feed'>, SignedInSession>;
let feedHeaders: Record<string, string>;
let secondPractitioner: SignedInSession;
const children = {} as Record<State, ChildRecord>;

const STATES = [
  'normal',
  'shielded',
  'archived, first year',
  'archived, later',
  'deceased',
  'other LA',
  'post-adoption',
] as const;
type State = (typeof STATES)[number];
const ROLES = ['practitioner', 'la_management', 'shielder', 'data_manager', 'auditor', 'feed'] as const;

const RESTRICTED: ChildField[] = ['contactPointId', 'name', 'gender', 'dateOfBirth', 'laContact'];
const CURRENT: ChildField[] = [
  ...RESTRICTED,
  'status',
  'otherNames',
  'identifiers',
  'addresses',
  'carers',
  'educationalSetting',
  'gpPractice',
  'involvements',
  'caf',
];
const FIELDS = {
  R: RESTRICTED,
  C: CURRENT,
  M: [...CURRENT, 'shield', 'history'],
  D: [...CURRENT, 'history', 'provenance'],
} satisfies Record<string, ChildField[]>;
type Cell = keyof typeof FIELDS | 403 | 404;

// Columns as ROLES. The "normal" record also holds a sensitive involvement with consent.
const VIEW: Record<State, readonly Cell[]> = {
  normal: ['C', 'M', 'M', 'D', 'D', 403],
  shielded: ['R', 'M', 'M', 'R', 'R', 403],
  'archived, first year': [404, 404, 404, 'D', 404, 403],
  'archived, later': [404, 404, 404, 404, 'D', 403],
  deceased: ['C', 'M', 'M', 'D', 'D', 403],
  'other LA': ['C', 'C', 'C', 'D', 'D', 403],
  'post-adoption': ['R', 'M', 'M', 'R', 'R', 403],
};

const SHIELD = { reason: 'risk_to_child', reviewDate: '2027-03-01' } as const;

function headersFor(role: (typeof ROLES)[number]): Record<string, string> {
  return role === 'feed' ? feedHeaders : sessions[role].headers;
}

function queryFor(role: (typeof ROLES)[number]): string {
  return role === 'auditor'
    ? 'reason=investigation&caseReference=INV%2F2026%2F9'
    : 'reason=safeguarding-concern';
}

beforeAll(async () => {
  ctx = await createChildAccessTestContext();
  for (const role of ROLES) {
    if (role === 'feed') continue;
    sessions[role] = await signIn(ctx, await createPerson(ctx, { roles: [role] }));
  }
  secondPractitioner = await signIn(ctx, await createPerson(ctx, { roles: ['practitioner'] }));
  const feed = await ctx.services.access.users.register(OPERATOR, {
    username: 'camden-feed',
    displayName: 'Camden feed',
    organisationId: ctx.la.organisationId,
    localAuthority: ctx.la.code,
    roles: ['feed'],
  });
  const { secret } = await ctx.services.access.tokens.create(OPERATOR, {
    userId: feed.user.id,
    name: 'feed',
    sources: ['nhs_demographics'],
  });
  feedHeaders = { authorization: `Bearer ${secret}` };

  const consented = {
    serviceId: ctx.ref.sensitiveService.id,
    practitionerName: 'Sam Sensitive',
    practitionerPhone: '01632 960700',
    startedOn: '2025-02-01',
    consent: { recordedAt: RECEIVED_AT, recordedBy: 'clinic' },
  };
  const normal = await ctx.newChild();
  children.normal = await ctx.services.children.addInvolvement(
    normal.id,
    consented,
    { source: ctx.ref.source },
    { actor: 'test' },
  );
  children.shielded = await ctx.newChild({ shield: SHIELD });
  const archived = await ctx.newChild();
  children['archived, first year'] = await ctx.services.children.archive(archived.id, { actor: 'test' });
  const older = await ctx.newChild();
  await ctx.services.children.archive(older.id, { actor: 'test' });
  await archivedOn(ctx, older.id, '2024-06-01');
  children['archived, later'] = older;
  const deceased = await ctx.newChild();
  children.deceased = await ctx.services.children.recordDeath(
    deceased.id,
    '2026-10-01',
    { source: ctx.ref.source },
    { actor: 'test' },
  );
  children['other LA'] = await ctx.newChild({ responsibleLa: ctx.otherLa.code });
  children['post-adoption'] = await ctx.newChild({
    shield: { reason: 'adoption', reviewDate: '2027-03-01' },
    postAdoption: true,
  });
});
afterAll(async () => {
  await ctx.close();
});

function membersOf(fields: readonly ChildField[]): string[] {
  return ['restricted', ...fields.flatMap((field) => FIELD_MEMBERS[field])].sort();
}

function errorOf(response: LightMyRequestResponse) {
  return response.json<{ error: { code: string; message: string } }>().error;
}

describe('GET /api/children/:contactPointId over every role and record state', () => {
  const cells = STATES.flatMap((state) =>
    ROLES.map((role, i) => ({ state, role, expected: VIEW[state][i] })),
  );

  it.each(cells)('$role viewing a $state record: $expected', async ({ state, role, expected }) => {
    const child = children[state];
    const response = await ctx.app.inject({
      method: 'GET',
      url: `/api/children/${child.contactPointId}?${queryFor(role)}`,
      headers: headersFor(role),
    });
    if (expected === 403 || expected === 404) {
      expect(response.statusCode, response.body).toBe(expected);
      if (expected === 404)
        expect(errorOf(response)).toEqual({
          code: 'NOT_FOUND',
          message: 'No child record was found',
          requestId: expect.any(String) as string,
        });
      return;
    }
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const view = response.json<Record<string, unknown>>();
    expect(Object.keys(view).sort()).toEqual(membersOf(FIELDS[expected ?? 'R']));
    if (expected === 'R') {
      for (const secret of [
        'Test Street',
        'SW1A',
        'Testtown',
        'Jane Test',
        'Test Primary',
        'Test Surgery',
        'Pat Practitioner',
      ]) {
        expect(response.body).not.toContain(secret);
      }
      expect(view.restricted).toBe(true);
    }
    if (state === 'normal' && expected !== 'R') {
      expect((view.involvements as { service: { name: string } }[]).map((i) => i.service.name)).toEqual([
        'Health visiting',
        'Sexual health clinic',
      ]);
    }
  });

  it('answers an unknown record exactly as an archived one the caller may not see', async () => {
    const unknown = await ctx.app.inject({
      method: 'GET',
      url: '/api/children/CP1234567897?reason=safeguarding-concern',
      headers: sessions.practitioner.headers,
    });
    const archived = await ctx.app.inject({
      method: 'GET',
      url: `/api/children/${children['archived, later'].contactPointId}?reason=safeguarding-concern`,
      headers: sessions.practitioner.headers,
    });
    expect(unknown.statusCode).toBe(404);
    expect({ ...errorOf(archived), requestId: '' }).toEqual({ ...errorOf(unknown), requestId: '' });
  });

  it('needs a signed-in caller and a reason, and audits the view with it', async () => {
    const url = `/api/children/${children.normal.contactPointId}`;
    expect((await ctx.app.inject({ method: 'GET', url: `${url}?reason=case-review` })).statusCode).toBe(401);
    const noReason = await ctx.app.inject({ method: 'GET', url, headers: sessions.practitioner.headers });
    expect(noReason.statusCode).toBe(400);
    expect(errorOf(noReason).message).toContain('State a reason for access');
    const investigation = await ctx.app.inject({
      method: 'GET',
      url: `${url}?reason=investigation`,
      headers: sessions.auditor.headers,
    });
    expect(errorOf(investigation).message).toContain('case reference');
    const ok = await ctx.app.inject({
      method: 'GET',
      url: `${url}?reason=contact-practitioner&reasonText=${encodeURIComponent('GP asked')}`,
      headers: sessions.practitioner.headers,
    });
    expect(ok.statusCode).toBe(200);
    const views = await auditEntries(ctx, { action: 'child.view', childId: children.normal.id });
    expect(views.at(-1)).toMatchObject({
      outcome: 'success',
      reason: 'contact-practitioner',
      reasonText: 'GP asked',
      details: { view: 'full' },
    });
  });
});

describe('GET /api/children/search', () => {
  const url = (query: string) => `/api/children/search?${query}`;

  it('finds by surname and date of birth; a shielded child shows only the restricted summary', async () => {
    const open = await ctx.newChild({
      name: { forename: 'Ivy', surname: 'Quennell' },
      dateOfBirth: '2013-05-05',
    });
    const response = await ctx.app.inject({
      method: 'GET',
      url: url('surname=Quennell&dateOfBirth=2013-05-05&reason=safeguarding-concern'),
      headers: sessions.practitioner.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      matched: 1,
      results: [expect.objectContaining({ contactPointId: open.contactPointId, restricted: false })],
    });

    const hidden = await ctx.newChild({
      name: { forename: 'Ada', surname: 'Zabriskie' },
      dateOfBirth: '2012-02-02',
      shield: SHIELD,
    });
    const shielded = await ctx.app.inject({
      method: 'GET',
      url: url('surname=Zabriskie&dateOfBirth=2012-02-02&reason=safeguarding-concern'),
      headers: sessions.practitioner.headers,
    });
    const results = shielded.json<{ results: Record<string, unknown>[] }>().results;
    expect(results.map((r) => r.contactPointId)).toEqual([hidden.contactPointId]);
    expect(Object.keys(results[0] ?? {}).sort()).toEqual(membersOf(RESTRICTED));
    expect(shielded.body).not.toContain('SW1A');
    const byPostcode = await ctx.app.inject({
      method: 'GET',
      url: url('surname=Zabriskie&forename=Ada&postcode=SW1A1AA&reason=safeguarding-concern'),
      headers: sessions.practitioner.headers,
    });
    expect(byPostcode.json()).toEqual({ matched: 0, results: [] });
  });

  it('refuses insufficient criteria and wildcards with a clear message, and feed accounts outright', async () => {
    const thin = await ctx.app.inject({
      method: 'GET',
      url: url('surname=Brien&reason=safeguarding-concern'),
      headers: sessions.practitioner.headers,
    });
    expect(thin.statusCode).toBe(400);
    expect(errorOf(thin).message).toContain('Give enough to identify one child');
    const wild = await ctx.app.inject({
      method: 'GET',
      url: url('surname=Br%25&dateOfBirth=2015-03-14&reason=safeguarding-concern'),
      headers: sessions.practitioner.headers,
    });
    expect(errorOf(wild).message).toContain('Wildcards');
    const feed = await ctx.app.inject({
      method: 'GET',
      url: url('surname=Brien&dateOfBirth=2015-03-14&reason=system'),
      headers: feedHeaders,
    });
    expect(feed.statusCode).toBe(400);
    const feedWithReason = await ctx.app.inject({
      method: 'GET',
      url: url('surname=Brien&dateOfBirth=2015-03-14&reason=safeguarding-concern'),
      headers: feedHeaders,
    });
    expect(feedWithReason.statusCode).toBe(403);
  });
});

describe('shield routes', () => {
  it('a shielder shields and unshields; others are refused; post-adoption stays shielded; reviews are listed', async () => {
    const child = await ctx.newChild();
    const path = `/api/children/${child.contactPointId}/shield`;
    const byPractitioner = await ctx.app.inject({
      method: 'POST',
      url: path,
      headers: sessions.practitioner.headers,
      payload: SHIELD,
    });
    expect(byPractitioner.statusCode).toBe(403);
    const bad = await ctx.app.inject({
      method: 'POST',
      url: path,
      headers: sessions.shielder.headers,
      payload: { reason: 'because', reviewDate: '2027-03-01' },
    });
    expect(bad.statusCode).toBe(400);
    const set = await ctx.app.inject({
      method: 'POST',
      url: path,
      headers: sessions.shielder.headers,
      payload: SHIELD,
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ shield: { reason: 'risk_to_child', reviewDate: '2027-03-01' } });

    const due = await ctx.app.inject({
      method: 'GET',
      url: '/api/shields/due?withinDays=120',
      headers: sessions.shielder.headers,
    });
    expect(due.statusCode).toBe(200);
    expect(
      due.json<{ shields: { contactPointId: string }[] }>().shields.map((s) => s.contactPointId),
    ).toContain(child.contactPointId);
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: '/api/shields/due',
          headers: sessions.practitioner.headers,
        })
      ).statusCode,
    ).toBe(403);

    const cleared = await ctx.app.inject({ method: 'DELETE', url: path, headers: sessions.shielder.headers });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).toMatchObject({ shield: null });

    const adopted = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/children/${children['post-adoption'].contactPointId}/shield`,
      headers: sessions.shielder.headers,
    });
    expect(adopted.statusCode).toBe(403);
    expect(errorOf(adopted).message).toBe('A post-adoption record is always shielded');
  });
});

describe('involvement routes: practitioners change only their own', () => {
  it('adds, makes lead and ends their own involvement; another practitioner cannot touch it', async () => {
    const child = await ctx.newChild({ involvements: [] });
    const base = `/api/children/${child.contactPointId}`;
    const added = await ctx.app.inject({
      method: 'POST',
      url: `${base}/involvements`,
      headers: sessions.practitioner.headers,
      payload: { serviceId: ctx.ref.service.id, startedOn: '2026-11-01' },
    });
    expect(added.statusCode, added.body).toBe(201);
    const involvement = added.json<{
      involvements: { id: number; own: boolean; leadProfessional: boolean }[];
    }>().involvements[0];
    expect(involvement).toMatchObject({ own: true, leadProfessional: false });
    const id = involvement?.id ?? 0;

    const stolen = await ctx.app.inject({
      method: 'POST',
      url: `${base}/involvements/${id}/end`,
      headers: secondPractitioner.headers,
      payload: { endedOn: '2026-11-20' },
    });
    expect(stolen.statusCode).toBe(403);
    expect(errorOf(stolen).message).toContain('only change involvements you recorded');

    const lead = await ctx.app.inject({
      method: 'POST',
      url: `${base}/involvements/${id}/lead`,
      headers: sessions.practitioner.headers,
    });
    expect(lead.statusCode, lead.body).toBe(200);
    const leadInvolvement = lead.json<{
      involvements: { id: number; leadProfessional: boolean; own: boolean }[];
    }>().involvements[0];
    expect(leadInvolvement).toMatchObject({ leadProfessional: true, own: true });

    const ended = await ctx.app.inject({
      method: 'POST',
      url: `${base}/involvements/${leadInvolvement?.id ?? 0}/end`,
      headers: sessions.practitioner.headers,
      payload: { endedOn: '2026-11-20' },
    });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toMatchObject({ involvements: [{ endedOn: '2026-11-20', own: true }] });

    const caf = await ctx.app.inject({
      method: 'PUT',
      url: `${base}/caf`,
      headers: sessions.practitioner.headers,
      payload: { completedOn: '2026-11-02' },
    });
    expect(caf.statusCode, caf.body).toBe(200);
    expect(caf.json()).toMatchObject({ caf: { exists: true, completedOn: '2026-11-02' } });

    const report = await ctx.app.inject({
      method: 'POST',
      url: `${base}/inaccuracies`,
      headers: sessions.practitioner.headers,
      payload: { field: 'address', description: 'The family moved in October' },
    });
    expect(report.statusCode, report.body).toBe(201);
    const changes = await auditEntries(ctx, { action: 'child.change', childId: child.id });
    expect(changes.map((e) => [e.outcome, e.details.change ?? e.details.rule])).toEqual([
      ['success', 'involvement-added'],
      ['denied', 'policy.own-involvements-only'],
      ['success', 'lead-professional'],
      ['success', 'involvement-ended'],
      ['success', 'caf-recorded'],
      ['success', 'inaccuracy-reported'],
    ]);
  });

  it('refuses writes on shielded and archived records without revealing more', async () => {
    const payload = { serviceId: ctx.ref.service.id, startedOn: '2026-11-01' };
    const shielded = await ctx.app.inject({
      method: 'POST',
      url: `/api/children/${children.shielded.contactPointId}/involvements`,
      headers: sessions.practitioner.headers,
      payload,
    });
    expect(shielded.statusCode).toBe(403);
    expect(errorOf(shielded).message).toContain('contact the local authority');
    const archived = await ctx.app.inject({
      method: 'POST',
      url: `/api/children/${children['archived, later'].contactPointId}/involvements`,
      headers: sessions.practitioner.headers,
      payload,
    });
    expect(archived.statusCode).toBe(404);
    const byManager = await ctx.app.inject({
      method: 'POST',
      url: `/api/children/${children.normal.contactPointId}/involvements`,
      headers: sessions.la_management.headers,
      payload,
    });
    expect(byManager.statusCode).toBe(403);
  });
});
