import { invalid, valid } from './result.ts';
import type { Validation } from './result.ts';

// Outward code: A9, A99, A9A, AA9, AA99 or AA9A. Positional letter restrictions (e.g. no Q/V/X
// first) are deliberately not enforced: published lists disagree and Royal Mail has added
// districts over time (e.g. N1P), and rejecting a real child's postcode costs more than
// accepting an impossible one.
const OUTWARD = /^[A-Z]{1,2}\d[A-Z\d]?$/;
const INWARD_SHAPE = /^\d[A-Z]{2}$/;
// Royal Mail never uses C, I, K, M, O or V in the inward code's unit letters.
const INWARD = /^\d[ABD-HJLNP-UW-Z]{2}$/;
// Girobank's historic non-geographic postcode, the one code outside the standard pattern.
const GIROBANK = 'GIR0AA';

export function normalisePostcode(input: string): Validation<string> {
  const compact = input.replace(/\s+/g, '').toUpperCase();
  if (compact === GIROBANK) return valid('GIR 0AA');
  // The inward code is always the last three characters, so the split needs no lookahead.
  const outward = compact.slice(0, -3);
  const inward = compact.slice(-3);
  if (!OUTWARD.test(outward) || !INWARD_SHAPE.test(inward)) {
    return invalid(
      'postcode.format',
      'Postcode must be an outward code (A9, A99, A9A, AA9, AA99 or AA9A) followed by an inward code (9AA)',
    );
  }
  if (!INWARD.test(inward)) {
    return invalid(
      'postcode.inward-letters',
      'Postcode inward code must not use the letters C, I, K, M, O or V',
    );
  }
  return valid(`${outward} ${inward}`);
}

export interface PostcodeParts {
  /** Leading letters of the outward code, e.g. 'SW'. */
  area: string;
  /** Whole outward code, e.g. 'SW1A'. */
  district: string;
  /** District plus the inward digit, e.g. 'SW1A 1'. */
  sector: string;
  /** Full normalised postcode, e.g. 'SW1A 1AA'. */
  unit: string;
}

/**
 * Splits a postcode into its nested geographic levels so matching can score partial agreement.
 * Re-normalises its input, and throws on a postcode that normalisePostcode would reject,
 * because callers are expected to pass only stored, already-validated values.
 */
export function postcodeParts(normalised: string): PostcodeParts {
  const result = normalisePostcode(normalised);
  if (!result.ok) {
    throw new RangeError(`Not a valid postcode: "${normalised}" (${result.rule})`);
  }
  const unit = result.value;
  const [district = '', inward = ''] = unit.split(' ');
  const area = /^[A-Z]+/.exec(district)?.[0] ?? '';
  return { area, district, sector: `${district} ${inward.charAt(0)}`, unit };
}
