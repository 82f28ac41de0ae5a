import type { AccessReason } from '../../audit/audit.vocabulary.ts';
import type { ChildStatus, IsoDate } from '../../children/child.model.ts';
import type { Principal, Role } from '../access.model.ts';

/**
 * The one place that decides what a user may do with a child's record and which parts of it they
 * may see (DESIGN.md, "Rules that make it safe"). Pure: the caller loads the record's state, asks,
 * and applies the answer with `redact`. Every route and service that reads or writes a child for a
 * user goes through here; nothing else grants access.
 *
 * A principal with several roles gets the union of what each role allows.
 */

export const CHILD_ACTIONS = [
  'search',
  'view',
  'add-own-involvement',
  'end-own-involvement',
  'mark-lead-professional',
  'record-caf',
  'report-inaccuracy',
  'shield',
  'unshield',
] as const;
export type ChildAction = (typeof CHILD_ACTIONS)[number];

/** The parts of a record a view may hold. */
export const CHILD_FIELDS = [
  'contactPointId',
  'name',
  'gender',
  'dateOfBirth',
  'laContact',
  'status',
  'otherNames',
  'identifiers',
  'addresses',
  'carers',
  'educationalSetting',
  'gpPractice',
  'involvements',
  'caf',
  'shield',
  'history',
  'provenance',
] as const;
export type ChildField = (typeof CHILD_FIELDS)[number];

/** What a shielded record shows to anyone not entitled to its detail: nothing that could locate the child. */
export const RESTRICTED_FIELDS: readonly ChildField[] = [
  'contactPointId',
  'name',
  'gender',
  'dateOfBirth',
  'laContact',
];

/** The current record, as a practitioner sees it. */
export const CURRENT_FIELDS: readonly ChildField[] = [
  ...RESTRICTED_FIELDS,
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

/** Shielders and management of the responsible LA: the whole record, with its shield and history. */
export const MANAGED_FIELDS: readonly ChildField[] = [...CURRENT_FIELDS, 'shield', 'history'];

/** Data managers and auditors: the whole record with where each part came from. */
export const DATA_FIELDS: readonly ChildField[] = [...CURRENT_FIELDS, 'history', 'provenance'];

/** A search result is a summary: enough to tell children apart, never the full record. */
export const SEARCH_RESULT_FIELDS: readonly ChildField[] = [...RESTRICTED_FIELDS, 'status', 'addresses'];

/** Records are archived for six years; data managers may read them for the first. */
export const ARCHIVE_DATA_MANAGER_YEARS = 1;

/** Reasons a user may give; 'system' is for jobs and feeds. */
export const USER_ACCESS_REASONS = [
  'safeguarding-concern',
  'new-involvement',
  'contact-practitioner',
  'case-review',
  'data-quality',
  'investigation',
  'subject-access-request',
] as const satisfies readonly AccessReason[];
export type UserAccessReason = (typeof USER_ACCESS_REASONS)[number];

/** Why the caller is looking: recorded in the audit, and the auditor's rules depend on it. */
export interface Purpose {
  readonly reason: UserAccessReason;
  readonly text: string | null;
  /** Required with 'investigation'. */
  readonly caseReference: string | null;
}

/** Auditors read records only to answer these. */
const AUDITOR_REASONS: readonly UserAccessReason[] = ['investigation', 'subject-access-request'];

/** What the decision needs to know about a record; loaded by the caller. */
export interface RecordState {
  readonly status: ChildStatus;
  readonly shielded: boolean;
  readonly postAdoption: boolean;
  readonly responsibleLa: string | null;
  readonly archivedAt: IsoDate | null;
  /** Merged into another record: it answers as not found, the survivor is what is read. */
  readonly merged: boolean;
}

export interface DecisionContext {
  /** Today in England. */
  readonly today: IsoDate;
  readonly purpose?: Purpose | undefined;
  /** For involvement changes: the involvement is the caller's own. */
  readonly ownInvolvement?: boolean | undefined;
  /** For search results: the search used a location field (a postcode). */
  readonly searchUsedLocation?: boolean | undefined;
}

export interface Allowed {
  readonly allowed: true;
  /** What the caller may see of the record afterwards. */
  readonly fields: ReadonlySet<ChildField>;
  /** True when a shield hides the detail: the view says so and points to the LA team. */
  readonly restricted: boolean;
}

/**
 * 'not-found': answer exactly as for a record that does not exist (the caller may not know it is
 * there). 'forbidden': the caller may see the record but not do this, or may not do this to any record.
 */
export interface Denied {
  readonly allowed: false;
  readonly answer: 'not-found' | 'forbidden';
  /** A stable name for the rule that refused, for the audit trail and tests. */
  readonly rule: string;
}

export type Decision = Allowed | Denied;

function allow(fields: readonly ChildField[], restricted: boolean): Allowed {
  return { allowed: true, fields: new Set(fields), restricted };
}

function deny(answer: Denied['answer'], rule: string): Denied {
  return { allowed: false, answer, rule };
}

/** `date` plus whole years; 29 February becomes 28 February in a common year. */
function addYears(date: IsoDate, years: number): IsoDate {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCDate() !== d) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

export type ArchiveAge = 'first-year' | 'later';

export function archiveAge(archivedAt: IsoDate, today: IsoDate): ArchiveAge {
  return today < addYears(archivedAt, ARCHIVE_DATA_MANAGER_YEARS) ? 'first-year' : 'later';
}

/** Shielders and management act for one LA: the record's. */
function managesRecord(principal: Principal, role: Role, state: RecordState): boolean {
  return (
    (role === 'shielder' || role === 'la_management') &&
    principal.la !== null &&
    principal.la === state.responsibleLa
  );
}

/**
 * Role-only rules, checked before any record is looked up, so that a refusal here says nothing about
 * whether a record exists.
 */
export function decideCaller(principal: Principal, action: ChildAction, purpose?: Purpose): Denied | null {
  const refusals = principal.roles.map((role) => callerRule(role, action, purpose));
  if (refusals.some((refusal) => refusal === null)) return null;
  return refusals[0] ?? deny('forbidden', 'policy.no-role');
}

function callerRule(role: Role, action: ChildAction, purpose: Purpose | undefined): Denied | null {
  switch (action) {
    case 'search':
    case 'view':
      switch (role) {
        case 'feed':
          return deny('forbidden', 'policy.feed-reads-nothing');
        case 'auditor':
          return purpose !== undefined && AUDITOR_REASONS.includes(purpose.reason)
            ? null
            : deny('forbidden', 'policy.auditor-needs-investigation');
        case 'practitioner':
        case 'la_management':
        case 'shielder':
        case 'data_manager':
          return null;
      }
      break;
    case 'add-own-involvement':
    case 'end-own-involvement':
    case 'mark-lead-professional':
    case 'record-caf':
      return role === 'practitioner' ? null : deny('forbidden', 'policy.practitioners-only');
    case 'report-inaccuracy':
      return role === 'feed' || role === 'auditor' ? deny('forbidden', 'policy.report-role') : null;
    case 'shield':
    case 'unshield':
      return role === 'shielder' ? null : deny('forbidden', 'policy.shielders-only');
  }
}

/** What one role may see of a record, or why not. */
function viewRule(principal: Principal, role: Role, state: RecordState, context: DecisionContext): Decision {
  if (state.merged || state.status === 'purged') return deny('not-found', 'policy.gone');
  if (state.status === 'archived') {
    const age = state.archivedAt === null ? 'later' : archiveAge(state.archivedAt, context.today);
    if (age === 'first-year') {
      return role === 'data_manager'
        ? allow(state.shielded ? RESTRICTED_FIELDS : DATA_FIELDS, state.shielded)
        : deny('not-found', 'policy.archive-first-year');
    }
    const investigating =
      role === 'auditor' &&
      context.purpose?.reason === 'investigation' &&
      context.purpose.caseReference !== null;
    return investigating
      ? allow(state.shielded ? RESTRICTED_FIELDS : DATA_FIELDS, state.shielded)
      : deny('not-found', 'policy.archive-investigation-only');
  }
  // Active or deceased: the status is part of every full view, so a death is visible until archiving.
  if (managesRecord(principal, role, state)) return allow(MANAGED_FIELDS, false);
  if (state.shielded) return allow(RESTRICTED_FIELDS, true);
  switch (role) {
    case 'practitioner':
    case 'la_management':
    case 'shielder':
      return allow(CURRENT_FIELDS, false);
    case 'data_manager':
    case 'auditor':
      return allow(DATA_FIELDS, false);
    case 'feed':
      return deny('forbidden', 'policy.feed-reads-nothing');
  }
}

function intersect(fields: ReadonlySet<ChildField>, with_: readonly ChildField[]): ChildField[] {
  return with_.filter((field) => fields.has(field));
}

/** One role's answer to one action on one record. */
function roleRule(
  principal: Principal,
  role: Role,
  action: ChildAction,
  state: RecordState,
  context: DecisionContext,
): Decision {
  const refused = callerRule(role, action, context.purpose);
  if (refused !== null) return refused;
  const view = viewRule(principal, role, state, context);
  if (!view.allowed) return view;
  const live = state.status === 'active' || state.status === 'deceased';
  switch (action) {
    case 'view':
      return view;
    case 'search': {
      // A restricted result found by postcode would confirm where a shielded child lives.
      if (view.restricted && context.searchUsedLocation === true) {
        return deny('not-found', 'policy.shielded-location-search');
      }
      return allow(intersect(view.fields, SEARCH_RESULT_FIELDS), view.restricted);
    }
    case 'add-own-involvement':
    case 'mark-lead-professional':
    case 'record-caf':
    case 'end-own-involvement': {
      if (!live) return deny('forbidden', 'policy.not-live');
      // Practitioners cannot see a shielded record's involvements; the LA team records them.
      if (view.restricted) return deny('forbidden', 'policy.shielded-contact-la');
      if (state.status !== 'active' && action !== 'end-own-involvement') {
        return deny('forbidden', 'policy.deceased-no-new-work');
      }
      if (
        (action === 'end-own-involvement' || action === 'mark-lead-professional') &&
        context.ownInvolvement !== true
      ) {
        return deny('forbidden', 'policy.own-involvements-only');
      }
      return view;
    }
    case 'report-inaccuracy':
      return live ? view : deny('forbidden', 'policy.not-live');
    case 'shield':
    case 'unshield': {
      if (!live) return deny('forbidden', 'policy.not-live');
      if (!managesRecord(principal, role, state)) return deny('forbidden', 'policy.shield-own-la-only');
      if (action === 'unshield' && state.postAdoption) return deny('forbidden', 'shield.post-adoption');
      return view;
    }
  }
}

/**
 * May `principal` do `action` to a record in `state`, and what may they see of it? Allowed decisions
 * carry the visible fields; refusals say whether to answer as if the record were not there.
 */
export function decide(
  principal: Principal,
  action: ChildAction,
  state: RecordState,
  context: DecisionContext,
): Decision {
  // Roles refused whatever the record must not colour the answer about this record: only the roles
  // that may do this action to some record are asked about this one.
  const eligible = principal.roles.filter((role) => callerRule(role, action, context.purpose) === null);
  if (eligible.length === 0)
    return decideCaller(principal, action, context.purpose) ?? deny('forbidden', 'policy.no-role');
  const decisions = eligible.map((role) => roleRule(principal, role, action, state, context));
  const allowed = decisions.filter((d): d is Allowed => d.allowed);
  if (allowed.length > 0) {
    const fields = new Set<ChildField>();
    for (const decision of allowed) for (const field of decision.fields) fields.add(field);
    return { allowed: true, fields, restricted: allowed.every((d) => d.restricted) };
  }
  const denials = decisions.filter((d): d is Denied => !d.allowed);
  // If any role can see the record, the caller knows it is there: say the action is refused.
  return denials.find((d) => d.answer === 'forbidden') ?? denials[0] ?? deny('not-found', 'policy.no-role');
}

/** Listing the shields due for review in an LA: its shielders and management team. */
export function mayListShieldsDue(principal: Principal, la: string): boolean {
  return (
    principal.la === la && principal.roles.some((role) => role === 'shielder' || role === 'la_management')
  );
}
