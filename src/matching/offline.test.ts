import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { item } from './arrays.ts';
import { nhsNumberCheckDigit } from '../children/identifiers/nhs-number.ts';
import { MatchInputError, offlineLinkage } from './offline.ts';
import { seededRandom } from './random.ts';

const DEFINITION = JSON.stringify({
  id: 'rec_id',
  fields: {
    forename: 'given_name',
    surname: 'surname',
    address: ['street_number', 'address_1', 'address_2'],
    town: 'suburb',
    postcode: 'postcode',
    region: 'state',
    dateOfBirth: { column: 'date_of_birth', format: 'YYYYMMDD' },
    otherIdentifier: 'soc_sec_id',
    nhsNumber: 'nhs_number',
  },
  postAdoptionFlag: 'post_adoption',
});

const COLUMNS = [
  'rec_id',
  'given_name',
  'surname',
  'street_number',
  'address_1',
  'address_2',
  'suburb',
  'postcode',
  'state',
  'date_of_birth',
  'soc_sec_id',
  'nhs_number',
  'post_adoption',
] as const;
type Row = Record<(typeof COLUMNS)[number], string>;

const FORENAMES =
  'amelia ava chloe emily grace isla lily mia poppy sophie freya ruby evie ella daisy harry george noah leo oscar arthur henry theo alfie jacob thomas william max lucas ethan'.split(
    ' ',
  );
const SURNAMES =
  'patel begum wright turner walker hughes edwards green hall wood clarke harris lewis robinson cooper morris baker king ward price bennett bailey cook carter collins bell murphy foster knight webb'.split(
    ' ',
  );
const STREETS =
  'acacia beech cedar elm hazel laurel maple oak rowan willow alder birch holly juniper linden'.split(' ');
const TOWNS = 'leeds york hull bradford wakefield harrogate halifax barnsley doncaster sheffield'.split(' ');

function nhsNumber(serial: number): string {
  for (let s = serial; ; s++) {
    const stem = String(400_000_000 + s);
    const check = nhsNumberCheckDigit(stem);
    if (check !== null) return stem + String(check);
  }
}

/** People, each once, drawn from small lists: enough for estimation, readable in a failure. */
function population(count: number, seed: number): Row[] {
  const random = seededRandom(seed);
  const pick = (list: readonly string[]): string => item(list, Math.floor(random() * list.length));
  return Array.from({ length: count }, (_, i) => {
    const town = Math.floor(random() * TOWNS.length);
    return {
      rec_id: `p${i}`,
      given_name: pick(FORENAMES),
      surname: pick(SURNAMES) + (random() < 0.5 ? pick(['s', 'son', 'ley', 'ford', '']) : ''),
      street_number: String(1 + Math.floor(random() * 200)),
      address_1: `${pick(STREETS)} ${pick(['road', 'street', 'close', 'lane'])}`,
      address_2: '',
      suburb: item(TOWNS, town),
      postcode: `LS${town + 1} ${1 + Math.floor(random() * 9)}${pick(['AB', 'DE', 'FG', 'HJ', 'LN'])}`,
      state: 'yorkshire',
      date_of_birth: `${2006 + Math.floor(random() * 18)}${String(1 + Math.floor(random() * 12)).padStart(2, '0')}${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      soc_sec_id: String(1_000_000 + Math.floor(random() * 8_999_999)),
      nhs_number: '',
      post_adoption: '',
    };
  });
}

/** Each person once more, with a typo in one name. */
function withDuplicates(people: Row[]): Row[] {
  const dups = people.map((p, i) => ({
    ...p,
    rec_id: `${p.rec_id}d`,
    ...(i % 2 === 0
      ? { given_name: `${p.given_name.slice(0, -1)}${p.given_name.endsWith('a') ? 'e' : 'a'}` }
      : { surname: p.surname.slice(0, 2) + p.surname.slice(3) }),
  }));
  return [...people, ...dups];
}

function csv(rows: readonly Row[], spaced = false): string {
  const sep = spaced ? ', ' : ',';
  return [COLUMNS.join(sep), ...rows.map((r) => COLUMNS.map((c) => r[c]).join(sep))].join('\n') + '\n';
}

function pairsOf(output: string): Set<string> {
  const rows = parse<{ left_id: string; right_id: string; match_probability: string }>(output, {
    columns: true,
  });
  return new Set(rows.map((r) => [r.left_id, r.right_id].sort().join('|')));
}

function dedupe(rows: readonly Row[], spaced = false): Set<string> {
  const { csv: out } = offlineLinkage({
    mode: 'dedupe',
    definitionText: DEFINITION,
    definitionLabel: 'def.json',
    inputs: [{ label: 'people.csv', text: csv(rows, spaced) }],
  });
  return pairsOf(out);
}

const BASE = population(200, 1);
const TWIN_JACK: Row = {
  ...item(BASE, 0),
  rec_id: 'jack',
  given_name: 'jack',
  surname: 'fairweather',
  date_of_birth: '20150301',
  soc_sec_id: '',
};

describe('offline dedupe', () => {
  it('finds the duplicates and writes left_id,right_id,match_probability', () => {
    const { csv: out, stats } = offlineLinkage({
      mode: 'dedupe',
      definitionText: DEFINITION,
      definitionLabel: 'def.json',
      inputs: [{ label: 'people.csv', text: csv(withDuplicates(BASE)) }],
    });
    expect(out.split('\n')[0]).toBe('left_id,right_id,match_probability');
    const pairs = pairsOf(out);
    const expected = BASE.map((p) => `${p.rec_id}|${p.rec_id}d`);
    const found = expected.filter((p) => pairs.has(p)).length;
    expect(found / expected.length).toBeGreaterThan(0.95);
    expect([...pairs].every((p) => expected.includes(p))).toBe(true);
    expect(stats.records).toBe(400);
  });

  it('keeps twins apart yet links a typo in one twin’s forename to that twin', () => {
    const twins = [
      TWIN_JACK,
      { ...TWIN_JACK, rec_id: 'oliver', given_name: 'oliver' },
      { ...TWIN_JACK, rec_id: 'jakc', given_name: 'jakc' },
    ];
    const pairs = dedupe([...withDuplicates(BASE), ...twins]);
    expect(pairs.has('jack|jakc')).toBe(true);
    expect(pairs.has('jack|oliver')).toBe(false);
    expect(pairs.has('jakc|oliver')).toBe(false);
  });

  it('keeps twins apart when their records carry typos and one has no forename', () => {
    const reggie = { ...TWIN_JACK, rec_id: 'reggie', given_name: 'reggie', surname: 'hill' };
    const freddie = { ...reggie, rec_id: 'freddie', given_name: 'freddie' };
    const twins = [
      reggie,
      { ...reggie, rec_id: 'reggie2' },
      { ...reggie, rec_id: 'reggie-hlil', surname: 'hlil' },
      freddie,
      { ...freddie, rec_id: 'freddie2' },
      { ...freddie, rec_id: 'freddie-dob', date_of_birth: '20150307', suburb: 'yrok' },
      { ...freddie, rec_id: 'nameless', given_name: '', street_number: '' },
      { ...reggie, rec_id: 'nameless-hlil', given_name: '', surname: 'hlil' },
    ];
    const pairs = dedupe([...withDuplicates(BASE), ...twins]);
    const side = (id: string): string | null =>
      id.startsWith('reggie') ? 'reggie' : id.startsWith('freddie') ? 'freddie' : null;
    const found = [...pairs].map((p) => p.split('|')).filter(([a = '', b = '']) => side(a) ?? side(b));
    expect(pairs.has('reggie|reggie2')).toBe(true);
    expect(pairs.has('freddie|freddie2')).toBe(true);
    for (const [a = '', b = ''] of found) {
      expect(side(a) !== null && side(b) !== null && side(a) !== side(b), `${a} ~ ${b}`).toBe(false);
    }
    // A record with no forename goes with neither twin, and not with the other nameless one.
    expect([...pairs].some((p) => p.includes('nameless'))).toBe(false);
  });

  it('keeps a person’s records together when one has a replaced forename and another a replaced number', () => {
    const flynn = {
      ...TWIN_JACK,
      rec_id: 'flynn',
      given_name: 'flynn',
      surname: 'cresp',
      soc_sec_id: '2624663',
    };
    const records = [
      flynn,
      { ...flynn, rec_id: 'flynn-a', suburb: 'yrok' },
      { ...flynn, rec_id: 'flynn-b', surname: 'cres' },
      { ...flynn, rec_id: 'zac', given_name: 'zac' },
      { ...flynn, rec_id: 'flyn', given_name: 'flyn', soc_sec_id: '4839140' },
    ];
    const pairs = dedupe([...withDuplicates(BASE), ...records]);
    const ids = records.map((r) => r.rec_id);
    for (const [i, a] of ids.entries()) {
      for (const b of ids.slice(i + 1)) expect(pairs.has([a, b].sort().join('|')), `${a} ~ ${b}`).toBe(true);
    }
  });

  it('keeps a person’s records together when two carry different slips of the forename', () => {
    const james = {
      ...TWIN_JACK,
      rec_id: 'james',
      given_name: 'james',
      surname: 'mccarthy',
      street_number: '121',
      address_1: 'tillyard drive',
    };
    const records = [
      james,
      { ...james, rec_id: 'jaems', given_name: 'jaems' },
      { ...james, rec_id: 'jameg', given_name: 'jameg', address_1: 'tillyarddrive' },
      { ...james, rec_id: 'jamrs', given_name: 'jamrs', surname: 'mccarty', address_1: 'tillyard gdrive' },
    ];
    const pairs = dedupe([...withDuplicates(BASE), ...records]);
    const ids = records.map((r) => r.rec_id);
    for (const [i, a] of ids.entries()) {
      for (const b of ids.slice(i + 1)) expect(pairs.has([a, b].sort().join('|')), `${a} ~ ${b}`).toBe(true);
    }
  });

  it('keeps twins apart when one twin’s record carries the other’s number', () => {
    const yase = {
      ...TWIN_JACK,
      rec_id: 'yase',
      given_name: 'yase',
      surname: 'witiman',
      soc_sec_id: '1000400',
    };
    const cormor = { ...yase, rec_id: 'cormor', given_name: 'cormor', soc_sec_id: '1000401' };
    const slipped = { ...cormor, rec_id: 'cormor-slip', soc_sec_id: '1000400' };
    const pairs = dedupe([...withDuplicates(BASE), yase, cormor, slipped]);
    expect(pairs.has('cormor|yase')).toBe(false);
  });

  it('keeps twins called by a name and its nickname apart when no identifier tells them apart', () => {
    const teddy = { ...TWIN_JACK, rec_id: 'teddy', given_name: 'teddy', surname: 'powell' };
    const edward = { ...teddy, rec_id: 'edward', given_name: 'edward' };
    const records = [
      teddy,
      edward,
      { ...edward, rec_id: 'edward-yrok', suburb: 'yrok' },
      { ...edward, rec_id: 'edward-dob', date_of_birth: '20180301' },
    ];
    const pairs = dedupe([...withDuplicates(BASE), ...records]);
    expect(pairs.has('edward|edward-yrok')).toBe(true);
    expect([...pairs].filter((p) => p.includes('teddy'))).toEqual([]);
  });

  it('keeps a twin’s record whose name was lost off the other twin, whose number is one along', () => {
    const ruzaza = {
      ...TWIN_JACK,
      rec_id: 'ruzaza',
      given_name: 'ruzaza',
      surname: 'holtigecar',
      soc_sec_id: '1002856',
    };
    const yawi = { ...ruzaza, rec_id: 'yawi', given_name: 'yawi', soc_sec_id: '1002857' };
    const records = [
      ruzaza,
      { ...ruzaza, rec_id: 'ruzaza-swapped', given_name: 'holtigecar', surname: 'ruzaza' },
      { ...ruzaza, rec_id: 'ruzaza-swapped-2', given_name: 'holtigecar', surname: 'ruzaza', suburb: 'yrok' },
      yawi,
      { ...yawi, rec_id: 'yawi-2', street_number: '188' },
      // Forename and surname swapped, then the surname lost: only the family name is left.
      { ...yawi, rec_id: 'yawi-lost', given_name: 'holtigecar', surname: '', postcode: 'LS1 5Z' },
    ];
    const pairs = dedupe([...withDuplicates(BASE), ...records]);
    expect(pairs.has('ruzaza|ruzaza-swapped')).toBe(true);
    expect([...pairs].filter((p) => p.includes('ruzaza') && p.includes('yawi'))).toEqual([]);
  });

  it('keeps apart a twin whose forename is missing from every record and the other twin', () => {
    const alyssa = {
      ...TWIN_JACK,
      rec_id: 'alyssa',
      given_name: 'alyssa',
      surname: 'de paoli',
      soc_sec_id: '1222712',
    };
    const lone = { ...alyssa, surname: 'paterson', street_number: '9', date_of_birth: '20170704' };
    // More records without a forename than with it: the group the two would make would hold the
    // nameless twin's number as its own, and read the other twin's number as a slip.
    const nameless = { ...alyssa, rec_id: 'nameless', given_name: '', soc_sec_id: '1420240' };
    const records = [
      alyssa,
      { ...alyssa, rec_id: 'alyssa-2', suburb: 'yrok' },
      { ...alyssa, rec_id: 'alyssa-3', address_1: 'acacia raod' },
      nameless,
      { ...nameless, rec_id: 'nameless-2', suburb: 'yrok' },
      { ...nameless, rec_id: 'nameless-3', street_number: '' },
      { ...nameless, rec_id: 'nameless-4', address_1: 'acacia rd' },
      // A single record with no forename and the number one along from the twin's.
      { ...lone, rec_id: 'lone-twin', given_name: 'tiana', soc_sec_id: '1002856' },
      { ...lone, rec_id: 'lone', given_name: '', soc_sec_id: '1002857' },
    ];
    const pairs = dedupe([...withDuplicates(BASE), ...records]);
    expect(pairs.has('alyssa|alyssa-2')).toBe(true);
    expect(pairs.has('nameless|nameless-2')).toBe(true);
    const across = [...pairs].filter((p) => p.includes('alyssa') && p.includes('nameless'));
    expect(across).toEqual([]);
    expect(pairs.has('lone|lone-twin')).toBe(false);
  });

  it('keeps the twins rule when the household’s surname or birthday is missing from every record', () => {
    const benjamin = {
      ...TWIN_JACK,
      rec_id: 'benjamin',
      given_name: 'benjamin',
      surname: '',
      soc_sec_id: '',
    };
    const eliza = { ...TWIN_JACK, rec_id: 'eliza', given_name: 'eliza', surname: 'haack', date_of_birth: '' };
    const records = [
      benjamin,
      { ...benjamin, rec_id: 'trinity', given_name: 'trinity' },
      { ...benjamin, rec_id: 'trinity-2', given_name: 'trinity', suburb: 'yrok' },
      eliza,
      { ...eliza, rec_id: 'silas', given_name: 'silas' },
      { ...eliza, rec_id: 'silas-2', given_name: 'silas', address_1: 'acacia raod' },
    ];
    const pairs = dedupe([...withDuplicates(BASE), ...records]);
    expect([...pairs].filter((p) => p.includes('benjamin') || p.includes('eliza'))).toEqual([]);
  });

  it('links a retyped record alone under a replaced forename, yet keeps a twin copied under another apart', () => {
    const hunting = {
      ...TWIN_JACK,
      rec_id: 'tristan',
      given_name: 'tristan',
      surname: 'hunting',
      address_2: 'elamon cottage',
      soc_sec_id: '',
    };
    const kahu = { ...TWIN_JACK, rec_id: 'kahu', given_name: 'kahu', surname: 'tane', soc_sec_id: '' };
    const records = [
      hunting,
      { ...hunting, rec_id: 'tristan-2', suburb: 'yrok' },
      { ...hunting, rec_id: 'georgia', given_name: 'georgia', address_2: 'elamon c ottage' },
      kahu,
      { ...kahu, rec_id: 'kahu-2', address_1: `${kahu.address_1}x` },
      { ...kahu, rec_id: 'mere', given_name: 'mere' },
      { ...kahu, rec_id: 'mere-2', given_name: 'mere', suburb: 'yrok' },
      { ...kahu, rec_id: 'aroha', given_name: 'aroha' },
    ];
    const pairs = dedupe([...withDuplicates(BASE), ...records]);
    for (const pair of ['tristan|tristan-2', 'georgia|tristan', 'georgia|tristan-2', 'kahu|kahu-2']) {
      expect(pairs.has(pair), pair).toBe(true);
    }
    expect(pairs.has('mere|mere-2')).toBe(true);
    expect([...pairs].filter((p) => p.includes('kahu') && p.includes('mere'))).toEqual([]);
    // A twin with no record of its own but the copy is alone under its name, and still a twin.
    expect([...pairs].filter((p) => p.includes('aroha'))).toEqual([]);
  });

  it('never links two different valid NHS numbers, even when everything else agrees', () => {
    const a = { ...TWIN_JACK, rec_id: 'nhs1', nhs_number: nhsNumber(1) };
    const b = { ...a, rec_id: 'nhs2', nhs_number: nhsNumber(50) };
    const c = { ...a, rec_id: 'nhs3' };
    const pairs = dedupe([...withDuplicates(BASE), a, b, c]);
    expect(pairs.has('nhs1|nhs2')).toBe(false);
    expect(pairs.has('nhs1|nhs3')).toBe(true);
  });

  it('treats a different identifier without a check digit as evidence, not a veto', () => {
    const a = { ...TWIN_JACK, rec_id: 'ssn1', soc_sec_id: '2493383' };
    const b = { ...a, rec_id: 'ssn2', soc_sec_id: '7364009' };
    expect(dedupe([...withDuplicates(BASE), a, b]).has('ssn1|ssn2')).toBe(true);
  });

  it('never links a post-adoption record to anything', () => {
    const a = { ...TWIN_JACK, rec_id: 'before', nhs_number: nhsNumber(7) };
    const b = { ...a, rec_id: 'after', post_adoption: 'Y' };
    const pairs = dedupe([...withDuplicates(BASE), a, b]);
    expect([...pairs].some((p) => p.includes('after'))).toBe(false);
  });

  it('gives the same pairs whatever the record ids are', () => {
    const rows = withDuplicates(BASE);
    const renamed = rows.map((r, i) => ({ ...r, rec_id: `x${(i * 7919) % 100_003}` }));
    const rename = new Map(rows.map((r, i) => [r.rec_id, item(renamed, i).rec_id]));
    const original = [...dedupe(rows)].map((p) =>
      p
        .split('|')
        .map((id) => rename.get(id))
        .sort()
        .join('|'),
    );
    expect(new Set(original)).toEqual(dedupe(renamed));
  });

  it('reads a file with a space after each comma and blank or single-space values alike', () => {
    const rows = withDuplicates(BASE).map((r, i) =>
      i % 5 === 0 ? { ...r, address_2: ' ', soc_sec_id: ' ' } : r,
    );
    expect(dedupe(rows, true)).toEqual(
      dedupe(rows.map((r) => ({ ...r, address_2: r.address_2.trim(), soc_sec_id: r.soc_sec_id.trim() }))),
    );
  });

  it('copes with a file of one record and with no records', () => {
    expect(dedupe([item(BASE, 0)]).size).toBe(0);
    expect(dedupe([]).size).toBe(0);
  });
});

describe('offline link', () => {
  it('writes only pairs across the two files, left id first', () => {
    const left = BASE.slice(0, 120);
    // The left file holds a duplicate of its own: link must not report it.
    const leftWithDuplicate = [...left, { ...item(left, 0), rec_id: 'p0-again' }];
    const right = withDuplicates(BASE.slice(60))
      .filter((r) => r.rec_id.endsWith('d'))
      .map((r) => ({ ...r, rec_id: `r-${r.rec_id}` }));
    const { csv: out } = offlineLinkage({
      mode: 'link',
      definitionText: DEFINITION,
      definitionLabel: 'def.json',
      inputs: [
        { label: 'left.csv', text: csv(leftWithDuplicate) },
        { label: 'right.csv', text: csv(right) },
      ],
    });
    const rows = parse<{ left_id: string; right_id: string }>(out, { columns: true });
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      expect(row.left_id.startsWith('r-')).toBe(false);
      expect(row.right_id.startsWith('r-')).toBe(true);
    }
    expect(rows.some((r) => r.left_id === 'p0' && r.right_id === 'p0-again')).toBe(false);
    const correct = rows.filter((r) => `r-${r.left_id.replace('-again', '')}d` === r.right_id).length;
    expect(correct).toBe(rows.length);
  });
});

describe('offline input errors', () => {
  it('names a bad source definition and a missing column', () => {
    const run =
      (definitionText: string, text = csv(BASE.slice(0, 3))) =>
      () =>
        offlineLinkage({
          mode: 'dedupe',
          definitionText,
          definitionLabel: 'def.json',
          inputs: [{ label: 'people.csv', text }],
        });
    expect(run('{')).toThrow(MatchInputError);
    expect(run('{')).toThrow(/def\.json is not valid JSON/);
    expect(run('{"id":"rec_id","fields":{"forname":"x"}}')).toThrow(/fields\.forname/);
    expect(run(DEFINITION, 'rec_id,given_name\n1,a\n')).toThrow(
      /column "surname", which people\.csv does not have/,
    );
  });
});
