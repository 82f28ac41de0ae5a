import { forenamesClearlyDiffer, nearbyInSequence, sameOtherIdentifier } from './decide.ts';
import type { MatchRecord } from './record.ts';

/**
 * What most records of a would-be group say the person is called and numbered. A twins veto
 * between two records compares them with each other only; the group knows more. When one record
 * carries the group's name under another number and the other the group's number under another
 * name, each is the same person as the rest by one detail and differs by one slip: a mistyped
 * or replaced identifier on one, a replaced forename on the other. Twins look otherwise: each
 * twin's records agree with each other on both.
 */
export interface GroupConsensus {
  forename: string;
  identifier: string;
}

/** The value held by more than half the records that hold one, or '' when there is none. */
function majority(values: readonly string[]): string {
  const present = values.filter((v) => v !== '');
  const counts = new Map<string, number>();
  for (const value of present) counts.set(value, (counts.get(value) ?? 0) + 1);
  for (const [value, count] of counts) if (count * 2 > present.length) return value;
  return '';
}

export function groupConsensus(records: readonly MatchRecord[]): GroupConsensus {
  return {
    forename: majority(records.map((r) => r.forename1)),
    identifier: majority(records.map((r) => r.otherIdentifier)),
  };
}

function carriesName(record: MatchRecord, consensus: GroupConsensus): boolean {
  return record.forename1 !== '' && !forenamesClearlyDiffer(record.forename1, consensus.forename);
}

function carriesNumber(record: MatchRecord, consensus: GroupConsensus): boolean {
  return sameOtherIdentifier(record.otherIdentifier, consensus.identifier);
}

/**
 * The twins veto between `a` and `b` is explained by the group: one carries the group's name
 * and not its number, the other its number and not its name. Needs a majority on both.
 */
export function groupExplainsTwinsVeto(a: MatchRecord, b: MatchRecord, consensus: GroupConsensus): boolean {
  if (consensus.forename === '' || consensus.identifier === '') return false;
  // Numbers a step or two apart are a twin's own number, not a slip: nothing to explain away.
  if (nearbyInSequence(a.otherIdentifier, b.otherIdentifier)) return false;
  if (nearbyInSequence(a.otherIdentifier, consensus.identifier)) return false;
  if (nearbyInSequence(b.otherIdentifier, consensus.identifier)) return false;
  const nameOnly = (r: MatchRecord): boolean => carriesName(r, consensus) && !carriesNumber(r, consensus);
  const numberOnly = (r: MatchRecord): boolean => carriesNumber(r, consensus) && !carriesName(r, consensus);
  return (nameOnly(a) && numberOnly(b)) || (numberOnly(a) && nameOnly(b));
}
