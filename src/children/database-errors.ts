import { ChildRecordError } from './child.errors.ts';

/**
 * Turns a constraint violation that got past the service's own checks (a race, or a rule only the
 * database can see) into a ChildRecordError. The driver's message is not passed on: it can quote
 * the offending row, which may be another child's data.
 */

const UNIQUE_MESSAGES: Readonly<Record<string, string>> = {
  child_identifier_national_unique: 'That NHS number or UPN is already recorded for another child',
  child_identifier_source_record_unique: 'That source record id is already recorded for another child',
  involvement_one_lead_professional: 'The child already has a lead professional',
  source_batch_once: 'That batch has already been received',
};

interface DriverError {
  readonly code: string;
  readonly constraint?: string;
}

function driverError(error: unknown): DriverError | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error) || typeof error.code !== 'string') {
    return undefined;
  }
  const constraint =
    'constraint' in error && typeof error.constraint === 'string' ? error.constraint : undefined;
  return constraint === undefined ? { code: error.code } : { code: error.code, constraint };
}

export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof ChildRecordError) return error;
  const driver = driverError(error);
  if (driver === undefined) return error;
  const rule = driver.constraint;
  switch (driver.code) {
    case '23505':
      return new ChildRecordError(
        'CONFLICT',
        (rule === undefined ? undefined : UNIQUE_MESSAGES[rule]) ??
          'The record was changed by someone else at the same time; try again',
        rule,
      );
    case '23514':
    case '23502':
      return new ChildRecordError(
        'INVALID_INPUT',
        `The change breaks a rule of the child record${rule === undefined ? '' : ` (${rule})`}`,
        rule,
      );
    case '23503':
      return new ChildRecordError(
        'INVALID_INPUT',
        'The change refers to a local authority, source, batch or service that does not exist',
        rule,
      );
    case '40001':
    case '40P01':
      return new ChildRecordError(
        'CONFLICT',
        'The record was changed by someone else at the same time; try again',
      );
    default:
      return error;
  }
}
