export interface Valid<T> {
  ok: true;
  value: T;
}

export interface Invalid {
  ok: false;
  /** Stable, dotted rule name (e.g. 'nhs.check-digit') for callers that branch on it or count it. */
  rule: string;
  /** Human-readable explanation suitable for a data-quality report. */
  message: string;
}

export type Validation<T> = Valid<T> | Invalid;

export function valid<T>(value: T): Valid<T> {
  return { ok: true, value };
}

// Returns the bare Invalid shape so one call fits any Validation<T> without a type argument.
export function invalid(rule: string, message: string): Invalid {
  return { ok: false, rule, message };
}
