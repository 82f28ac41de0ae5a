import { describe, expect, it } from 'vitest';
import { testNhsNumber, testUpn } from '../children/child.test-support.ts';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import type { IndexRecord } from './index-records.ts';
import { indexRecord } from './index-record.test-support.ts';
import type { RowOutcome, WaitingRow } from './outcome.ts';
import { rowPairKey } from './pair-key.ts';
import type { PairDecision } from './resolution.table.ts';
import {
  decideChunk,
  defaultModel,
  incrementalPrior,
  matcherFor,
  MIN_PRIOR_POPULATION,
  withIndexComparisons,
  type Matcher,
  type RowCandidateIds,
} from './resolve-decide.ts';

const base: NormalisedFields = {
  forename: 'Amara',
  surname: 'Okonkwo',
  dateOfBirth: '2016-03-14',
  gender: 'female',
  address: '12 Mill Lane Newark',
  postcode: 'NG24 3FF',
};

let nextRow = 1;
function row(fields: NormalisedFields, sourceRecordId = `R${nextRow}`): WaitingRow {
  const id = nextRow++;
  return {
    id,
    batchId: 1,
    rowNumber: id,
    sourceName: 'dwp_benefits',
    sourceRecordId,
    receivedAt: new Date('2026-11-25T00:00:00Z'),
    fields,
  };
}

const child = indexRecord;

const matcher = matcherFor(defaultModel(), 100_000);

function decide(
  rows: readonly WaitingRow[],
  children: readonly IndexRecord[],
  options: {
    sourceRecordChild?: string;
    remembered?: Map<string, PairDecision>;
    matcher?: Matcher;
  } = {},
) {
  const ids = new Set(children.map((c) => c.childId));
  const candidates = new Map<number, RowCandidateIds>(
    rows.map((r) => [r.id, { childIds: ids, sourceRecordChild: options.sourceRecordChild ?? null }]),
  );
  return decideChunk({
    rows,
    candidates,
    index: new Map(children.map((c) => [c.childId, c])),
    remembered: options.remembered ?? new Map(),
    matcher: options.matcher ?? matcher,
  });
}

function only(outcomes: readonly RowOutcome[]): RowOutcome {
  expect(outcomes).toHaveLength(1);
  const [first] = outcomes;
  if (first === undefined) throw new Error('no outcome');
  return first;
}

describe('the incremental prior', () => {
  it('is one over the children in the index, with a floor on the population', () => {
    expect(incrementalPrior(2_000_000)).toBe(1 / 2_000_000);
    expect(incrementalPrior(3)).toBe(1 / MIN_PRIOR_POPULATION);
  });
});

describe('a model stored before a comparison was added', () => {
  it('scores the new comparison with its starting values, in the index order', () => {
    const full = defaultModel();
    const stored = { ...full, comparisons: full.comparisons.filter((c) => c.name !== 'middleNames') };
    const completed = withIndexComparisons(stored);
    expect(completed.comparisons.map((c) => c.name)).toEqual(full.comparisons.map((c) => c.name));
    expect(completed.comparisons.find((c) => c.name === 'middleNames')).toEqual(
      full.comparisons.find((c) => c.name === 'middleNames'),
    );
    expect(() => matcherFor(stored, 1_000)).not.toThrow();
  });
});

describe('deciding a row against the index', () => {
  it('links by NHS number and date of birth, and by the same source record', () => {
    const nhs = testNhsNumber(1);
    const byNhs = only(
      decide([row({ ...base, surname: 'Smith', nhsNumber: nhs })], [child('a', { ...base, nhsNumber: nhs })])
        .outcomes,
    );
    expect(byNhs).toMatchObject({ kind: 'link', childId: 'a', rule: 'nhs-number+dob' });
    const own = only(decide([row(base)], [child('a', base)], { sourceRecordChild: 'a' }).outcomes);
    expect(own).toMatchObject({ kind: 'link', childId: 'a', rule: 'source-record' });
  });

  it('links a mistyped surname probabilistically and makes a stranger new', () => {
    const typo = only(decide([row({ ...base, surname: 'Okonkow' })], [child('a', base)]).outcomes);
    expect(typo).toMatchObject({ kind: 'link', childId: 'a', rule: 'probabilistic' });
    const stranger = { ...base, forename: 'Theodore', surname: 'Blackwood', dateOfBirth: '2012-11-02' };
    expect(only(decide([row(stranger)], [child('a', base)]).outcomes)).toMatchObject({ kind: 'new' });
  });

  it('sends a row to review when a shielded candidate scores high or shares an identifier', () => {
    const nhs = testNhsNumber(2);
    const shielded = child('s', { ...base, nhsNumber: nhs }, { shielded: true, responsibleLa: '999' });
    const perfect = only(decide([row({ ...base, nhsNumber: nhs })], [shielded]).outcomes);
    expect(perfect).toMatchObject({ kind: 'review', reason: 'shielded-candidate' });
    expect(perfect.kind === 'review' && perfect.pairs.map((p) => [p.childId, p.shielded])).toEqual([
      ['s', true],
    ]);
    // Nothing in common but the NHS number: still the shielded child's number.
    const sameNumber = { forename: 'Zed', surname: 'Quill', dateOfBirth: '2001-01-01', nhsNumber: nhs };
    expect(only(decide([row(sameNumber)], [shielded]).outcomes)).toMatchObject({
      reason: 'shielded-candidate',
    });
    // A remembered link does not open a shielded child to automatic change either.
    const remembered = new Map<string, PairDecision>([[rowPairKey('dwp_benefits', 'X1', 's'), 'link']]);
    expect(only(decide([row(base, 'X1')], [shielded], { remembered }).outcomes)).toMatchObject({
      kind: 'review',
      reason: 'shielded-candidate',
    });
  });

  it('never links a post-adoption row, nor shows it beside another record', () => {
    const outcome = only(decide([row({ ...base, postAdoption: true })], [child('a', base)]).outcomes);
    expect(outcome).toMatchObject({ kind: 'new', rule: 'post-adoption' });
  });

  it('does not auto-link conflicting NHS numbers, and honours remembered decisions', () => {
    const conflict = only(
      decide(
        [row({ ...base, nhsNumber: testNhsNumber(3) })],
        [child('a', { ...base, nhsNumber: testNhsNumber(4) })],
      ).outcomes,
    );
    expect(conflict).toMatchObject({ kind: 'review', reason: 'veto:strong-identifier-conflict' });
    const no = new Map<string, PairDecision>([[rowPairKey('dwp_benefits', 'X2', 'a'), 'not_a_match']]);
    expect(only(decide([row(base, 'X2')], [child('a', base)], { remembered: no }).outcomes)).toMatchObject({
      kind: 'new',
    });
    const yes = new Map<string, PairDecision>([[rowPairKey('dwp_benefits', 'X3', 'a'), 'link']]);
    const stranger = { ...base, forename: 'Theodore', dateOfBirth: '2012-11-02' };
    expect(
      only(decide([row(stranger, 'X3')], [child('a', base)], { remembered: yes }).outcomes),
    ).toMatchObject({
      kind: 'link',
      rule: 'remembered',
    });
  });

  it('keeps a twin apart from the other twin and links it to itself', () => {
    const twin = { ...base, forename: 'Zainab' };
    const outcome = only(decide([row(twin)], [child('a', base), child('b', twin)]).outcomes);
    expect(outcome).toMatchObject({ kind: 'link', childId: 'b' });
    expect(only(decide([row(twin)], [child('a', base)]).outcomes)).toMatchObject({ kind: 'new' });
  });

  it('keeps apart twins named alike (Amelia, Amelie) and still links a mistyped twin', () => {
    const amelia = { ...base, forename: 'Amelia' };
    const amelie = { ...base, forename: 'Amelie' };
    expect(only(decide([row(amelie)], [child('a', amelia)]).outcomes)).toMatchObject({ kind: 'new' });
    expect(only(decide([row(amelie)], [child('a', amelia), child('b', amelie)]).outcomes)).toMatchObject({
      kind: 'link',
      childId: 'b',
    });
    expect(only(decide([row({ ...base, forename: 'Ameila' })], [child('a', amelia)]).outcomes)).toMatchObject(
      { kind: 'link', childId: 'a' },
    );
  });

  it('links a near-certain match though a sibling scores in the review band, and asks when two are close', () => {
    const cousin = { ...base, forename: 'Amarah', address: '3 Other Road Leeds', postcode: 'LS1 1AA' };
    expect(only(decide([row(base)], [child('a', base), child('b', cousin)]).outcomes)).toMatchObject({
      kind: 'link',
      childId: 'a',
      rule: 'probabilistic',
    });
    expect(only(decide([row(base)], [child('a', base), child('b', base)]).outcomes)).toMatchObject({
      kind: 'review',
      reason: 'ambiguous',
    });
  });

  it('never links a row whose forename and surname both differ from a child sharing only its household', () => {
    const gabriela = { ...base, forename: 'Gabriela', surname: 'Monfold' };
    const outcome = only(
      decide([row({ ...base, forename: 'Isabelle', surname: 'Brader' })], [child('g', gabriela)]).outcomes,
    );
    expect(outcome).toMatchObject({ kind: 'new' });
  });

  it('never links a row to a child born on a clearly different date with no identifier in common', () => {
    const older = { ...base, forename: 'Muhammad', dateOfBirth: '2007-12-07' };
    const younger = row({ ...base, forename: 'Muhammad', dateOfBirth: '2012-03-03' });
    expect(only(decide([younger], [child('m', older)]).outcomes)).toMatchObject({ kind: 'new' });
    // A mistyped digit is still the same child.
    const typo = row({ ...base, forename: 'Muhammad', dateOfBirth: '2007-12-01' });
    expect(only(decide([typo], [child('m', older)]).outcomes)).toMatchObject({ kind: 'link', childId: 'm' });
    // So is one whose day was not known to the system and recorded as the 1st.
    const tendai = { ...base, forename: 'Tendai', dateOfBirth: '2015-11-25' };
    const dayUnknown = row({ ...base, forename: 'Tendai', dateOfBirth: '2015-11-01' });
    expect(only(decide([dayUnknown], [child('t', tendai)]).outcomes)).toMatchObject({
      kind: 'link',
      childId: 't',
    });
  });

  it("scores a child under another name it holds (a former surname) but keeps its current name's vetoes", () => {
    const moved = { postcode: 'NG24 3FG', address: '8 Hill Road Newark' };
    const byrne = row({ ...base, ...moved, surname: 'Byrne' });
    // Known under the new surname only, a row under the former one at another address is doubtful.
    expect(only(decide([byrne], [child('a', base)]).outcomes)).toMatchObject({
      kind: 'review',
      reason: 'review-band',
    });
    const formerly = child('a', base, {
      otherNames: [{ forename: 'Amara', middleNames: null, surname: 'Byrne' }],
    });
    expect(only(decide([row({ ...base, ...moved, surname: 'Byrne' })], [formerly]).outcomes)).toMatchObject({
      kind: 'link',
      childId: 'a',
    });
    // A pair held for review says that it was scored under another of the child's names.
    const farther = row({ ...base, postcode: 'LS6 2AB', address: '8 Hill Road Leeds', surname: 'Byrne' });
    const held = only(decide([farther], [formerly]).outcomes);
    expect(held).toMatchObject({ kind: 'review', reason: 'review-band' });
    expect(held.kind === 'review' && held.pairs[0]?.explanation.scoredUnder).toBe('another-name');
    // A twin of the current name stays a twin, whatever name another source gave the child.
    const zainab = { ...base, forename: 'Zainab' };
    const misnamed = child('a', base, {
      otherNames: [{ forename: 'Zainab', middleNames: null, surname: 'Okonkwo' }],
    });
    expect(only(decide([row(zainab)], [misnamed]).outcomes)).toMatchObject({ kind: 'new' });
  });

  it('scores a child at another postcode its rows give, where its address is one it has left', () => {
    const now = { postcode: 'LS6 2AB', address: '8 Hill Road Leeds' };
    const rowAtSchoolPostcode = () => row({ ...base, ...now });
    expect(only(decide([rowAtSchoolPostcode()], [child('a', base)]).outcomes)).not.toMatchObject({
      kind: 'link',
    });
    const schoolKnowsTheMove = child('a', base, { otherPostcodes: ['LS6 2AB'] });
    expect(only(decide([rowAtSchoolPostcode()], [schoolKnowsTheMove]).outcomes)).toMatchObject({
      kind: 'link',
      childId: 'a',
    });
    // A twin there is still a twin.
    const zainab = row({ ...base, ...now, forename: 'Zainab' });
    expect(only(decide([zainab], [schoolKnowsTheMove]).outcomes)).toMatchObject({ kind: 'new' });
  });

  it('asks about a row called by the child’s middle name instead of making a second child', () => {
    const lily = child('l', { ...base, forename: 'Lily' });
    const lilyIndexed = { ...lily, raw: { ...lily.raw, middleNames: 'Aria' } };
    const aria = row({ ...base, forename: 'Aria' });
    expect(only(decide([aria], [lilyIndexed]).outcomes)).toMatchObject({
      kind: 'review',
      reason: 'middle-name',
    });
    // Without the middle name on record, Aria beside Lily is a twin: a new child.
    expect(
      only(
        decide([row({ ...base, forename: 'Aria' })], [child('l', { ...base, forename: 'Lily' })]).outcomes,
      ),
    ).toMatchObject({ kind: 'new' });
  });

  it('asks about a row naming another child of the same surname and birthday where no home or identifier is shared', () => {
    const amelia = child('a', { ...base, forename: 'Amelia', upn: testUpn(3) });
    // The school census holds no address: Amelie may be Amelia's twin, not yet in the index.
    const amelie = {
      forename: 'Amelie',
      surname: base.surname,
      dateOfBirth: base.dateOfBirth,
      gender: 'female',
    };
    expect(only(decide([row(amelie)], [amelia]).outcomes)).toMatchObject({
      kind: 'review',
      reason: 'other-forename',
    });
    // A clearly different forename beside a mistyped surname (so not the twins rule) is asked about too.
    const nathan = child('n', { ...base, forename: 'Nathan', surname: 'Lee' });
    expect(
      only(decide([row({ ...base, forename: 'Charlie', surname: 'Leee' })], [nathan]).outcomes),
    ).toMatchObject({
      kind: 'review',
      reason: 'other-forename',
    });
    // A typo of the child's own name, a spelling of it or a nickname for it still links.
    for (const forename of ['Amelai', 'Millie']) {
      expect(only(decide([row({ ...amelie, forename })], [amelia]).outcomes)).toMatchObject({
        kind: 'link',
        childId: 'a',
      });
    }
    // So does the other name when an identifier says it is the same child.
    expect(only(decide([row({ ...amelie, upn: testUpn(3) })], [amelia]).outcomes)).toMatchObject({
      kind: 'link',
      childId: 'a',
    });
  });

  it('weighs the other given names: the same ones add to the evidence, different ones count against', () => {
    // At national scale a name and a date of birth alone are close to the line: two children of
    // one name and birthday are seldom given the same middle names.
    const national = matcherFor(defaultModel(), 1_000_000);
    const grace = child('g', { ...base, forename: 'Grace', surname: 'Lewis' });
    const indexed = { ...grace, raw: { ...grace.raw, middleNames: 'Rose' } };
    const decideAt = (middle: string) => {
      const r = row({
        forename: 'Grace',
        surname: 'Lewis',
        dateOfBirth: base.dateOfBirth,
        gender: 'female',
        extra: { middle_names: middle },
      });
      return only(decide([r], [indexed], { matcher: national }).outcomes);
    };
    expect(decideAt('Rose')).toMatchObject({ kind: 'link', childId: 'g' });
    expect(decideAt('Esme')).toMatchObject({ kind: 'review', reason: 'review-band' });
  });

  it('asks about a row sharing only a forename and date of birth, its surname and home elsewhere', () => {
    // A model learnt from feeds where surnames and homes often change (a child taking a new
    // family's name, moving), so the score alone would link on forename and date of birth.
    const model = defaultModel();
    const lenient = {
      ...model,
      comparisons: model.comparisons.map((c) =>
        c.name === 'surname' || c.name === 'place' || c.name === 'address'
          ? {
              ...c,
              levels: c.levels.map((level, l) => (l === c.levels.length - 1 ? { ...level, m: 0.9 } : level)),
            }
          : c,
      ),
    };
    const mabel = child('m', { ...base, forename: 'Mabel', surname: 'Mahmood', postcode: 'E16 2YH' });
    const decideWith = (fields: NormalisedFields) => {
      return only(
        decide([row(fields)], [mabel], { matcher: matcherFor(lenient, MIN_PRIOR_POPULATION) }).outcomes,
      );
    };
    const elsewhere = {
      ...base,
      forename: 'Mabel',
      surname: 'Dixon',
      address: '3 Brixton Road',
      postcode: 'SW9 5TZ',
    };
    expect(decideWith(elsewhere)).toMatchObject({ kind: 'review', reason: 'other-surname' });
    // The same surname elsewhere, or another surname at the child's own home, still links.
    expect(decideWith({ ...elsewhere, surname: 'Mahmood' })).toMatchObject({ kind: 'link', childId: 'm' });
    expect(decideWith({ ...base, forename: 'Mabel', surname: 'Dixon', postcode: 'E16 2YH' })).toMatchObject({
      kind: 'link',
      childId: 'm',
    });
  });

  it('links one of two rows of a chunk that name one child under two UPNs, and defers the other', () => {
    // Leo is in the index from NHS demographics, without a UPN; his twin Leon is not yet.
    const leo = child('leo', { ...base, forename: 'Leo', gender: 'male' });
    const leonRow = row({ ...base, forename: 'Leon', gender: 'male', upn: testUpn(1) });
    const leoRow = row({ ...base, forename: 'Leo', gender: 'male', upn: testUpn(2) });
    const decided = decide([leonRow, leoRow], [leo]);
    expect(decided.outcomes).toEqual([
      expect.objectContaining({ kind: 'link', rowId: leoRow.id, childId: 'leo' }),
    ]);
    expect(decided.deferred).toEqual([leonRow.id]);
    // Next chunk: Leo holds his UPN, and Leon's row does not link to him.
    const leoWithUpn = child('leo', { ...base, forename: 'Leo', gender: 'male', upn: testUpn(2) });
    expect(only(decide([leonRow], [leoWithUpn]).outcomes)).not.toMatchObject({ kind: 'link' });
    // Two rows of the chunk with one UPN, or none, are one child's and both link.
    const again = row({ ...base, forename: 'Leo', gender: 'male', upn: testUpn(2) });
    const plain = row({ ...base, forename: 'Leo', gender: 'male' });
    expect(decide([leoRow, again, plain], [leo]).deferred).toEqual([]);
  });

  it('reviews a row that would take an NHS number another child holds', () => {
    const nhs = testNhsNumber(5);
    const holder = child('h', {
      forename: 'Zed',
      surname: 'Quill',
      dateOfBirth: '2001-01-01',
      nhsNumber: nhs,
    });
    const outcome = only(
      decide([row({ ...base, nhsNumber: nhs, dateOfBirth: '2016-03-15' })], [holder]).outcomes,
    );
    expect(outcome).toMatchObject({ kind: 'review', reason: 'identifier-in-use' });
  });
});

describe('grouping the new rows of one chunk', () => {
  it('makes two rows of one new child one group, and twins two', () => {
    const rows = [
      row(base),
      row({ ...base, forename: 'Zainab' }),
      row({ ...base, forename: 'Amarah' }),
      row({ ...base, forename: 'Ava' }),
      row({ ...base, forename: 'Eva' }),
    ];
    const { outcomes, deferred } = decide(rows, []);
    expect(deferred).toEqual([]);
    const groups = outcomes.map((o) => (o.kind === 'new' ? o.group : null));
    expect(groups[0]).toBe(groups[2]);
    expect(new Set([groups[0], groups[1], groups[3], groups[4]]).size).toBe(4);
  });

  it('defers the later of two new rows that share an NHS number but are not one child', () => {
    const nhs = testNhsNumber(6);
    const rows = [
      row({ ...base, nhsNumber: nhs, upn: testUpn(1) }),
      row({ ...base, nhsNumber: nhs, upn: testUpn(2), forename: 'Zed', dateOfBirth: '2001-01-01' }),
    ];
    const { outcomes, deferred } = decide(rows, []);
    expect(outcomes.map((o) => o.rowId)).toEqual([rows[0]?.id]);
    expect(deferred).toEqual([rows[1]?.id]);
  });
});
