import { normalisePostcode, postcodeParts } from '../children/identifiers/postcode.ts';
import type { PostcodeParts } from '../children/identifiers/postcode.ts';
import { characterMask, withinOneEdit } from './string-similarity.ts';

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/**
 * Lower-case, unaccented, punctuation-free text with single spaces. Apostrophes vanish rather
 * than split (O'Brien -> obrien) because sources disagree on whether they are kept at all;
 * other punctuation, hyphens included, separates words.
 */
export function normaliseText(value: string): string {
  // Plain ASCII (nearly every value) needs no Unicode decomposition: a quicker path.
  if (/^[\x20-\x7e]*$/.test(value)) {
    return value
      .toLowerCase()
      .replace(/['`]/g, '')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  }
  return value
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ø/g, 'o')
    .replace(/ł/g, 'l')
    .replace(/['’‘`´]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export interface NormalisedName {
  /** Every word, space separated: "smith jones" for "Smith-Jones". */
  full: string;
  /** The words run together, so "van der berg" and "vanderberg" compare equal. */
  compact: string;
  /** The separate words of a double or hyphenated name. */
  parts: readonly string[];
}

const EMPTY_NAME: NormalisedName = { full: '', compact: '', parts: [] };

export function normaliseName(value: string): NormalisedName {
  const full = normaliseText(value).replace(/[0-9]/g, ' ').replace(/\s+/g, ' ').trim();
  if (full === '') return EMPTY_NAME;
  const parts = full.split(' ');
  return { full, compact: parts.join(''), parts };
}

export interface CalendarDate {
  y: number;
  m: number;
  d: number;
}

export type DateFormat = string;

const DATE_TOKENS = /YYYY|MM|DD/g;

/** True when a declared date format is one this parser understands (YYYY, MM, DD and separators). */
export function isSupportedDateFormat(format: string): boolean {
  const tokens = format.match(DATE_TOKENS) ?? [];
  const rest = format.replace(DATE_TOKENS, '');
  return (
    tokens.length === 3 &&
    new Set(tokens).size === 3 &&
    /^[-/. ]*$/.test(rest) &&
    // Without separators the fields are told apart by width alone.
    (rest.length > 0 || format.length === 8)
  );
}

const formatCache = new Map<string, { regex: RegExp; order: string[] }>();

function compileFormat(format: string): { regex: RegExp; order: string[] } {
  const cached = formatCache.get(format);
  if (cached) return cached;
  const separated = format.replace(DATE_TOKENS, '').length > 0;
  const order: string[] = [];
  let pattern = '';
  for (const piece of format.split(/(YYYY|MM|DD)/)) {
    if (piece === 'YYYY') {
      order.push('y');
      pattern += '(\\d{4})';
    } else if (piece === 'MM' || piece === 'DD') {
      order.push(piece === 'MM' ? 'm' : 'd');
      // A separated date may drop leading zeros (1/2/2015); a packed one cannot.
      pattern += separated ? '(\\d{1,2})' : '(\\d{2})';
    } else if (piece !== '') {
      pattern += '[-/. ]';
    }
  }
  const compiled = { regex: new RegExp(`^${pattern}$`), order };
  formatCache.set(format, compiled);
  return compiled;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function isValidDate(y: number, m: number, d: number): boolean {
  return y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/**
 * The year, month and day a date's text holds in its declared format, without checking that
 * the date exists: "19219503" reads as 1921-95-03, which a typo turned out of 1921-05-03.
 */
export function parseDateParts(value: string, format: DateFormat): CalendarDate | null {
  const text = value.trim();
  if (text === '') return null;
  const { regex, order } = compileFormat(format);
  const match = regex.exec(text);
  if (!match) return null;
  const parts: Record<string, number> = {};
  order.forEach((key, i) => {
    parts[key] = Number(match[i + 1]);
  });
  return { y: parts.y ?? 0, m: parts.m ?? 0, d: parts.d ?? 0 };
}

/** Parses a date in its declared format; impossible dates (30 February) are missing, not guessed. */
export function parseDate(value: string, format: DateFormat): CalendarDate | null {
  const parts = parseDateParts(value, format);
  return parts && isValidDate(parts.y, parts.m, parts.d) ? parts : null;
}

/** Days since 1970-01-01, for "within a month / a year" comparisons. */
export function dayNumber(date: CalendarDate): number {
  return Math.round(Date.UTC(date.y, date.m - 1, date.d) / 86_400_000);
}

export function dateKey(date: CalendarDate): string {
  return `${date.y}${String(date.m).padStart(2, '0')}${String(date.d).padStart(2, '0')}`;
}

export interface NormalisedPostcode {
  /** UK "SW1A 1AA" when valid; otherwise the upper-case value without spaces. */
  value: string;
  compact: string;
  uk: PostcodeParts | null;
}

/**
 * A UK postcode is normalised and split into area, district and sector; anything else (a
 * foreign code, a typo) is kept as upper-case characters so partial comparison still works.
 */
export function normalisePostcodeValue(raw: string): NormalisedPostcode | null {
  const compact = raw.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  if (compact === '') return null;
  const uk = normalisePostcode(compact);
  if (uk.ok) {
    return { value: uk.value, compact, uk: postcodeParts(uk.value) };
  }
  return { value: compact, compact, uk: null };
}

// Expanded so "12 High St." and "12 high street" agree; "st" is read as "saint" elsewhere.
const ADDRESS_ABBREVIATIONS: Readonly<Record<string, string>> = {
  rd: 'road',
  ave: 'avenue',
  av: 'avenue',
  avn: 'avenue',
  ln: 'lane',
  dr: 'drive',
  drv: 'drive',
  cres: 'crescent',
  cresc: 'crescent',
  cr: 'crescent',
  ct: 'court',
  crt: 'court',
  pl: 'place',
  sq: 'square',
  cl: 'close',
  gdns: 'gardens',
  gdn: 'gardens',
  gr: 'grove',
  grv: 'grove',
  ter: 'terrace',
  terr: 'terrace',
  tce: 'terrace',
  pde: 'parade',
  hwy: 'highway',
  cct: 'circuit',
  cir: 'circuit',
  pk: 'park',
  wy: 'way',
  bvd: 'boulevard',
  blvd: 'boulevard',
  mt: 'mount',
  hts: 'heights',
  est: 'estate',
  apt: 'flat',
  apartment: 'flat',
  unit: 'flat',
  bldg: 'building',
  ho: 'house',
  hse: 'house',
  nth: 'north',
  sth: 'south',
  upr: 'upper',
  lwr: 'lower',
  gt: 'great',
  vlge: 'village',
  vill: 'village',
};

// Words that say what kind of street it is, not which: "x street" and "y street" share nothing.
const STREET_TYPES = new Set([
  'street',
  'road',
  'avenue',
  'lane',
  'drive',
  'crescent',
  'court',
  'place',
  'square',
  'close',
  'gardens',
  'grove',
  'terrace',
  'parade',
  'highway',
  'circuit',
  'way',
  'boulevard',
  'mews',
  'row',
  'walk',
  'hill',
  'view',
  'rise',
  'the',
  'flat',
]);

const TYPO_PRONE_TYPES = [...STREET_TYPES].filter((t) => t.length >= 5);
// Street words repeat endlessly across records; remembering each answer saves the search.
const STREET_TYPE_OF = new Map<string, string>();
const STREET_TYPE_MEMORY = 200_000;

function mistypedStreetType(token: string): string {
  let type = STREET_TYPE_OF.get(token);
  if (type === undefined) {
    type = TYPO_PRONE_TYPES.find((t) => withinOneEdit(token, t)) ?? '';
    if (STREET_TYPE_OF.size < STREET_TYPE_MEMORY) STREET_TYPE_OF.set(token, type);
  }
  return type;
}

export interface NormalisedAddress {
  /** Every token in source order, abbreviations expanded. */
  tokens: readonly string[];
  /** Tokens that hold a digit: house and flat numbers. */
  numbers: readonly string[];
  /** The remaining word tokens. */
  words: readonly string[];
  /** The distinctive words: street types and the like removed (all words if nothing is left). */
  names: readonly string[];
  /** characterMask of each name, for the Jaro-Winkler bound. */
  nameMasks: readonly number[];
  /** The names run together, so a space lost or gained inside a name still compares. */
  joined: string;
  /** Sorted distinct tokens joined: equal for the same address written in another order. */
  key: string;
}

export function normaliseAddress(raw: string): NormalisedAddress | null {
  const text = normaliseText(raw.replace(/(\d)\s*[-/]\s*(\d)/g, '$1 $2'));
  if (text === '') return null;
  const rawTokens = text.split(' ');
  const tokens: string[] = [];
  rawTokens.forEach((token, i) => {
    if (token === 'st') {
      // "St" before a name is Saint (St James Road); after one, or last, it is Street.
      const next = rawTokens[i + 1];
      tokens.push(next === undefined || /\d/.test(next) ? 'street' : 'saint');
      return;
    }
    tokens.push(ADDRESS_ABBREVIATIONS[token] ?? token);
  });
  // A mistyped street type ("strreet", "crscent") is still a street type, not a name.
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (token.length < 4 || STREET_TYPES.has(token) || /\d/.test(token)) continue;
    const type = mistypedStreetType(token);
    if (type !== '') tokens[i] = type;
  }
  const numbers = tokens.filter((t) => /\d/.test(t));
  const words = tokens.filter((t) => !/\d/.test(t));
  const distinctive = words.filter((w) => !STREET_TYPES.has(w));
  const names = distinctive.length > 0 ? distinctive : words;
  return {
    tokens,
    numbers,
    words,
    names,
    nameMasks: names.map(characterMask),
    joined: names.join(''),
    key: [...new Set(tokens)].sort().join(' '),
  };
}

/** Identifier text without spaces, hyphens or case: "943 476 5919" -> "9434765919". */
export function normaliseIdentifier(raw: string): string {
  return raw.replace(/[\s\-./]/g, '').toUpperCase();
}
