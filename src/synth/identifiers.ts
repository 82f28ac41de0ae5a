import { nhsNumberCheckDigit } from '../children/identifiers/nhs-number.ts';
import { makeUpn } from '../children/identifiers/upn.ts';
import type { School } from './places.ts';
import { allSchools } from './places.ts';
import { hashSeed, mix32, permuteMillion } from './random.ts';
import type { Rng } from './random.ts';

/**
 * Issues NHS numbers only from the 999 range reserved for testing, so no real patient's number
 * can ever appear. Uniqueness comes from construction (a keyed permutation of a counter), not
 * from remembering issued numbers, so memory stays flat however many children are generated.
 *
 * The range holds 1,000,000 stems of which about 1 in 11 has check value 10 and is never issued,
 * leaving roughly 909,000 valid numbers: after that next() returns null and the caller decides.
 */
export class NhsNumberAllocator {
  private counter = 0;
  private readonly key: number;

  constructor(seed: string) {
    this.key = hashSeed(`${seed}\u0000nhs-number`)[0];
  }

  next(): string | null {
    while (this.counter < 1_000_000) {
      const stem = `999${String(permuteMillion(this.counter, this.key)).padStart(6, '0')}`;
      this.counter++;
      const check = nhsNumberCheckDigit(stem);
      const candidate = `${stem}${check}`;
      // 9999999999 passes modulus 11 but is a placeholder value that validation rightly rejects.
      if (check !== null && candidate !== '9999999999') return candidate;
    }
    return null;
  }
}

// School-entry years a child born 2007-2026 can have (2012-2031); counters need one slot each.
const FIRST_ENTRY_YEAR = 2012;
const ENTRY_YEARS = 20;

/**
 * Permanent UPNs as a school issues them: the school's LA and establishment number, the year
 * of issue and a serial counting up within that school and year. One counter per school and
 * year is a fixed-size table, independent of the number of children.
 */
export class UpnAllocator {
  private readonly serials = new Uint16Array(allSchools.length * ENTRY_YEARS);

  allocate(school: School, entryYear: number): string {
    const slot = school.index * ENTRY_YEARS + (entryYear - FIRST_ENTRY_YEAR);
    const serial = this.serials[slot];
    if (serial === undefined || entryYear < FIRST_ENTRY_YEAR) {
      throw new RangeError(`no UPN counter for entry year ${entryYear}`);
    }
    if (serial > 999) {
      throw new RangeError(`school ${school.urn} has issued all 1000 UPN serials for ${entryYear}`);
    }
    this.serials[slot] = serial + 1;
    return makeUpn(school.laCode, school.establishment, entryYear % 100, serial);
  }
}

// First letters HMRC has never used in National Insurance numbers; prefixing with one keeps a
// synthetic claimant reference in the familiar NINO shape without ever being a real one.
const NEVER_ISSUED_FIRST = 'DFIQUV';
const SECOND_LETTERS = 'ABCEGHJKLMNPRSTWXYZ';

/** NINO-shaped, unique per household id (below 114 million), never a real number. */
export function claimantReference(householdId: number, key: number): string {
  const block = Math.floor(householdId / 1_000_000);
  const digits = permuteMillion(householdId % 1_000_000, key);
  // Offsetting the letter pair by the digits spreads references over every prefix while staying
  // invertible: digits recover the household within its block, and then the pair gives the block.
  const prefixCount = NEVER_ISSUED_FIRST.length * SECOND_LETTERS.length;
  if (block >= prefixCount)
    throw new RangeError(`household id ${householdId} exceeds the claimant reference space`);
  const prefix = (block + digits) % prefixCount;
  const first = NEVER_ISSUED_FIRST.charAt(Math.floor(prefix / SECOND_LETTERS.length));
  const second = SECOND_LETTERS.charAt(prefix % SECOND_LETTERS.length);
  return `${first}${second}${String(digits).padStart(6, '0')}${'ABCD'.charAt(mix32(householdId ^ key) % 4)}`;
}

/**
 * An opaque, unique row reference from a per-source counter: a keyed 32-bit bijection, so ids
 * never collide yet reveal nothing about the child or the order rows were generated.
 */
export function opaqueRecordNumber(counter: number, key: number): string {
  return String(mix32((counter ^ key) >>> 0)).padStart(10, '0');
}

function replaceAt(text: string, index: number, replacement: string): string {
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

/**
 * A keying error in a 10-digit NHS number: one digit changed or two neighbours swapped, after
 * the 999 prefix. Modulus 11 detects every such error, so the result always fails validation,
 * which is what a receiving system sees when a number was mistyped at source.
 */
export function mistypeNhsNumber(rng: Rng, nhsNumber: string): string {
  if (rng.chance(0.5)) {
    const i = rng.int(3, 7);
    const a = nhsNumber.charAt(i);
    const b = nhsNumber.charAt(i + 1);
    if (a !== b) return nhsNumber.slice(0, i) + b + a + nhsNumber.slice(i + 2);
  }
  const i = rng.int(3, 9);
  const digit = Number(nhsNumber.charAt(i));
  return replaceAt(nhsNumber, i, String((digit + rng.int(1, 9)) % 10));
}

/** One digit of a UPN changed: the mod-23 check letter always catches it. */
export function mistypeUpn(rng: Rng, upn: string): string {
  const i = rng.int(1, 12);
  const digit = Number(upn.charAt(i));
  return replaceAt(upn, i, String((digit + rng.int(1, 9)) % 10));
}
