import { describe, expect, it } from 'vitest';
import type { ChildRecord, Involvement, Provenance } from '../../children/child.model.ts';
import type { Principal, Role } from '../access.model.ts';
import { recordStateOf } from './child-access.service.ts';
import {
  CHILD_ACTIONS,
  decide,
  decideCaller,
  mayListShieldsDue,
  type ChildAction,
  type ChildField,
  type Purpose,
} from './policy.ts';
import { FIELD_MEMBERS, redact, redactSearchResult, type ChildView } from './redact.ts';

/**
 * The authorisation matrix: every role, every action, every record state. Each cell says what must
 * happen, and for reads exactly which members the view holds; nothing the shield or consent rules
 * hide may appear anywhere in a view the policy restricts. The expected tables are written out by
 * hand, not derived from the policy's own constants.
 */

const TODAY = '2026-11-25';
const HOME_LA = '202';
const OTHER_LA = '204';

// ---- the people ----

const ROLES_IN_ORDER = [
  'practitioner',
  'la_management',
  'shielder',
  'data_manager',
  'auditor',
  'feed',
] as const;

function principal(role: Role): Principal {
  const national = role === 'data_manager' || role === 'auditor';
  return {
    userId: `00000000-0000-4000-8000-00000000000${ROLES_IN_ORDER.findIndex((r) => r === role) + 1}`,
    roles: [role],
    organisationId: '11111111-1111-4111-8111-111111111111',
    la: national ? null : HOME_LA,
    via: role === 'feed' ? 'token' : 'session',
  };
}

const INVESTIGATION: Purpose = { reason: 'investigation', text: null, caseReference: 'INV/2026/001' };
const SAFEGUARDING: Purpose = { reason: 'safeguarding-concern', text: null, caseReference: null };

/** Auditors read for an investigation; everyone else gives an ordinary reason. */
function purposeFor(role: Role): Purpose {
  return role === 'auditor' ? INVESTIGATION : SAFEGUARDING;
}

// ---- the records ----

const P: Provenance = { source: 'test-pds', batchId: 1, receivedAt: new Date('2026-01-01T00:00:00Z') };
const recorded = (id: number) => ({
  id,
  provenance: P,
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validTo: null,
});

// Words that locate the child or name the people around them: none may appear in a restricted view.
const SECRETS = [
  '1 Secret Street',
  'SW1A 1AA',
  'Hiddentown',
  'Carer Secretname',
  '07700 900999',
  'Secret Primary School',
  'Secret Surgery',
  'Pat Hiddenpractitioner',
  '9990000026',
  'Formername',
] as const;

function involvement(id: number, options: { sensitive: boolean; consent: boolean }): Involvement {
  return {
    ...recorded(id),
    serviceId: 'svc',
    practitionerName: options.sensitive ? 'Sam Sensitive' : 'Pat Hiddenpractitioner',
    practitionerPhone: '01632 960500',
    practitionerEmail: null,
    startedOn: '2025-01-06',
    endedOn: null,
    leadProfessional: false,
    sensitive: options.sensitive,
    consent: options.consent ? { recordedAt: new Date('2025-01-06T10:00:00Z'), recordedBy: 'someone' } : null,
    service: {
      id: 'svc',
      name: options.sensitive ? 'Sexual health clinic' : 'Health visiting',
      type: options.sensitive ? 'sexual_health' : 'health',
      sensitive: options.sensitive,
      phone: null,
      email: null,
      organisation: { id: 'org', name: 'Testshire Health Trust' },
    },
  };
}

function baseRecord(): ChildRecord {
  return {
    id: '22222222-2222-4222-8222-222222222222',
    contactPointId: 'CP1234567897',
    status: 'active',
    gender: 'female',
    dateOfBirth: '2015-03-14',
    dateOfDeath: null,
    responsibleLa: HOME_LA,
    shield: null,
    postAdoption: false,
    extension: null,
    archivedAt: null,
    purgedAt: null,
    mergedInto: null,
    provenance: P,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    version: 1,
    localAuthority: {
      code: HOME_LA,
      name: 'Camden',
      managementTeam: { name: 'CP team', phone: '020 7974 1234', email: 'cp@camden.example' },
    },
    names: {
      current: [
        { ...recorded(1), kind: 'current', forename: 'Amelia', middleNames: null, surname: 'Brien' },
        { ...recorded(2), kind: 'former', forename: 'Amelia', middleNames: null, surname: 'Formername' },
      ],
      previous: [],
    },
    addresses: {
      current: [
        {
          ...recorded(3),
          line1: '1 Secret Street',
          line2: null,
          line3: null,
          line4: null,
          town: 'Hiddentown',
          postcode: 'SW1A 1AA',
          uprn: null,
        },
      ],
      previous: [],
    },
    identifiers: { current: [{ ...recorded(4), scheme: 'nhs_number', value: '9990000026' }], previous: [] },
    carers: {
      current: [
        {
          ...recorded(5),
          name: 'Carer Secretname',
          relationship: 'mother',
          parentalResponsibility: true,
          phone: '07700 900999',
          email: null,
          address: null,
        },
      ],
      previous: [],
    },
    educationalSettings: {
      current: [
        { ...recorded(6), urn: '100001', name: 'Secret Primary School', phone: null, startedOn: null },
      ],
      previous: [],
    },
    gpPractices: {
      current: [{ ...recorded(7), odsCode: 'A81001', name: 'Secret Surgery', phone: null, startedOn: null }],
      previous: [],
    },
    involvements: { current: [involvement(8, { sensitive: false, consent: false })], previous: [] },
    caf: { current: [], previous: [] },
    events: [],
  };
}

const SHIELD = {
  reason: 'risk_to_child',
  reviewDate: '2027-03-01',
  shieldedAt: new Date('2026-06-01T00:00:00Z'),
} as const;
const OTHER_LA_CONTACT = {
  code: OTHER_LA,
  name: 'Hackney',
  managementTeam: { name: 'CP team', phone: '020 8356 0000', email: 'cp@hackney.example' },
};

const STATES = {
  normal: () => baseRecord(),
  shielded: () => ({ ...baseRecord(), shield: SHIELD }),
  'sensitive with consent': () => ({
    ...baseRecord(),
    involvements: {
      current: [
        involvement(8, { sensitive: false, consent: false }),
        involvement(9, { sensitive: true, consent: true }),
      ],
      previous: [],
    },
  }),
  'sensitive without consent': () => ({
    ...baseRecord(),
    involvements: {
      current: [
        involvement(8, { sensitive: false, consent: false }),
        involvement(9, { sensitive: true, consent: false }),
      ],
      previous: [],
    },
  }),
  'archived, first year': () => ({ ...baseRecord(), status: 'archived', archivedAt: '2026-03-01' }),
  'archived, later': () => ({ ...baseRecord(), status: 'archived', archivedAt: '2024-06-01' }),
  deceased: () => ({ ...baseRecord(), status: 'deceased', dateOfDeath: '2026-10-01' }),
  'other LA': () => ({ ...baseRecord(), responsibleLa: OTHER_LA, localAuthority: OTHER_LA_CONTACT }),
  'shielded, other LA': () => ({
    ...baseRecord(),
    shield: SHIELD,
    responsibleLa: OTHER_LA,
    localAuthority: OTHER_LA_CONTACT,
  }),
  'post-adoption': () => ({ ...baseRecord(), shield: { ...SHIELD, reason: 'adoption' }, postAdoption: true }),
  merged: () => ({ ...baseRecord(), mergedInto: '33333333-3333-4333-8333-333333333333' }),
} satisfies Record<string, () => ChildRecord>;
type State = keyof typeof STATES;

// ---- what each cell must be ----

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
  /** A search result: summary only. */
  S: [...RESTRICTED, 'status', 'addresses'],
} satisfies Record<string, ChildField[]>;

type Read = keyof typeof FIELDS | '403' | '404';
type Write = 'ok' | '403' | '404';

// Columns: practitioner, LA management (home LA), shielder (home LA), data manager, auditor
// (investigating, with a case reference), feed.
const VIEW: Record<State, readonly Read[]> = {
  normal: ['C', 'M', 'M', 'D', 'D', '403'],
  shielded: ['R', 'M', 'M', 'R', 'R', '403'],
  'sensitive with consent': ['C', 'M', 'M', 'D', 'D', '403'],
  'sensitive without consent': ['C', 'M', 'M', 'D', 'D', '403'],
  'archived, first year': ['404', '404', '404', 'D', '404', '403'],
  'archived, later': ['404', '404', '404', '404', 'D', '403'],
  deceased: ['C', 'M', 'M', 'D', 'D', '403'],
  'other LA': ['C', 'C', 'C', 'D', 'D', '403'],
  'shielded, other LA': ['R', 'R', 'R', 'R', 'R', '403'],
  'post-adoption': ['R', 'M', 'M', 'R', 'R', '403'],
  merged: ['404', '404', '404', '404', '404', '403'],
};

const SEARCH: Record<State, readonly Read[]> = {
  normal: ['S', 'S', 'S', 'S', 'S', '403'],
  shielded: ['R', 'S', 'S', 'R', 'R', '403'],
  'sensitive with consent': ['S', 'S', 'S', 'S', 'S', '403'],
  'sensitive without consent': ['S', 'S', 'S', 'S', 'S', '403'],
  'archived, first year': ['404', '404', '404', 'S', '404', '403'],
  'archived, later': ['404', '404', '404', '404', 'S', '403'],
  deceased: ['S', 'S', 'S', 'S', 'S', '403'],
  'other LA': ['S', 'S', 'S', 'S', 'S', '403'],
  'shielded, other LA': ['R', 'R', 'R', 'R', 'R', '403'],
  'post-adoption': ['R', 'S', 'S', 'R', 'R', '403'],
  merged: ['404', '404', '404', '404', '404', '403'],
};

/** Only practitioners write involvements and CAFs, on live records they can see in full. */
function byColumn(cells: Record<State, Write>, row: (cell: Write) => readonly Write[]) {
  const out = {} as Record<State, readonly Write[]>;
  for (const state of Object.keys(cells) as State[]) out[state] = row(cells[state]);
  return out;
}

const PRACTITIONER_ONLY = (cells: Record<State, Write>) =>
  byColumn(cells, (cell) => [cell, '403', '403', '403', '403', '403']);

const NEW_WORK = PRACTITIONER_ONLY({
  normal: 'ok',
  shielded: '403',
  'sensitive with consent': 'ok',
  'sensitive without consent': 'ok',
  'archived, first year': '404',
  'archived, later': '404',
  deceased: '403',
  'other LA': 'ok',
  'shielded, other LA': '403',
  'post-adoption': '403',
  merged: '404',
});

const END_OWN = PRACTITIONER_ONLY({
  normal: 'ok',
  shielded: '403',
  'sensitive with consent': 'ok',
  'sensitive without consent': 'ok',
  'archived, first year': '404',
  'archived, later': '404',
  deceased: 'ok',
  'other LA': 'ok',
  'shielded, other LA': '403',
  'post-adoption': '403',
  merged: '404',
});

const REPORT: Record<State, readonly Write[]> = {
  normal: ['ok', 'ok', 'ok', 'ok', '403', '403'],
  shielded: ['ok', 'ok', 'ok', 'ok', '403', '403'],
  'sensitive with consent': ['ok', 'ok', 'ok', 'ok', '403', '403'],
  'sensitive without consent': ['ok', 'ok', 'ok', 'ok', '403', '403'],
  'archived, first year': ['404', '404', '404', '403', '403', '403'],
  'archived, later': ['404', '404', '404', '404', '403', '403'],
  deceased: ['ok', 'ok', 'ok', 'ok', '403', '403'],
  'other LA': ['ok', 'ok', 'ok', 'ok', '403', '403'],
  'shielded, other LA': ['ok', 'ok', 'ok', 'ok', '403', '403'],
  'post-adoption': ['ok', 'ok', 'ok', 'ok', '403', '403'],
  merged: ['404', '404', '404', '404', '403', '403'],
};

const SHIELDER_ONLY = (cells: Record<State, Write>) =>
  byColumn(cells, (cell) => ['403', '403', cell, '403', '403', '403']);

const SHIELD_CELLS = {
  normal: 'ok',
  shielded: 'ok',
  'sensitive with consent': 'ok',
  'sensitive without consent': 'ok',
  'archived, first year': '404',
  'archived, later': '404',
  deceased: 'ok',
  'other LA': '403',
  'shielded, other LA': '403',
  'post-adoption': 'ok',
  merged: '404',
} satisfies Record<State, Write>;

const MATRIX: Record<ChildAction, Record<State, readonly (Read | Write)[]>> = {
  view: VIEW,
  search: SEARCH,
  'add-own-involvement': NEW_WORK,
  'mark-lead-professional': NEW_WORK,
  'record-caf': NEW_WORK,
  'end-own-involvement': END_OWN,
  'report-inaccuracy': REPORT,
  shield: SHIELDER_ONLY(SHIELD_CELLS),
  unshield: SHIELDER_ONLY({ ...SHIELD_CELLS, 'post-adoption': '403' }),
};

function membersOf(fields: readonly ChildField[]): string[] {
  return ['restricted', ...fields.flatMap((field) => FIELD_MEMBERS[field])].sort();
}

function viewFor(action: ChildAction, record: ChildRecord, role: Role): ChildView | undefined {
  const decision = decide(principal(role), action, recordStateOf(record), {
    today: TODAY,
    purpose: purposeFor(role),
    ownInvolvement: true,
  });
  if (!decision.allowed) return undefined;
  return action === 'search'
    ? (redactSearchResult(record, decision) as ChildView)
    : redact(record, decision, { ownInvolvementIds: new Set([8]) });
}

interface MatrixCell {
  readonly action: ChildAction;
  readonly state: State;
  readonly role: Role;
  readonly expected: Read | Write | 'missing';
}

describe('authorisation matrix: role × action × record state', () => {
  const cells = CHILD_ACTIONS.flatMap((action) =>
    (Object.keys(STATES) as State[]).flatMap((state) =>
      ROLES_IN_ORDER.map((role, column): MatrixCell => ({
        action,
        state,
        role,
        expected: MATRIX[action][state][column] ?? 'missing',
      })),
    ),
  );

  it('covers every action, state and role', () => {
    expect(cells).toHaveLength(CHILD_ACTIONS.length * Object.keys(STATES).length * ROLES_IN_ORDER.length);
    expect(cells.filter((cell) => cell.expected === 'missing')).toEqual([]);
  });

  it.each(cells)('$role $action on a $state record: $expected', ({ action, state, role, expected }) => {
    const record = STATES[state]();
    const decision = decide(principal(role), action, recordStateOf(record), {
      today: TODAY,
      purpose: purposeFor(role),
      ownInvolvement: true,
    });
    if (expected === '403' || expected === '404') {
      expect(decision).toMatchObject({
        allowed: false,
        answer: expected === '403' ? 'forbidden' : 'not-found',
      });
      return;
    }
    expect(decision.allowed).toBe(true);
    if (expected === 'ok' || expected === 'missing') return;
    const view = viewFor(action, record, role);
    expect(Object.keys(view ?? {}).sort()).toEqual(membersOf(FIELDS[expected]));
    expect(view?.restricted).toBe(expected === 'R');
    const json = JSON.stringify(view);
    if (expected === 'R') {
      // Zero leaks: nothing that could locate the child or name the people around them.
      for (const secret of SECRETS) expect(json).not.toContain(secret);
      expect(view?.localAuthority?.managementTeam.phone).toBeTruthy();
    }
    if (expected === 'S') {
      // A search summary never carries the street, the carers or the practitioners.
      for (const secret of [
        '1 Secret Street',
        'Carer Secretname',
        'Pat Hiddenpractitioner',
        'Secret Surgery',
      ]) {
        expect(json).not.toContain(secret);
      }
    }
    if (state === 'sensitive without consent') expect(json).not.toContain('Sexual health clinic');
    if (state === 'sensitive with consent' && (expected === 'C' || expected === 'M' || expected === 'D')) {
      expect(view?.involvements?.map((i) => i.service.name)).toEqual([
        'Health visiting',
        'Sexual health clinic',
      ]);
    }
  });
});

describe('rules the matrix does not show', () => {
  const state = recordStateOf(baseRecord());
  const shielded = recordStateOf({ ...baseRecord(), shield: SHIELD });

  it('a search that used a postcode does not return a shielded child to those who may not see where they live', () => {
    for (const role of ['practitioner', 'data_manager'] as const) {
      expect(
        decide(principal(role), 'search', shielded, {
          today: TODAY,
          purpose: SAFEGUARDING,
          searchUsedLocation: true,
        }),
      ).toMatchObject({
        allowed: false,
        answer: 'not-found',
        rule: 'policy.shielded-location-search',
      });
    }
    // The LA's own shielder may: they can see the address anyway.
    expect(
      decide(principal('shielder'), 'search', shielded, {
        today: TODAY,
        purpose: SAFEGUARDING,
        searchUsedLocation: true,
      }).allowed,
    ).toBe(true);
    // And an unshielded child is found by postcode as usual.
    expect(
      decide(principal('practitioner'), 'search', state, {
        today: TODAY,
        purpose: SAFEGUARDING,
        searchUsedLocation: true,
      }).allowed,
    ).toBe(true);
  });

  it('auditors read only for an investigation or a subject access request, refused before any lookup', () => {
    const auditor = principal('auditor');
    expect(decideCaller(auditor, 'view', SAFEGUARDING)).toMatchObject({
      answer: 'forbidden',
      rule: 'policy.auditor-needs-investigation',
    });
    expect(decideCaller(auditor, 'view', undefined)).not.toBeNull();
    const sar: Purpose = { reason: 'subject-access-request', text: 'SAR-1', caseReference: null };
    expect(decideCaller(auditor, 'view', sar)).toBeNull();
    // A subject access request is not an investigation: the older archive stays closed.
    const archived = recordStateOf(STATES['archived, later']());
    expect(decide(auditor, 'view', archived, { today: TODAY, purpose: sar })).toMatchObject({
      answer: 'not-found',
    });
  });

  it('the first year of the archive is a calendar year from the archive date', () => {
    const dataManager = principal('data_manager');
    const archivedOn = (archivedAt: string) =>
      recordStateOf({ ...baseRecord(), status: 'archived', archivedAt });
    expect(decide(dataManager, 'view', archivedOn('2025-11-26'), { today: TODAY }).allowed).toBe(true);
    expect(decide(dataManager, 'view', archivedOn('2025-11-25'), { today: TODAY }).allowed).toBe(false);
  });

  it('practitioners change only their own involvements', () => {
    for (const action of ['end-own-involvement', 'mark-lead-professional'] as const) {
      expect(
        decide(principal('practitioner'), action, state, { today: TODAY, ownInvolvement: false }),
      ).toMatchObject({
        allowed: false,
        answer: 'forbidden',
        rule: 'policy.own-involvements-only',
      });
    }
  });

  it('several roles give the union; a role refused outright does not turn a visible record into not found', () => {
    const both: Principal = { ...principal('practitioner'), roles: ['practitioner', 'shielder'] };
    const home = decide(both, 'view', shielded, { today: TODAY });
    expect(home.allowed && !home.restricted).toBe(true);
    const other = recordStateOf(STATES['shielded, other LA']());
    const decision = decide(both, 'view', other, { today: TODAY });
    expect(decision.allowed && decision.restricted).toBe(true);
    // An auditor-practitioner without an investigation sees archived records exactly as a practitioner.
    const mixed: Principal = { ...principal('practitioner'), roles: ['practitioner', 'auditor'] };
    const archived = recordStateOf(STATES['archived, later']());
    expect(decide(mixed, 'view', archived, { today: TODAY, purpose: SAFEGUARDING })).toMatchObject({
      answer: 'not-found',
    });
  });

  it('the shields due for review are listed for their own LA’s shielders and management only', () => {
    expect(mayListShieldsDue(principal('shielder'), HOME_LA)).toBe(true);
    expect(mayListShieldsDue(principal('la_management'), HOME_LA)).toBe(true);
    expect(mayListShieldsDue(principal('shielder'), OTHER_LA)).toBe(false);
    for (const role of ['practitioner', 'data_manager', 'auditor', 'feed'] as const) {
      expect(mayListShieldsDue(principal(role), HOME_LA)).toBe(false);
    }
  });

  it('marks the caller’s own involvements in a view', () => {
    const decision = decide(principal('practitioner'), 'view', state, { today: TODAY });
    if (!decision.allowed) throw new Error('expected a view');
    expect(redact(baseRecord(), decision, { ownInvolvementIds: new Set([8]) }).involvements?.[0]?.own).toBe(
      true,
    );
    expect(redact(baseRecord(), decision, { ownInvolvementIds: new Set() }).involvements?.[0]?.own).toBe(
      false,
    );
  });
});
