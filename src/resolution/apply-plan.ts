import type { Gender, IsoDate, ShieldReason } from '../children/child.model.ts';
import { outranks, survivor } from '../children/survivorship.ts';
import { addYears } from '../children/child.validation.ts';
import type { WaitingRow } from './outcome.ts';
import {
  isPostAdoption,
  provenanceOf,
  rowAddress,
  rowGender,
  rowLaCode,
  rowName,
  rowSchool,
  sameAddress,
  sameName,
  type Provenance,
  type RowAddress,
  type RowName,
  type RowSchool,
} from './apply-values.ts';

/**
 * What applying resolved feed rows writes, worked out in memory so the repository can write a whole
 * chunk in a handful of statements. Pure: the repository loads the state and writes the plan.
 */

export type IdentifierScheme = 'nhs_number' | 'upn' | 'source_record';

/** A source's rank for one field of the record ('name', 'address', ...): see survivorship.ts. */
export type RankOf = (sourceName: string, field: string) => number;

export interface NameWrite {
  readonly childId: string;
  readonly kind: 'current' | 'former' | 'alias';
  readonly name: RowName;
  readonly provenance: Provenance;
  /** Inserted already closed: a value superseded within the same chunk, kept as history. */
  closed: boolean;
}

export interface AddressWrite {
  readonly childId: string;
  readonly address: RowAddress;
  readonly provenance: Provenance;
  closed: boolean;
}

/** An educational setting: the one open per child is the school the child is on roll at now. */
export interface SchoolWrite {
  readonly childId: string;
  readonly school: RowSchool;
  readonly provenance: Provenance;
  closed: boolean;
}

export interface IdentifierWrite {
  readonly childId: string;
  readonly scheme: IdentifierScheme;
  readonly value: string;
  readonly provenance: Provenance;
}

/**
 * A gap in a linked child's own fields that a row fills: a gender the child's sources did not give,
 * or a responsible LA it had none of. A value the child holds already is never replaced here (that
 * would move a child between local authorities on one feed's word).
 */
export interface ChildFill {
  readonly childId: string;
  readonly gender?: FilledValue<Gender>;
  readonly responsibleLa?: FilledValue<string>;
}

/** A filled value and the feed row it came from, recorded on the child's event. */
export interface FilledValue<T> {
  readonly value: T;
  readonly rowId: number;
  readonly sourceName: string;
}

/** Everything a chunk writes to the history tables. Closes run before inserts. */
export interface Writes {
  readonly names: NameWrite[];
  readonly addresses: AddressWrite[];
  readonly identifiers: IdentifierWrite[];
  readonly schools: SchoolWrite[];
  readonly closeNames: number[];
  readonly closeAddresses: number[];
  readonly closeSchools: number[];
  readonly fills: ChildFill[];
}

export function emptyWrites(): Writes {
  return {
    names: [],
    addresses: [],
    identifiers: [],
    schools: [],
    closeNames: [],
    closeAddresses: [],
    closeSchools: [],
    fills: [],
  };
}

/** Identifiers a row gave that were not recorded (held by another child, or the child has another). */
export type Notes = Map<number, IdentifierScheme[]>;

function note(notes: Notes, row: WaitingRow, scheme: IdentifierScheme): void {
  const list = notes.get(row.id) ?? [];
  if (!list.includes(scheme)) list.push(scheme);
  notes.set(row.id, list);
}

/**
 * Who holds each current identifier value, seeded from the database and updated as the chunk claims
 * values, so two rows of one chunk can never give one NHS number, UPN or source record to two children.
 */
export class IdentifierRegistry {
  readonly #holders = new Map<string, string>();

  static key(scheme: IdentifierScheme, value: string, sourceName: string): string {
    return scheme === 'source_record' ? `${scheme}|${sourceName}|${value}` : `${scheme}|${value}`;
  }

  holder(scheme: IdentifierScheme, value: string, sourceName: string): string | undefined {
    return this.#holders.get(IdentifierRegistry.key(scheme, value, sourceName));
  }

  claim(scheme: IdentifierScheme, value: string, sourceName: string, childId: string): void {
    this.#holders.set(IdentifierRegistry.key(scheme, value, sourceName), childId);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

const NATIONAL = [
  ['nhs_number', 'nhsNumber'],
  ['upn', 'upn'],
] as const;

// Existing children

export interface StoredName extends RowName {
  readonly id: number;
  readonly kind: string;
  readonly provenance: Provenance;
}

export interface StoredAddress extends RowAddress {
  readonly id: number;
  readonly current: boolean;
  readonly provenance: Provenance;
}

export interface StoredSchool extends RowSchool {
  readonly id: number;
  readonly provenance: Provenance;
}

export interface StoredIdentifier {
  readonly scheme: string;
  readonly value: string;
  readonly sourceName: string;
}

/**
 * A child's rows as loaded: open names, every address (oldest first), open identifiers, the
 * current school (loaded only when a row names a school).
 */
export interface ChildState {
  readonly childId: string;
  readonly gender: Gender;
  readonly responsibleLa: string | null;
  readonly names: readonly StoredName[];
  readonly addresses: readonly StoredAddress[];
  readonly identifiers: readonly StoredIdentifier[];
  readonly school: StoredSchool | null;
}

interface Entry<T> {
  readonly value: T;
  readonly provenance: Provenance;
  open: boolean;
  readonly storedId?: number;
  readonly write?: { closed: boolean };
}

interface NameEntry extends Entry<RowName> {
  readonly kind: string;
}

function rankOfEntry(
  ranks: RankOf,
  field: string,
  provenance: Provenance,
): { rank: number; receivedAt: Date } {
  return { rank: ranks(provenance.sourceName, field), receivedAt: provenance.receivedAt };
}

/**
 * Adds linked rows' values to one existing child under survivorship: a differing name or address
 * from a source that outranks the current value's (or ties and is as new) replaces it, the old one
 * closed and kept; a lower-ranked differing name is kept as an alias and a lower-ranked differing
 * address as history (inserted closed). NHS number and UPN are added only when the child has none;
 * every row's source record is added for lineage. Rows are taken in the order given. True when
 * anything was written.
 */
export function planLink(
  state: ChildState,
  rows: readonly WaitingRow[],
  context: {
    readonly ranks: RankOf;
    readonly registry: IdentifierRegistry;
    readonly isKnownLa: (code: string) => boolean;
    readonly receivedAt?: Date;
  },
  writes: Writes,
  notes: Notes,
): boolean {
  const { childId } = state;
  const { ranks, registry } = context;
  const before = writeCount(writes);
  planFills(state, rows, context.isKnownLa, writes);
  const names: NameEntry[] = state.names.map((n) => ({
    value: n,
    kind: n.kind,
    provenance: n.provenance,
    open: true,
    storedId: n.id,
  }));
  const addresses: Entry<RowAddress>[] = state.addresses.map((a) => ({
    value: a,
    provenance: a.provenance,
    open: a.current,
    storedId: a.id,
  }));
  const schools: Entry<RowSchool>[] =
    state.school === null
      ? []
      : [{ value: state.school, provenance: state.school.provenance, open: true, storedId: state.school.id }];
  const identifiers = [...state.identifiers];

  const close = (entry: Entry<unknown>, closes: number[]): void => {
    entry.open = false;
    if (entry.storedId !== undefined) closes.push(entry.storedId);
    else if (entry.write !== undefined) entry.write.closed = true;
  };
  const addName = (kind: NameWrite['kind'], name: RowName, provenance: Provenance): void => {
    const write: NameWrite = { childId, kind, name, provenance, closed: false };
    writes.names.push(write);
    names.push({ value: name, kind, provenance, open: true, write });
  };
  const addAddress = (address: RowAddress, provenance: Provenance, closed: boolean): void => {
    const write: AddressWrite = { childId, address, provenance, closed };
    writes.addresses.push(write);
    addresses.push({ value: address, provenance, open: !closed, write });
  };

  const addSchool = (school: RowSchool, provenance: Provenance, closed: boolean): void => {
    const write: SchoolWrite = { childId, school, provenance, closed };
    writes.schools.push(write);
    schools.push({ value: school, provenance, open: !closed, write });
  };

  for (const row of rows) {
    const provenance = provenanceOf(row, context.receivedAt);

    const name = rowName(row);
    if (name !== undefined) {
      const current = names.find((n) => n.open && n.kind === 'current');
      if (current === undefined) addName('current', name, provenance);
      else if (!sameName(current.value, name)) {
        const challenger = rankOfEntry(ranks, 'name', provenance);
        if (outranks(challenger, rankOfEntry(ranks, 'name', current.provenance))) {
          close(current, writes.closeNames);
          // Restated as a former name, as a user's name change does, so search still finds the child by it.
          if (!names.some((n) => n.open && sameName(n.value, current.value))) {
            addName('former', current.value, current.provenance);
          }
          addName('current', name, provenance);
        } else if (!names.some((n) => n.open && sameName(n.value, name))) {
          addName('alias', name, provenance);
        }
      }
    }

    const address = rowAddress(row);
    if (address !== undefined) {
      const open = addresses.filter((a) => a.open);
      const newest = open.at(-1);
      if (newest === undefined) addAddress(address, provenance, false);
      else if (!open.some((a) => sameAddress(a.value, address))) {
        const challenger = rankOfEntry(ranks, 'address', provenance);
        if (outranks(challenger, rankOfEntry(ranks, 'address', newest.provenance))) {
          for (const entry of open) close(entry, writes.closeAddresses);
          addAddress(address, provenance, false);
        } else if (!addresses.some((a) => sameAddress(a.value, address))) {
          addAddress(address, provenance, true);
        }
      }
    }

    const school = rowSchool(row);
    if (school !== undefined) {
      const current = schools.find((e) => e.open);
      if (current === undefined) addSchool(school, provenance, false);
      else if (current.value.urn !== school.urn) {
        const challenger = rankOfEntry(ranks, 'school', provenance);
        if (outranks(challenger, rankOfEntry(ranks, 'school', current.provenance))) {
          close(current, writes.closeSchools);
          addSchool(school, provenance, false);
        } else if (!schools.some((e) => e.value.urn === school.urn)) {
          addSchool(school, provenance, true);
        }
      }
    }

    const claim = (scheme: IdentifierScheme, value: string): void => {
      const holder = registry.holder(scheme, value, row.sourceName);
      if (holder !== undefined && holder !== childId) {
        note(notes, row, scheme);
        return;
      }
      registry.claim(scheme, value, row.sourceName, childId);
      identifiers.push({ scheme, value, sourceName: row.sourceName });
      writes.identifiers.push({ childId, scheme, value, provenance });
    };
    for (const [scheme, field] of NATIONAL) {
      const value = row.fields[field];
      if (value === undefined || value === '') continue;
      const held = identifiers.find((i) => i.scheme === scheme);
      // A different number is never replaced here: the decider vetoes such a link.
      if (held !== undefined) {
        if (held.value !== value) note(notes, row, scheme);
        continue;
      }
      claim(scheme, value);
    }
    const recorded = identifiers.some(
      (i) =>
        i.scheme === 'source_record' && i.sourceName === row.sourceName && i.value === row.sourceRecordId,
    );
    if (!recorded) claim('source_record', row.sourceRecordId);
  }
  return writeCount(writes) !== before;
}

/** The first row, in order, that gives each missing field fills it. */
function planFills(
  state: ChildState,
  rows: readonly WaitingRow[],
  isKnownLa: (code: string) => boolean,
  writes: Writes,
): void {
  const from = <T>(row: WaitingRow, value: T): FilledValue<T> => ({
    value,
    rowId: row.id,
    sourceName: row.sourceName,
  });
  let gender: FilledValue<Gender> | undefined;
  let responsibleLa: FilledValue<string> | undefined;
  for (const row of rows) {
    const rowGenderValue = rowGender(row);
    if (state.gender === 'unknown' && gender === undefined && rowGenderValue !== 'unknown') {
      gender = from(row, rowGenderValue);
    }
    const code = rowLaCode(row);
    if (
      state.responsibleLa === null &&
      responsibleLa === undefined &&
      code !== undefined &&
      isKnownLa(code)
    ) {
      responsibleLa = from(row, code);
    }
  }
  if (gender === undefined && responsibleLa === undefined) return;
  writes.fills.push({
    childId: state.childId,
    ...(gender === undefined ? {} : { gender }),
    ...(responsibleLa === undefined ? {} : { responsibleLa }),
  });
}

function writeCount(writes: Writes): number {
  return (
    writes.fills.length +
    writes.names.length +
    writes.addresses.length +
    writes.identifiers.length +
    writes.schools.length +
    writes.closeNames.length +
    writes.closeAddresses.length +
    writes.closeSchools.length
  );
}

// New children

export interface ShieldPlan {
  readonly reason: ShieldReason;
  readonly reviewDate: IsoDate;
}

export interface ChildWrite {
  readonly id: string;
  readonly gender: Gender;
  readonly dateOfBirth: IsoDate;
  readonly responsibleLa: string | null;
  readonly provenance: Provenance;
  readonly shield: ShieldPlan | null;
  readonly postAdoption: boolean;
  readonly rowIds: readonly number[];
}

/** The shield of a shielded child a new record is created beside, which it takes on until a shielder decides. */
export interface ShieldLike {
  readonly reason: ShieldReason;
  readonly reviewDate: IsoDate;
  readonly responsibleLa: string;
}

export type NewChildPlan =
  | { readonly kind: 'create'; readonly child: ChildWrite }
  | { readonly kind: 'review'; readonly reason: string };

/** How long a shield set by resolution lasts before a shielder must review it (the longest allowed). */
const SHIELD_REVIEW_YEARS = 1;

function best<T>(
  rows: readonly WaitingRow[],
  field: string,
  ranks: RankOf,
  receivedAt: Date | undefined,
  valueOf: (row: WaitingRow) => T | undefined,
): { row: WaitingRow; value: T } | undefined {
  // Most groups are one row, which survives whatever its rank: no ranking to do.
  const [only] = rows;
  if (rows.length === 1 && only !== undefined) {
    const value = valueOf(only);
    return value === undefined ? undefined : { row: only, value };
  }
  const candidates: { rank: number; receivedAt: Date; row: WaitingRow; value: T }[] = [];
  for (const row of rows) {
    const value = valueOf(row);
    if (value === undefined) continue;
    const provenance = provenanceOf(row, receivedAt);
    candidates.push({ ...rankOfEntry(ranks, field, provenance), row, value });
  }
  return survivor(candidates);
}

/**
 * A field's distinct values across a group's rows: the surviving one first (see best), then each
 * other value once, from the first row that gives it.
 */
function valuesOf<T>(
  rows: readonly WaitingRow[],
  field: string,
  ranked: { readonly ranks: RankOf; readonly receivedAt: Date | undefined },
  valueOf: (row: WaitingRow) => T | undefined,
  same: (a: T, b: T) => boolean,
): { value: T; provenance: Provenance; surviving: boolean }[] {
  const surviving = best(rows, field, ranked.ranks, ranked.receivedAt, valueOf);
  if (surviving === undefined) return [];
  const values = [
    { value: surviving.value, provenance: provenanceOf(surviving.row, ranked.receivedAt), surviving: true },
  ];
  for (const row of rows) {
    const other = valueOf(row);
    if (other === undefined || values.some((v) => same(v.value, other))) continue;
    values.push({ value: other, provenance: provenanceOf(row, ranked.receivedAt), surviving: false });
  }
  return values;
}

/**
 * One new child from the rows of one group. Each field takes the surviving row's value (highest
 * rank, then most recent, then last); other rows' differing names become aliases and their
 * addresses and schools history. A post-adoption row makes the child shielded ('adoption'), which needs a
 * responsible LA: without one the group goes to review instead. `shieldLike` shields the child like
 * the shielded candidate a reviewer said it is not, with that child's LA.
 */
export function planNewChild(
  childId: string,
  rows: readonly WaitingRow[],
  context: {
    readonly ranks: RankOf;
    readonly registry: IdentifierRegistry;
    readonly isKnownLa: (code: string) => boolean;
    readonly today: IsoDate;
    readonly receivedAt?: Date;
    readonly shieldLike?: ShieldLike;
  },
  writes: Writes,
  notes: Notes,
): NewChildPlan {
  const { ranks, registry, receivedAt } = context;
  const dob = best(rows, 'dateOfBirth', ranks, receivedAt, (r) => r.fields.dateOfBirth);
  if (dob === undefined) return { kind: 'review', reason: 'no-date-of-birth' };
  const knownLa = (row: WaitingRow): string | undefined => {
    const code = rowLaCode(row);
    return code !== undefined && context.isKnownLa(code) ? code : undefined;
  };
  const rowLa = best(rows, 'responsibleLa', ranks, receivedAt, knownLa)?.value ?? null;
  const postAdoption = rows.some(isPostAdoption);
  const reviewBy = addYears(context.today, SHIELD_REVIEW_YEARS);
  let shield: ShieldPlan | null = null;
  let responsibleLa = rowLa;
  if (context.shieldLike !== undefined) {
    const like = context.shieldLike;
    shield = {
      reason: postAdoption ? 'adoption' : like.reason,
      reviewDate: like.reviewDate > context.today ? like.reviewDate : reviewBy,
    };
    responsibleLa = like.responsibleLa;
  } else if (postAdoption) {
    // A shielded record shows its LA's management team in place of the child: no LA, no record.
    if (rowLa === null) return { kind: 'review', reason: 'post-adoption-needs-la' };
    shield = { reason: 'adoption', reviewDate: reviewBy };
  }

  const gender = best(rows, 'gender', ranks, receivedAt, (r) => {
    const value = rowGender(r);
    return value === 'unknown' ? undefined : value;
  });
  const child: ChildWrite = {
    id: childId,
    gender: gender?.value ?? 'unknown',
    dateOfBirth: dob.value,
    responsibleLa,
    provenance: provenanceOf(dob.row, receivedAt),
    shield,
    postAdoption,
    rowIds: rows.map((r) => r.id),
  };

  // The surviving value is current; another row's differing name is an alias, its address or
  // school history.
  const ranked = { ranks, receivedAt };
  for (const v of valuesOf(rows, 'name', ranked, rowName, sameName)) {
    const kind = v.surviving ? 'current' : 'alias';
    writes.names.push({ childId, kind, name: v.value, provenance: v.provenance, closed: false });
  }
  for (const v of valuesOf(rows, 'address', ranked, rowAddress, sameAddress)) {
    writes.addresses.push({ childId, address: v.value, provenance: v.provenance, closed: !v.surviving });
  }
  for (const v of valuesOf(rows, 'school', ranked, rowSchool, (a, b) => a.urn === b.urn)) {
    writes.schools.push({ childId, school: v.value, provenance: v.provenance, closed: !v.surviving });
  }

  const claim = (row: WaitingRow, scheme: IdentifierScheme, value: string): void => {
    if (registry.holder(scheme, value, row.sourceName) !== undefined) {
      note(notes, row, scheme);
      return;
    }
    registry.claim(scheme, value, row.sourceName, childId);
    writes.identifiers.push({ childId, scheme, value, provenance: provenanceOf(row, receivedAt) });
  };
  for (const [scheme, field] of NATIONAL) {
    const chosen = best(rows, field, ranks, receivedAt, (r) => nonEmpty(r.fields[field]));
    if (chosen === undefined) continue;
    claim(chosen.row, scheme, chosen.value);
    for (const row of rows) {
      const value = row.fields[field];
      if (value !== undefined && value !== '' && value !== chosen.value) note(notes, row, scheme);
    }
  }
  for (const row of rows) {
    // One group may carry one source record twice (a source restating its row): lineage needs it once.
    if (registry.holder('source_record', row.sourceRecordId, row.sourceName) === childId) continue;
    claim(row, 'source_record', row.sourceRecordId);
  }
  return { kind: 'create', child };
}
