import { ChildAccessError } from './child-access.errors.ts';
import { USER_ACCESS_REASONS, type Purpose, type UserAccessReason } from './policy.ts';

/** As the caller sends it: from a query string or a form, so anything may be missing. */
export interface PurposeInput {
  readonly reason?: string | undefined;
  readonly reasonText?: string | undefined;
  readonly caseReference?: string | undefined;
}

const CASE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/_.-]{2,39}$/;
/** The audit trail keeps up to 1,000 characters of free text. */
const MAX_TEXT = 1000;

function isUserReason(value: string): value is UserAccessReason {
  return (USER_ACCESS_REASONS as readonly string[]).includes(value);
}

function invalid(rule: string, message: string): ChildAccessError {
  return new ChildAccessError('INVALID_INPUT', message, rule);
}

/**
 * Every search and view states why: a reason from the closed list, optional free text, and for an
 * investigation the case reference it is for.
 */
export function parsePurpose(input: PurposeInput): Purpose {
  const reason = input.reason?.trim() ?? '';
  if (reason === '') {
    throw invalid(
      'purpose.reason-required',
      `State a reason for access: one of ${USER_ACCESS_REASONS.join(', ')}`,
    );
  }
  if (!isUserReason(reason)) {
    throw invalid(
      'purpose.reason-known',
      `The reason for access must be one of ${USER_ACCESS_REASONS.join(', ')}`,
    );
  }
  const text = input.reasonText?.trim() ?? '';
  if (text.length > MAX_TEXT) throw invalid('purpose.text-length', `Keep the note to ${MAX_TEXT} characters`);
  if (text.includes('\u0000'))
    throw invalid('purpose.text-length', 'The note contains a character that cannot be kept');
  const caseReference = input.caseReference?.trim() ?? '';
  if (caseReference !== '' && !CASE_REFERENCE.test(caseReference)) {
    throw invalid(
      'purpose.case-reference',
      'A case reference is 3 to 40 letters, digits and / _ . - starting with a letter or digit',
    );
  }
  if (reason === 'investigation' && caseReference === '') {
    throw invalid('purpose.investigation-needs-case', 'An investigation needs the case reference it is for');
  }
  return {
    reason,
    text: text === '' ? null : text,
    caseReference: caseReference === '' ? null : caseReference,
  };
}

/** What a write records when the caller gives no reason: the reason the action itself implies. */
export function impliedPurpose(reason: UserAccessReason): Purpose {
  return { reason, text: null, caseReference: null };
}
