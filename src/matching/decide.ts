import { distinctEstablishedNames, establishedName } from './common-forenames.ts';
import { areForenameVariants, areVariantsOfOneName } from './forename-variants.ts';
import { probabilityToWeight, type TermFrequencies } from './model.ts';
import { spellingKey } from './spelling-key.ts';
import type { MatchRecord } from './record.ts';
import { damerauLevenshtein, jaroWinkler, withinOneEdit } from './string-similarity.ts';
import { namesSwapped, nearbyInSequence, softTokenOverlap } from './comparisons.ts';

export type Decision = 'link' | 'review' | 'new';

export type VetoRule = 'post-adoption' | 'strong-identifier-conflict' | 'twins' | 'different-person-details';

/** A safety rule that overrides the score: the pair is never linked automatically. */
export interface Veto {
  rule: VetoRule;
  reason: string;
}

/**
 * Thresholds as match weights (log2 odds). A false merge shows one child's carers and
 * practitioners on another child's record, so the link threshold is set by the cost of that,
 * not tuned on labelled data.
 */
export interface Thresholds {
  linkWeight: number;
  reviewWeight: number;
}

/**
 * Link at probability 0.99: a false merge is judged about a hundred times worse than a missed
 * link (which only leaves a duplicate for clerical review), and the Bayes-optimal cut for that
 * cost ratio is p = 100 / 101. Pairs from even odds up go to review.
 */
export const DEFAULT_LINK_PROBABILITY = 0.99;
export const DEFAULT_REVIEW_PROBABILITY = 0.5;

export function thresholdsFromProbabilities(
  link = DEFAULT_LINK_PROBABILITY,
  review = Math.min(DEFAULT_REVIEW_PROBABILITY, link),
): Thresholds {
  return { linkWeight: probabilityToWeight(link), reviewWeight: probabilityToWeight(review) };
}

/**
 * Forenames that are clearly two different names: not a typo (one edit, or two in a long name),
 * not a close spelling, not a recorded variant or nickname, not an initial of the other.
 */
export function forenamesClearlyDiffer(x: string, y: string): boolean {
  if (x === '' || y === '' || x === y) return false;
  if (x.length === 1 || y.length === 1) return false;
  if (x.startsWith(y) || y.startsWith(x)) return false;
  if (areForenameVariants(x, y)) return false;
  if (spellingKey(x) === spellingKey(y)) return false;
  if (jaroWinkler(x, y) >= 0.88) return false;
  const edits = damerauLevenshtein(x, y, 2);
  if (edits <= 1) return false;
  if (edits <= 2 && Math.min(x.length, y.length) >= 6) return false;
  return true;
}

/*
 * "Agree" here means the same value once normalised, not merely a similar one. A twin whose
 * record also carries a typo elsewhere is still kept apart, one level up: the clustering
 * refuses to join two groups while any pair across them is vetoed, and the exact twin pair
 * (or the twin's own clean record) is in the other group.
 */
function surnamesAgree(a: MatchRecord, b: MatchRecord): boolean {
  return a.surname.compact !== '' && a.surname.compact === b.surname.compact;
}

/**
 * The twins rule's "same surname" and "same date of birth": the same, or missing from both records.
 * A record that lost its family name or birthday still belongs to a household that may hold twins,
 * each under its own forename; a missing value on both sides must not let the pair escape the rule.
 */
function surnamesAgreeOrBothMissing(a: MatchRecord, b: MatchRecord): boolean {
  return surnamesAgree(a, b) || (a.surname.compact === '' && b.surname.compact === '');
}

function datesOfBirthAgreeOrBothMissing(a: MatchRecord, b: MatchRecord): boolean {
  return datesOfBirthAgree(a, b) || datesOfBirthBothMissing(a, b);
}

function datesOfBirthBothMissing(a: MatchRecord, b: MatchRecord): boolean {
  return a.dobKey === '' && b.dobKey === '';
}

/**
 * The same date of birth, or the same with day and month swapped: twins share a birthday, and one
 * twin's row written the American way must not turn the pair into one child (Eva and Ava, 1 March
 * and 3 January).
 */
function datesOfBirthAgree(a: MatchRecord, b: MatchRecord): boolean {
  if (a.dobKey === '' || b.dobKey === '') return false;
  if (a.dobKey === b.dobKey) return true;
  const x = a.dob;
  const y = b.dob;
  return x !== null && y !== null && x.y === y.y && x.m === y.d && x.d === y.m;
}

function addressesAgree(a: MatchRecord, b: MatchRecord): boolean {
  const x = a.address;
  const y = b.address;
  if (x !== null && y !== null) {
    if (x.key === y.key) return true;
    const numbersCompatible =
      x.numbers.length === 0 || y.numbers.length === 0 || x.numbers.join(' ') === y.numbers.join(' ');
    return numbersCompatible && softTokenOverlap(x, y) >= 0.8;
  }
  // Without a street to compare, the same postcode stands in for the same home.
  return samePostcode(a, b);
}

/**
 * The same identifier, allowing one typing error (the identifier has no check digit to catch
 * it), but not the next number or two along: identifiers issued in sequence give twins numbers
 * a keystroke apart, and that must not pass for a typo.
 */
export function sameOtherIdentifier(x: string, y: string): boolean {
  if (x === '' || y === '') return false;
  if (x === y) return true;
  return withinOneEdit(x, y) && !nearbyInSequence(x, y);
}

function shareAnIdentifier(a: MatchRecord, b: MatchRecord): boolean {
  return (
    (a.nhsNumber !== '' && a.nhsNumber === b.nhsNumber) ||
    (a.upn !== '' && a.upn === b.upn) ||
    sameOtherIdentifier(a.otherIdentifier, b.otherIdentifier)
  );
}

/**
 * How the twins rule reads two forenames that are related but not one name mistyped or spelt
 * another way (Harry beside Henry or Harrison, Teddy beside Edward, Isla beside Isluca) on records
 * that agree on everything else and share no identifier.
 */
export interface TwinsPolicy {
  /**
   * Two children, as in a file of people: nothing but the forename tells twins named alike from
   * one person written two ways, and a merge of twins is the worse mistake. The index reads them
   * as one child under a nickname unless an identifier or the sex says otherwise: its sources
   * write a child's nickname, and a claim or a second identifier tells twins apart there.
   */
  relatedNamesAreTwoChildren: boolean;
  /**
   * A file's record alone under a forename that would say twins, whose other details were typed
   * again rather than copied, is the same person with the forename replaced, not a twin (see
   * forenameReplacedInRetypedRecord). The index never reads it so: each of its children was
   * recorded on its own.
   */
  retypedLoneNameIsOnePerson: boolean;
  /**
   * Set by the linkage run: no other record scoring near the record carries its forename in any
   * spelling. Without it every record is taken to share its name with another.
   */
  loneName?: (record: MatchRecord) => boolean;
}

export const INDEX_TWINS: TwinsPolicy = {
  relatedNamesAreTwoChildren: false,
  retypedLoneNameIsOnePerson: false,
};
export const FILE_TWINS: TwinsPolicy = { relatedNamesAreTwoChildren: true, retypedLoneNameIsOnePerson: true };

/**
 * Twins: the same surname, date of birth and home but clearly different forenames. Every other
 * field agrees, so the score alone would merge them; the forename is the only evidence that
 * they are two children, and it is decisive. A typo in one twin's forename is not "clearly
 * different", so a mistyped record still links to its own twin. Gender, where known, must
 * also not contradict: a boy and a girl with similar names are still two children.
 */
export function looksLikeTwins(
  a: MatchRecord,
  b: MatchRecord,
  frequencies: TermFrequencies | null,
  policy: TwinsPolicy = INDEX_TWINS,
): boolean {
  if (!surnamesAgreeOrBothMissing(a, b) || !datesOfBirthAgreeOrBothMissing(a, b)) return false;
  if (!addressesAgree(a, b)) return false;
  return twinForenames(a, b, frequencies, policy);
}

/**
 * The twins rule with a typo allowed in the surname, the date of birth or the house number (the
 * same full postcode standing in for the home). Too loose to forbid a link: a duplicate whose forename was replaced
 * and surname mistyped is one person. It decides only whether a record fits two children: a row
 * with no forename that links as well to one twin's records as to the other's must join neither.
 */
export function mayBeTwins(
  a: MatchRecord,
  b: MatchRecord,
  frequencies: TermFrequencies | null,
  policy: TwinsPolicy = INDEX_TWINS,
): boolean {
  // Close covers agreeing (the same date, or day and month swapped).
  if (!datesOfBirthClose(a, b) && !datesOfBirthBothMissing(a, b)) return false;
  if (!surnamesAgreeOrBothMissing(a, b) && !surnamesMistyped(a, b)) return false;
  if (!addressesAgree(a, b) && !samePostcode(a, b)) return false;
  return twinForenames(a, b, frequencies, policy);
}

function surnamesMistyped(a: MatchRecord, b: MatchRecord): boolean {
  const x = a.surname.compact;
  const y = b.surname.compact;
  return x !== '' && y !== '' && isTypo(x, y);
}

function samePostcode(a: MatchRecord, b: MatchRecord): boolean {
  return a.postcode !== null && b.postcode !== null && a.postcode.compact === b.postcode.compact;
}

/** Surname, birthday and home agree: do the forenames (and identifiers, sex) say two children? */
function twinForenames(
  a: MatchRecord,
  b: MatchRecord,
  frequencies: TermFrequencies | null,
  policy: TwinsPolicy,
): boolean {
  if (shareAnIdentifier(a, b)) return false;
  if (namesSwapped(a, b)) return false;
  const x = a.forename1;
  const y = b.forename1;
  // The same letters with a space or hyphen moved (Alexa-Rose written Alex-Arose) are one name.
  if (a.forename.compact === b.forename.compact) return false;
  // With no forename on one side only the number tells a twin from the same child: two numbers
  // that are not one mistyped are two children.
  if ((x === '') !== (y === '')) return identifiersConflict(a, b);
  if (x === '' || y === '' || x === y) return false;
  if (namesOfTwoChildren(a, b, frequencies, policy)) return !forenameReplacedInRetypedRecord(a, b, policy);
  // Related names (Harry and Harrison, Teddy and Edward) may be one child under a nickname,
  // or twins: an identifier that disagrees, or a different sex, says which.
  if (!isTypo(x, y) && identifiersConflict(a, b)) return true;
  return sexesDiffer(a, b) && !areForenameVariants(x, y);
}

/** Both records give a sex and they differ. */
function sexesDiffer(a: MatchRecord, b: MatchRecord): boolean {
  return a.gender !== '' && b.gender !== '' && a.gender !== b.gender;
}

/**
 * The forenames alone say two children: clearly different names; two names each given in its own
 * right (twins are often named alike: Amelia and Amelie), not one name and its typo; or, in a file,
 * related names that are not one name mistyped (Harry and Henry).
 */
function namesOfTwoChildren(
  a: MatchRecord,
  b: MatchRecord,
  frequencies: TermFrequencies | null,
  policy: TwinsPolicy,
): boolean {
  const x = a.forename1;
  const y = b.forename1;
  if (forenamesClearlyDiffer(x, y)) return true;
  if (!areVariantsOfOneName(x, y) && distinctEstablishedNames(x, y, frequencies)) return true;
  return policy.relatedNamesAreTwoChildren && relatedNotMistyped(a, b, frequencies);
}

/**
 * A forename replaced in one record, not a twin. A file's twin is recorded from the household's
 * details under another name: surname, birthday and address as the other twin's record writes
 * them, character for character. A record whose forename no record near it shares, and which also
 * writes some other detail differently (a typo, a value left out, two lines swapped), was typed
 * again: the person's own record with its forename replaced. A record that is an exact copy but
 * for the forename stays a twin, and so does one whose name another record shares (the twin's
 * own records). Two numbers that are not one mistyped, or two sexes, still say two children.
 */
function forenameReplacedInRetypedRecord(a: MatchRecord, b: MatchRecord, policy: TwinsPolicy): boolean {
  const lone = policy.loneName;
  if (!policy.retypedLoneNameIsOnePerson || lone === undefined) return false;
  if (identifiersConflict(a, b)) return false;
  if (sexesDiffer(a, b)) return false;
  if (!lone(a) && !lone(b)) return false;
  // Details not kept (a record not read from a file) are taken for a copy: the twins rule stands.
  if (a.detailsAsWritten === undefined || b.detailsAsWritten === undefined) return false;
  return a.detailsAsWritten !== b.detailsAsWritten;
}

/**
 * Related forenames that are not one name mistyped or spelt another way: a nickname of the other
 * (Harry and Henry), or a name in its own right beside a spelling that is not its typo (Isla and
 * Isluca, two letters added to a short name). An initial is neither, nor a name with a space
 * typed into it (Ja ck).
 */
function relatedNotMistyped(a: MatchRecord, b: MatchRecord, frequencies: TermFrequencies | null): boolean {
  const x = a.forename1;
  const y = b.forename1;
  if (x.length === 1 || y.length === 1) return false;
  if (isTypo(x, y) || spellingKey(x) === spellingKey(y)) return false;
  if (isTypo(a.forename.compact, b.forename.compact)) return false;
  if (areForenameVariants(x, y)) return true;
  return establishedName(x, y, frequencies) || establishedName(y, x, frequencies);
}

/**
 * The forenames name two children: clearly different names (Otis and Lucas), or two names each
 * given in its own right (Amelia and Amelie, Leo and Leon) rather than one name with its typo,
 * spelling variant or nickname, and no identifier is shared. Where surname and home agree too,
 * that is the twins rule; where one side holds no home, an old one, or a mistyped surname, the
 * rest of the record cannot tell one child from a twin, or from another child of the same
 * surname and birthday, whose own record has not arrived yet.
 */
export function forenamesAreTwoNames(
  a: MatchRecord,
  b: MatchRecord,
  frequencies: TermFrequencies | null,
): boolean {
  const x = a.forename1;
  const y = b.forename1;
  if (x === '' || y === '' || x === y) return false;
  if (shareAnIdentifier(a, b) || namesSwapped(a, b)) return false;
  if (forenamesClearlyDiffer(x, y)) return true;
  return !areVariantsOfOneName(x, y) && distinctEstablishedNames(x, y, frequencies);
}

/** Both postcodes fall in one postcode district (SW1A, SE8): the same home or a move nearby. */
function sameDistrict(a: MatchRecord, b: MatchRecord): boolean {
  const x = a.postcode;
  const y = b.postcode;
  if (x === null || y === null) return false;
  if (x.uk !== null && y.uk !== null) return x.uk.district === y.uk.district;
  return x.compact === y.compact;
}

/**
 * The surname clearly differs and no home or identifier is shared: beside a forename and a date of
 * birth, that is another child of the same name and birthday somewhere else in the country as
 * often as it is one child who changed surname and moved. (A child recorded under a former
 * surname at home, or one part of a double surname, is not caught.)
 */
export function onlyForenameAndBirthShared(a: MatchRecord, b: MatchRecord): boolean {
  return surnamesClearlyDiffer(a, b) && !shareAnIdentifier(a, b) && !sameDistrict(a, b);
}

/**
 * One name as someone may write it: mistyped (isTypo), spelt another way, or a recorded variant or
 * nickname of it. Not a name cut short (Harr beside Harrison), which may be another name's typo.
 */
export function writtenForOneName(x: string, y: string): boolean {
  return isTypo(x, y) || spellingKey(x) === spellingKey(y) || areForenameVariants(x, y);
}

/** Both records carry a forename and it is one name, however written. */
export function shareTheirForename(a: MatchRecord, b: MatchRecord): boolean {
  return a.forename1 !== '' && b.forename1 !== '' && writtenForOneName(a.forename1, b.forename1);
}

/** One name mistyped as the other: one edit, or two in a name of six letters or more. */
function isTypo(x: string, y: string): boolean {
  if (withinOneEdit(x, y)) return true;
  return Math.min(x.length, y.length) >= 6 && damerauLevenshtein(x, y, 2) <= 2;
}

/** Both records carry an identifier and the two are not the same, even allowing a typo. */
function identifiersConflict(a: MatchRecord, b: MatchRecord): boolean {
  return (
    a.otherIdentifier !== '' &&
    b.otherIdentifier !== '' &&
    !sameOtherIdentifier(a.otherIdentifier, b.otherIdentifier)
  );
}

/** The forenames are the same name, allowing for typos, nicknames and phonetic spelling. */
function forenamesAgree(a: MatchRecord, b: MatchRecord): boolean {
  const x = a.forename1;
  const y = b.forename1;
  if (x === '' || y === '') return false;
  if (x === y || areForenameVariants(x, y) || jaroWinkler(x, y) >= 0.88) return true;
  const [pa, aa] = a.forenameSounds;
  const [pb, ab] = b.forenameSounds;
  return pa !== 0 && (pa === pb || pa === ab || aa === pb || aa === ab);
}

/**
 * The same date, one a typist could turn into the other (one digit, day and month swapped), or the
 * same month with one day given as the 1st: a system that must hold a whole date writes the 1st for
 * a day it was not told. No brother or sister is born within a month of another but a twin, and a
 * twin is born on the same day or the next.
 */
function datesOfBirthClose(a: MatchRecord, b: MatchRecord): boolean {
  if (a.dobKey === '' || b.dobKey === '') return false;
  if (withinOneEdit(a.dobKey, b.dobKey)) return true;
  const x = a.dob;
  const y = b.dob;
  if (x === null || y === null) return false;
  if (x.y !== y.y) return false;
  if (x.m === y.d && x.d === y.m) return true;
  return x.m === y.m && (x.d === 1 || y.d === 1);
}

/**
 * Evidence about the person rather than the household: a forename, a date of birth or an
 * identifier. Surname, address, town and postcode are shared by a whole family, so a pair that
 * agrees on those alone may be two siblings, however high its score.
 */
export function hasPersonalEvidence(a: MatchRecord, b: MatchRecord): boolean {
  return forenamesAgree(a, b) || namesSwapped(a, b) || datesOfBirthClose(a, b) || shareAnIdentifier(a, b);
}

function datesOfBirthDiffer(a: MatchRecord, b: MatchRecord): boolean {
  return a.dobKey !== '' && b.dobKey !== '' && !datesOfBirthClose(a, b);
}

function personalDetailDisagrees(a: MatchRecord, b: MatchRecord): boolean {
  return forenamesClearlyDiffer(a.forename1, b.forename1) || datesOfBirthDiffer(a, b);
}

/**
 * Both the forename and the date of birth are known on both sides and both differ, as siblings'
 * do. Clearly different forenames need dates that clearly differ, or the same day of another
 * year (a sibling's birthday, one digit away); two related names each given in its own right
 * (Liam and William, Maria and Mariam) need dates that clearly differ. One child whose date of
 * birth was replaced in one record still links when the forename agrees or is mistyped.
 */
function personDetailsDiffer(a: MatchRecord, b: MatchRecord, frequencies: TermFrequencies | null): boolean {
  if (namesSwapped(a, b) || shareAnIdentifier(a, b)) return false;
  const x = a.forename1;
  const y = b.forename1;
  if (forenamesClearlyDiffer(x, y)) return datesOfBirthDiffer(a, b) || sameBirthdayOtherYear(a, b);
  if (!datesOfBirthDiffer(a, b)) return false;
  if (x === '' || y === '' || spellingKey(x) === spellingKey(y)) return false;
  return areForenameVariants(x, y) || distinctEstablishedNames(x, y, frequencies);
}

function surnamesClearlyDiffer(a: MatchRecord, b: MatchRecord): boolean {
  const x = a.surname;
  const y = b.surname;
  if (x.compact === '' || y.compact === '') return false;
  if (x.parts.some((part) => y.parts.includes(part))) return false;
  return forenamesClearlyDiffer(x.compact, y.compact);
}

/**
 * Dates of birth that clearly differ (not a typo, not day and month swapped) with no identifier in
 * common. A general file replaces dates by mistake, so offline linkage leaves this to the score; in
 * an index of children it is a brother or sister, often given the same name (Muhammad, 2007 and
 * 2012), and the index's resolution never links it.
 */
export function bornApart(a: MatchRecord, b: MatchRecord): boolean {
  return datesOfBirthDiffer(a, b) && !shareAnIdentifier(a, b);
}

/** One record's forename is among the other's middle (or later) names: Lily Aria called Aria. */
export function forenameIsOtherName(a: MatchRecord, b: MatchRecord): boolean {
  return (
    (a.forename1 !== '' && b.otherForenames.includes(a.forename1)) ||
    (b.forename1 !== '' && a.otherForenames.includes(b.forename1))
  );
}

/** A name of one record appears, whichever field, among the other's names. */
function shareAName(a: MatchRecord, b: MatchRecord): boolean {
  const names = new Set([a.forename1, ...a.surname.parts].filter((n) => n !== ''));
  return [b.forename1, ...b.surname.parts].some((n) => names.has(n));
}

/**
 * Forename and surname both clearly different, no name shared in either field, and no identifier
 * in common: only the household and the date of birth say one person. In an index of children
 * that is a twin under another surname, or a child placed in a household; the index's resolution
 * never links such a pair. (A general file, where whole names are sometimes replaced by mistake,
 * leaves it to the score.)
 */
export function namesUnrelated(a: MatchRecord, b: MatchRecord): boolean {
  return (
    forenamesClearlyDiffer(a.forename1, b.forename1) &&
    surnamesClearlyDiffer(a, b) &&
    !shareAName(a, b) &&
    !shareAnIdentifier(a, b)
  );
}

function sameBirthdayOtherYear(a: MatchRecord, b: MatchRecord): boolean {
  const x = a.dob;
  const y = b.dob;
  return x !== null && y !== null && x.y !== y.y && x.m === y.m && x.d === y.d;
}

/** Two different valid NHS numbers, or two different valid UPNs: two people. */
export function strongIdentifierConflict(a: MatchRecord, b: MatchRecord): Veto | null {
  if (a.nhsNumber !== '' && b.nhsNumber !== '' && a.nhsNumber !== b.nhsNumber) {
    return {
      rule: 'strong-identifier-conflict',
      reason: 'two different valid NHS numbers belong to two different people',
    };
  }
  if (a.upn !== '' && b.upn !== '' && a.upn !== b.upn) {
    return {
      rule: 'strong-identifier-conflict',
      reason: 'two different valid UPNs belong to two different people',
    };
  }
  return null;
}

export function vetoFor(
  a: MatchRecord,
  b: MatchRecord,
  frequencies: TermFrequencies | null,
  policy: TwinsPolicy = INDEX_TWINS,
): Veto | null {
  if (a.postAdoption || b.postAdoption) {
    return {
      rule: 'post-adoption',
      reason: 'a post-adoption record is never linked to any other record',
    };
  }
  const conflict = strongIdentifierConflict(a, b);
  if (conflict !== null) return conflict;
  if (looksLikeTwins(a, b, frequencies, policy)) {
    return {
      rule: 'twins',
      reason: 'same surname, date of birth and address with clearly different forenames: likely twins',
    };
  }
  if (personDetailsDiffer(a, b, frequencies)) {
    return {
      rule: 'different-person-details',
      reason: 'different forenames and clearly different dates of birth: two people, perhaps siblings',
    };
  }
  return null;
}

/** Deterministic rule: the same valid NHS number and the same date of birth is one child. */
export function deterministicMatch(a: MatchRecord, b: MatchRecord): string | null {
  if (a.nhsNumber !== '' && a.nhsNumber === b.nhsNumber && a.dobKey !== '' && a.dobKey === b.dobKey) {
    return 'same valid NHS number and date of birth';
  }
  return null;
}

export interface PairDecision {
  decision: Decision;
  veto: Veto | null;
  deterministic: string | null;
  /** Why a pair scoring above the link threshold was sent to review instead. */
  hold?: string;
}

const HOUSEHOLD_ONLY =
  'only household details (surname, address) agree while the forename or date of birth differs: perhaps a sibling';

export function decidePair(
  a: MatchRecord,
  b: MatchRecord,
  weight: number,
  thresholds: Thresholds,
  frequencies: TermFrequencies | null,
  policy: TwinsPolicy = INDEX_TWINS,
): PairDecision {
  const veto = vetoFor(a, b, frequencies, policy);
  if (veto) {
    const decision = veto.rule !== 'post-adoption' && weight >= thresholds.reviewWeight ? 'review' : 'new';
    return { decision, veto, deterministic: null };
  }
  const deterministic = deterministicMatch(a, b);
  if (deterministic) return { decision: 'link', veto: null, deterministic };
  let decision: Decision =
    weight >= thresholds.linkWeight ? 'link' : weight >= thresholds.reviewWeight ? 'review' : 'new';
  // Household details alone are not enough when a personal detail disagrees: that is how
  // two siblings at one address look. Details merely missing are no evidence either way.
  const held = decision === 'link' && !hasPersonalEvidence(a, b) && personalDetailDisagrees(a, b);
  if (held) decision = 'review';
  return { decision, veto: null, deterministic: null, ...(held ? { hold: HOUSEHOLD_ONLY } : {}) };
}
