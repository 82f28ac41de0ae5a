import { invalid, valid } from './result.ts';
import type { Validation } from './result.ts';

/**
 * DfE check-letter alphabet: A-Z without I, O and S (too easily confused with 1, 0 and 5).
 * A letter's value is its index here, so A=0 ... H=7, J=8 ... N=12, P=13, Q=14, R=15, T=16 ... Z=22.
 */
export const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

// Positions 2-12 are always digits; position 13 is a digit (permanent UPN) or a letter (temporary UPN).
const LAST12 = /^\d{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]$/;
const UPN = /^[ABCDEFGHJKLMNPQRTUVWXYZ]\d{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]$/;

function characterValue(c: string): number {
  return /\d/.test(c) ? Number(c) : UPN_LETTERS.indexOf(c);
}

function letterAt(index: number): string {
  const letter = UPN_LETTERS.charAt(index);
  if (letter === '') throw new RangeError(`No UPN letter has value ${index}`);
  return letter;
}

/**
 * Check letter for characters 2-13 of a UPN: character n is weighted n, the sum is taken mod 23
 * and mapped through UPN_LETTERS. A letter in position 13 (temporary UPN) counts as its value.
 */
export function upnCheckLetter(last12: string): string {
  if (!LAST12.test(last12)) {
    throw new RangeError(
      `UPN characters 2-13 must be 11 digits then a digit or check-alphabet letter, got "${last12}"`,
    );
  }
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    sum += characterValue(last12.charAt(i)) * (i + 2);
  }
  return letterAt(sum % 23);
}

export function validateUpn(input: string): Validation<string> {
  const upn = input.trim().toUpperCase();
  if (upn.length !== 13) {
    return invalid('upn.length', 'UPN must be exactly 13 characters');
  }
  if (!UPN.test(upn)) {
    return invalid(
      'upn.characters',
      'UPN must be a check letter, 11 digits, then a digit or (for a temporary UPN) a letter; I, O and S are never used',
    );
  }
  if (upnCheckLetter(upn.slice(1)) !== upn.charAt(0)) {
    return invalid('upn.check-letter', 'UPN must have the correct check letter at character 1');
  }
  return valid(upn);
}

export function isTemporaryUpn(upn: string): boolean {
  return /[A-Z]$/.test(upn.trim().toUpperCase());
}

function fixedDigits(name: string, value: number, width: number): string {
  if (!Number.isInteger(value) || value < 0 || value >= 10 ** width) {
    throw new RangeError(`${name} must be an integer from 0 to ${10 ** width - 1}, got ${value}`);
  }
  return String(value).padStart(width, '0');
}

/** Permanent UPN: check letter + LA code (3) + establishment (4) + year of issue (2) + serial (3). */
export function makeUpn(laCode: number, establishment: number, year2: number, serial: number): string {
  const last12 =
    fixedDigits('LA code', laCode, 3) +
    fixedDigits('Establishment number', establishment, 4) +
    fixedDigits('Year', year2, 2) +
    fixedDigits('Serial', serial, 3);
  return upnCheckLetter(last12) + last12;
}

/**
 * Temporary UPN, issued while a permanent one is unknown: as makeUpn but with a 2-digit serial
 * followed by a letter from the check alphabet.
 */
export function makeTemporaryUpn(
  laCode: number,
  establishment: number,
  year2: number,
  serial2: number,
  letter: string,
): string {
  if (letter.length !== 1 || !UPN_LETTERS.includes(letter)) {
    throw new RangeError(`Temporary UPN letter must be one of ${UPN_LETTERS}, got "${letter}"`);
  }
  const last12 =
    fixedDigits('LA code', laCode, 3) +
    fixedDigits('Establishment number', establishment, 4) +
    fixedDigits('Year', year2, 2) +
    fixedDigits('Serial', serial2, 2) +
    letter;
  return upnCheckLetter(last12) + last12;
}
