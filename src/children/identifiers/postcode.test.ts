import { describe, it, expect } from 'vitest';
import { normalisePostcode, postcodeParts } from './postcode.ts';

describe('normalisePostcode', () => {
  it.each([
    ['A9 9AA', 'M1 1AE', 'M1 1AE'],
    ['A99 9AA', 'b338th', 'B33 8TH'],
    ['A9A 9AA', 'W1A 0AX', 'W1A 0AX'],
    ['AA9 9AA', 'cr2 6xh', 'CR2 6XH'],
    ['AA99 9AA', 'DN551PT', 'DN55 1PT'],
    ['AA9A 9AA', 'sw1a1aa', 'SW1A 1AA'],
    ['AA9A 9AA', 'EC1A 1BB', 'EC1A 1BB'],
  ])('accepts format %s: %j -> %s', (_format, input, expected) => {
    expect(normalisePostcode(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['  SW1A 1AA  ', 'SW1A 1AA'],
    ['SW1A   1AA', 'SW1A 1AA'],
    ['S W 1 A 1 A A', 'SW1A 1AA'],
    ['SW1A\t1AA', 'SW1A 1AA'],
    ['SW1A\n1AA', 'SW1A 1AA'],
    ['SW1A\u00a01AA', 'SW1A 1AA'],
    ['Sw1a 1aA', 'SW1A 1AA'],
  ])('removes whitespace and upper-cases %j', (input, expected) => {
    expect(normalisePostcode(input)).toEqual({ ok: true, value: expected });
  });

  it('accepts the special GIR 0AA', () => {
    expect(normalisePostcode('gir0aa')).toEqual({ ok: true, value: 'GIR 0AA' });
    expect(normalisePostcode('GIR 0AA')).toEqual({ ok: true, value: 'GIR 0AA' });
  });

  it('is idempotent', () => {
    for (const p of ['M1 1AE', 'B33 8TH', 'W1A 0AX', 'CR2 6XH', 'DN55 1PT', 'SW1A 1AA', 'GIR 0AA']) {
      expect(normalisePostcode(p)).toEqual({ ok: true, value: p });
    }
  });

  it.each([
    ['', 'empty'],
    ['   ', 'only spaces'],
    ['1AA', 'inward only'],
    ['M11A', 'too short'],
    ['SW1A 1AAA', 'too long'],
    ['SW1A1 1AA', 'outward too long'],
    ['9W1 1AA', 'outward starts with a digit'],
    ['SWA 1AA', 'no digit in outward'],
    ['SWW1 1AA', 'three area letters'],
    ['S1AA 1AA', 'A9AA outward'],
    ['SW1A AAA', 'inward starts with a letter'],
    ['SW1A 11A', 'inward has two digits'],
    ['SW1A 1A1', 'inward ends with a digit'],
    ['SW1-1AA', 'hyphen'],
    ['SW1A.1AA', 'full stop'],
    ['GIR 0AB', 'near-miss of GIR 0AA'],
  ])('rejects %j (%s) with postcode.format', (input) => {
    expect(normalisePostcode(input)).toMatchObject({ ok: false, rule: 'postcode.format' });
  });

  it.each(['C', 'I', 'K', 'M', 'O', 'V'])('rejects %s in either inward letter', (letter) => {
    expect(normalisePostcode(`SW1A 1${letter}A`)).toMatchObject({
      ok: false,
      rule: 'postcode.inward-letters',
    });
    expect(normalisePostcode(`SW1A 1A${letter}`)).toMatchObject({
      ok: false,
      rule: 'postcode.inward-letters',
    });
  });

  it('accepts every other letter in the inward code', () => {
    for (const letter of 'ABDEFGHJLNPQRSTUWXYZ') {
      expect(normalisePostcode(`SW1A 1${letter}${letter}`).ok, letter).toBe(true);
    }
  });

  it('explains the failure', () => {
    const result = normalisePostcode('SW1A 1AO');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/C, I, K, M, O or V/);
  });
});

describe('postcodeParts', () => {
  it.each([
    ['SW1A 1AA', { area: 'SW', district: 'SW1A', sector: 'SW1A 1', unit: 'SW1A 1AA' }],
    ['M1 1AE', { area: 'M', district: 'M1', sector: 'M1 1', unit: 'M1 1AE' }],
    ['B33 8TH', { area: 'B', district: 'B33', sector: 'B33 8', unit: 'B33 8TH' }],
    ['W1A 0AX', { area: 'W', district: 'W1A', sector: 'W1A 0', unit: 'W1A 0AX' }],
    ['CR2 6XH', { area: 'CR', district: 'CR2', sector: 'CR2 6', unit: 'CR2 6XH' }],
    ['DN55 1PT', { area: 'DN', district: 'DN55', sector: 'DN55 1', unit: 'DN55 1PT' }],
    ['GIR 0AA', { area: 'GIR', district: 'GIR', sector: 'GIR 0', unit: 'GIR 0AA' }],
  ])('splits %s', (postcode, parts) => {
    expect(postcodeParts(postcode)).toEqual(parts);
  });

  it('tolerates un-normalised input', () => {
    expect(postcodeParts('sw1a1aa').unit).toBe('SW1A 1AA');
  });

  it('throws on an invalid postcode', () => {
    expect(() => postcodeParts('not a postcode')).toThrow(RangeError);
  });
});
