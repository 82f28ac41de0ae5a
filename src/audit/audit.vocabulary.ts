/**
 * The closed vocabulary of the audit trail. An action that is not listed here cannot be recorded, so
 * adding one is a reviewed change to this file, and every report can rely on the list being whole.
 *
 * `child`: a successful entry must name the child it concerns. `reason`: a successful entry must give
 * a reason for access (the design: every access needs a stated reason). A refused or failed attempt
 * is recorded whatever it lacked, since the attempt itself is what the trail must show.
 */
export const AUDIT_ACTIONS = {
  'auth.sign-in': { child: false, reason: false },
  'auth.sign-in-failed': { child: false, reason: false },
  'auth.second-factor-failed': { child: false, reason: false },
  'auth.locked': { child: false, reason: false },
  'auth.sign-out': { child: false, reason: false },
  'auth.password-set': { child: false, reason: false },
  // details.factor: 'totp' or 'security-key'.
  'auth.second-factor-enrolled': { child: false, reason: false },
  'child.search': { child: false, reason: true },
  'child.view': { child: true, reason: true },
  'child.change': { child: true, reason: true },
  'child.export': { child: false, reason: true },
  'child.merge': { child: true, reason: true },
  'child.unmerge': { child: true, reason: true },
  'child.archive': { child: true, reason: true },
  'child.purge': { child: true, reason: true },
  'match.review-decision': { child: false, reason: true },
  // Reading a clerical review: the queue (no child), or one review's values (once per child shown).
  'match.review-read': { child: false, reason: true },
  'match.dedupe': { child: false, reason: true },
  'shield.set': { child: true, reason: true },
  'shield.clear': { child: true, reason: true },
  'user.register': { child: false, reason: false },
  // Kept so that entries recorded before the account events below had actions of their own still
  // read as known; nothing records it any more.
  'user.change': { child: false, reason: false },
  'user.checks-recorded': { child: false, reason: false },
  'user.expire': { child: false, reason: false },
  'user.unlock': { child: false, reason: false },
  'token.create': { child: false, reason: false },
  'token.revoke': { child: false, reason: false },
  'organisation.create': { child: false, reason: false },
  'user.suspend': { child: false, reason: false },
  'user.reactivate': { child: false, reason: false },
  'audit.verify': { child: false, reason: false },
  'audit.report': { child: false, reason: true },
  'feed.import': { child: false, reason: false },
  'feed.quarantine-retry': { child: false, reason: false },
  'feed.quarantine-dismiss': { child: false, reason: false },
  'feed.resolve': { child: false, reason: false },
} as const satisfies Record<string, { readonly child: boolean; readonly reason: boolean }>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

/**
 * success: done. failure: the caller's input was wrong (bad password, no match). denied: the policy
 * refused it. error: the system failed.
 */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Why someone is looking at a child's record; a free-text note may accompany one of these. */
export const ACCESS_REASONS = [
  'safeguarding-concern',
  'new-involvement',
  'contact-practitioner',
  'case-review',
  'data-quality',
  'investigation',
  'subject-access-request',
  'system',
] as const;
export type AccessReason = (typeof ACCESS_REASONS)[number];

/**
 * user: a registered user (id). operator: a named person at the command line. system: a job or feed
 * account. anonymous: someone not (yet) identified, such as a failed sign-in, named by what they typed.
 */
export const ACTOR_TYPES = ['user', 'operator', 'system', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}

export function isAccessReason(value: string): value is AccessReason {
  return (ACCESS_REASONS as readonly string[]).includes(value);
}
