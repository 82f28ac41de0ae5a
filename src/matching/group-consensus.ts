import { establishedName } from './common-forenames.ts';
import { nearbyInSequence } from './comparisons.ts';
import { forenamesClearlyDiffer, sameOtherIdentifier } from './decide.ts';
import type { VetoRule } from './decide.ts';
import type { TermFrequencies } from './model.ts';
import type { MatchRecord } from './record.ts';
import { withinOneEdit } from './string-similarity.ts';

/**
 * What most records of a would-be group say the person is called, numbered and born. A veto
 * between two records compares them with each other only; the group knows more. When one record
 * carries the group's name but another number (or birthday) and the other the group's number (or
 * birthday) under another name, each is the same person as the rest by one detail and differs
 * by one slip: a replaced identifier or date on one, a replaced forename on the other. Twins and
 * siblings look otherwise: each one's records agree with each other on both. Two slips of the
 * group's own name (Jaems and Jameg beside James) can be two edits from each other, as far apart
 * as two names; the group shows that neither is a name.
 */
export interface GroupConsensus {
  forename: string;
  /** Every forename the group's records hold. */
  forenames: ReadonlySet<string>;
  identifier: string;
  dateOfBirth: string;
}

/** The value held by more than half the records that hold one, or '' when there is none. */
function majority(values: readonly string[]): string {
  const present = values.filter((v) => v !== '');
  const counts = new Map<string, number>();
  for (const value of present) counts.set(value, (counts.get(value) ?? 0) + 1);
  for (const [value, count] of counts) if (count * 2 > present.length) return value;
  return '';
}

/**
 * The number more than half the numbered records carry, a typo allowed: one slip in a third record
 * (2860568 beside 2860658 twice) does not leave the group without a number.
 */
function majorityNumber(values: readonly string[]): string {
  const present = values.filter((v) => v !== '');
  for (const value of new Set(present)) {
    const carriers = present.filter((v) => sameOtherIdentifier(v, value)).length;
    if (carriers * 2 > present.length) return value;
  }
  return '';
}

export function groupConsensus(records: readonly MatchRecord[]): GroupConsensus {
  return {
    forename: majority(records.map((r) => r.forename1)),
    forenames: new Set(records.map((r) => r.forename1).filter((name) => name !== '')),
    identifier: majorityNumber(records.map((r) => r.otherIdentifier)),
    dateOfBirth: majority(records.map((r) => r.dobKey)),
  };
}

/**
 * The identifier more than half a group's numbered records carry, when at least two carry it: a
 * number the group's own records confirm. A duplicate's replaced number is a one-off; a person's
 * number recurs in that person's records.
 */
export function corroboratedIdentifier(records: readonly MatchRecord[]): string {
  const identifier = majority(records.map((r) => r.otherIdentifier));
  if (identifier === '') return '';
  const carriers = records.filter((r) => r.otherIdentifier === identifier).length;
  return carriers >= 2 ? identifier : '';
}

/**
 * Each group confirms its own number and the two are not one number mistyped: two people, however
 * alike the rest (a twin whose forename is missing from every record, beside the other twin).
 */
export function identifiersConfirmTwo(one: readonly MatchRecord[], other: readonly MatchRecord[]): boolean {
  const x = corroboratedIdentifier(one);
  const y = corroboratedIdentifier(other);
  return x !== '' && y !== '' && !sameOtherIdentifier(x, y);
}

function carriesName(record: MatchRecord, consensus: GroupConsensus): boolean {
  return record.forename1 !== '' && !forenamesClearlyDiffer(record.forename1, consensus.forename);
}

function carriesNumber(record: MatchRecord, consensus: GroupConsensus): boolean {
  return sameOtherIdentifier(record.otherIdentifier, consensus.identifier);
}

/** The group's birthday, or one keystroke from it. */
function carriesBirthday(record: MatchRecord, consensus: GroupConsensus): boolean {
  return record.dobKey !== '' && withinOneEdit(record.dobKey, consensus.dateOfBirth);
}

function carriesBirthdayExactly(record: MatchRecord, consensus: GroupConsensus): boolean {
  return record.dobKey !== '' && record.dobKey === consensus.dateOfBirth;
}

/** One record has the group's name and not `detail`, the other `detail` and not the name. */
function splitBetween(
  a: MatchRecord,
  b: MatchRecord,
  consensus: GroupConsensus,
  detail: (record: MatchRecord, consensus: GroupConsensus) => boolean,
): boolean {
  const nameOnly = (r: MatchRecord): boolean => carriesName(r, consensus) && !detail(r, consensus);
  const detailOnly = (r: MatchRecord): boolean => detail(r, consensus) && !carriesName(r, consensus);
  return (nameOnly(a) && detailOnly(b)) || (detailOnly(a) && nameOnly(b));
}

/**
 * Both forenames are slips of a name the group holds that is a name in its own right, and neither
 * is one itself: the twins rule read two typing errors of one name (Jaems and Jameg beside
 * James) as two names. Twins are each given a name; a third record named between them does not
 * make either a typing error.
 */
function misspellingsOfGroupName(
  a: MatchRecord,
  b: MatchRecord,
  consensus: GroupConsensus,
  frequencies: TermFrequencies | null,
): boolean {
  const x = a.forename1;
  const y = b.forename1;
  const slipOf = (slip: string, name: string): boolean =>
    slip !== '' &&
    slip !== name &&
    !forenamesClearlyDiffer(slip, name) &&
    !establishedName(slip, name, frequencies);
  return [...consensus.forenames].some(
    (name) => establishedName(name, x, frequencies) && slipOf(x, name) && slipOf(y, name),
  );
}

/**
 * The veto between `a` and `b` is explained by the group. Twins: both forenames are slips of a
 * name the group holds, or one carries the group's name and not its number, the other its number
 * and not its name. Different people (siblings): the same with the date of birth for the number.
 * Apart from the slips, needs a majority for the name and for that detail.
 */
export function groupExplainsVeto(
  rule: VetoRule,
  a: MatchRecord,
  b: MatchRecord,
  consensus: GroupConsensus,
  frequencies: TermFrequencies | null,
): boolean {
  if (rule === 'twins' && misspellingsOfGroupName(a, b, consensus, frequencies)) return true;
  if (consensus.forename === '') return false;
  if (rule === 'twins') {
    if (consensus.identifier === '') return false;
    // Numbers a step or two apart are a twin's own number, not a slip: nothing to explain away.
    if (nearbyInSequence(a.otherIdentifier, b.otherIdentifier)) return false;
    if (nearbyInSequence(a.otherIdentifier, consensus.identifier)) return false;
    if (nearbyInSequence(b.otherIdentifier, consensus.identifier)) return false;
    return splitBetween(a, b, consensus, carriesNumber);
  }
  if (rule === 'different-person-details') {
    if (consensus.dateOfBirth === '') return false;
    // Either the record with the name has a date not even close to the group's, or the other
    // record has the group's date exactly and the named one a slip of it (Michael born 1992 for
    // 1929 beside Mya born 1929: a sibling's birthday to the rule, a transposition to the group).
    return (
      splitBetween(a, b, consensus, carriesBirthday) || splitBetween(a, b, consensus, carriesBirthdayExactly)
    );
  }
  return false;
}
