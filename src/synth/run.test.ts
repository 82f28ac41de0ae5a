import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateNhsNumber } from '../children/identifiers/nhs-number.ts';
import { normalisePostcode } from '../children/identifiers/postcode.ts';
import { validateUpn } from '../children/identifiers/upn.ts';
import type { Defect } from './defects.ts';
import { hasForenameSubstitute } from './names.ts';
import { MANIFEST_FILE, createSources, runSynth } from './run.ts';
import type { SynthSummary } from './run.ts';
import type { SourceName } from './sources/source.ts';
import { childColumns } from './truth.ts';

type Row = Record<string, string>;

const CHILDREN = 20_000;
const SEED = 'synth-test';

let root = '';
let summary: SynthSummary;
const progress: number[] = [];
let children: Row[] = [];
const byId = new Map<string, Row>();
const feeds = new Map<SourceName, Row[]>();
let truth: Row[] = [];

async function readCsv(dir: string, file: string): Promise<Row[]> {
  return parse<Row>(await readFile(join(dir, file)), { columns: true });
}

function field(row: Row | undefined, name: string): string {
  const value = row?.[name];
  if (value === undefined) throw new Error(`row has no column ${name}`);
  return value;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'synth-run-'));
  summary = await runSynth({
    children: CHILDREN,
    seed: SEED,
    outDir: join(root, 'main'),
    onProgress: (done) => progress.push(done),
  });
  children = await readCsv(join(root, 'main'), 'children.csv');
  for (const child of children) byId.set(field(child, 'child_id'), child);
  for (const source of createSources(SEED))
    feeds.set(source.name, await readCsv(join(root, 'main'), source.fileName));
  truth = await readCsv(join(root, 'main'), 'truth.csv');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runSynth output', () => {
  it('writes exactly the requested children, the four feeds, the truth and a manifest', async () => {
    expect(children).toHaveLength(CHILDREN);
    expect(summary.children).toBe(CHILDREN);
    expect(Object.keys(children[0] ?? {})).toEqual([...childColumns]);
    expect((await readdir(join(root, 'main'))).sort()).toEqual(
      [
        'children.csv',
        'dwp_benefits.csv',
        'local_children_services.csv',
        MANIFEST_FILE,
        'nhs_demographics.csv',
        'school_census.csv',
        'truth.csv',
      ].sort(),
    );
    for (const source of createSources(SEED)) {
      const rows = feeds.get(source.name) ?? [];
      expect(summary.files[source.fileName]).toBe(rows.length);
      expect(Object.keys(rows[0] ?? {})).toEqual([...source.columns]);
    }
    expect(summary.files['truth.csv']).toBe(truth.length);
    expect(progress.at(-1)).toBe(CHILDREN);
  });

  it('is byte-identical for the same seed and different for another seed', async () => {
    const run = async (name: string, seed: string): Promise<Map<string, Buffer>> => {
      const dir = join(root, name);
      await runSynth({ children: 2000, seed, outDir: dir });
      const files = new Map<string, Buffer>();
      for (const file of await readdir(dir)) files.set(file, await readFile(join(dir, file)));
      return files;
    };
    const first = await run('same-1', 'determinism');
    const second = await run('same-2', 'determinism');
    const other = await run('other', 'something else');
    expect(first.size).toBe(7);
    for (const [file, bytes] of first) {
      expect(bytes.equals(second.get(file) ?? Buffer.alloc(0)), file).toBe(true);
      if (file !== MANIFEST_FILE) expect(bytes.equals(other.get(file) ?? Buffer.alloc(0)), file).toBe(false);
    }
  });

  it('rejects a child count it cannot honour', async () => {
    await expect(runSynth({ children: 0, seed: 'x', outDir: join(root, 'none') })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('the population', () => {
  it('has unique, valid NHS numbers from the 999 test range only', () => {
    const numbers = children.map((child) => field(child, 'nhs_number'));
    expect(new Set(numbers).size).toBe(CHILDREN);
    expect(numbers.filter((n) => !n.startsWith('999') || !validateNhsNumber(n).ok)).toEqual([]);
  });

  it('has unique, valid UPNs for children who have started school, and none for the youngest', () => {
    const upns = children.map((child) => field(child, 'upn')).filter((upn) => upn !== '');
    expect(new Set(upns).size).toBe(upns.length);
    expect(upns.filter((upn) => !validateUpn(upn).ok)).toEqual([]);
    const babies = children.filter((child) => field(child, 'date_of_birth') > '2022-09-01');
    expect(babies.length).toBeGreaterThan(0);
    for (const baby of babies) expect(field(baby, 'upn')).toBe('');
    expect(upns.length / CHILDREN).toBeGreaterThan(0.6);
  });

  it('has valid, normalised postcodes at every current and previous address', () => {
    const postcodes = children.flatMap((child) => [
      field(child, 'postcode'),
      field(child, 'previous_postcode'),
    ]);
    const bad = postcodes.filter((postcode, i) => {
      if (i % 2 === 1 && postcode === '') return false;
      const normalised = normalisePostcode(postcode);
      return !normalised.ok || normalised.value !== postcode;
    });
    expect(bad).toEqual([]);
  });

  it('spans ages 0 to 18 on the reference date, with some deaths and some 18-year-olds', () => {
    const births = children.map((child) => field(child, 'date_of_birth')).sort();
    expect(births[0] ?? '').toMatch(/^20(0[7-9]|1\d|2\d)-/);
    expect((births[0] ?? '') >= '2007-09-02').toBe(true);
    expect((births.at(-1) ?? '9') < '2026-09-01').toBe(true);
    expect(summary.aged18 / CHILDREN).toBeGreaterThan(0.03);
    expect(summary.deceased).toBeGreaterThan(0);
    expect(summary.deceased / CHILDREN).toBeLessThan(0.01);
  });

  it('has twins at a realistic rate, sharing surname, birthday, address and household', () => {
    const twins = children.filter((child) => field(child, 'twin_of') !== '');
    expect(twins.length / CHILDREN).toBeGreaterThan(0.02);
    expect(twins.length / CHILDREN).toBeLessThan(0.045);
    for (const twin of twins) {
      const other = byId.get(field(twin, 'twin_of'));
      expect(field(other, 'twin_of')).toBe(field(twin, 'child_id'));
      for (const shared of ['surname', 'date_of_birth', 'postcode', 'household_id']) {
        expect(field(other, shared)).toBe(field(twin, shared));
      }
      expect(field(other, 'forename')).not.toBe(field(twin, 'forename'));
    }
  });

  it('groups siblings in households that share an address', () => {
    const households = new Map<string, Row[]>();
    for (const child of children) {
      const id = field(child, 'household_id');
      households.set(id, [...(households.get(id) ?? []), child]);
    }
    const multi = [...households.values()].filter((members) => members.length > 1);
    expect(multi.length / households.size).toBeGreaterThan(0.3);
    for (const members of multi) expect(new Set(members.map((m) => field(m, 'postcode'))).size).toBe(1);
  });

  it('has skewed forename and surname frequencies: a few common names and many singletons', () => {
    for (const column of ['forename', 'surname']) {
      const counts = new Map<string, number>();
      for (const child of children)
        counts.set(field(child, column), (counts.get(field(child, column)) ?? 0) + 1);
      const sorted = [...counts.values()].sort((a, b) => b - a);
      const top10 = sorted.slice(0, 10).reduce((sum, n) => sum + n, 0) / CHILDREN;
      const singletons = sorted.filter((n) => n === 1).length / counts.size;
      // A uniform spread over this many names would give the top ten well under 2%.
      expect(top10, column).toBeGreaterThan(0.06);
      expect(singletons, column).toBeGreaterThan(0.25);
    }
  });

  it('includes changed and hyphenated surnames and moved households', () => {
    expect(children.filter((child) => field(child, 'former_surname') !== '').length).toBeGreaterThan(
      CHILDREN * 0.02,
    );
    expect(children.filter((child) => field(child, 'surname').includes('-')).length).toBeGreaterThan(
      CHILDREN * 0.02,
    );
    expect(children.filter((child) => field(child, 'previous_postcode') !== '').length).toBeGreaterThan(
      CHILDREN * 0.1,
    );
  });
});

describe('the ground truth', () => {
  it('names the child behind every row of every feed, and nothing else', () => {
    const truthIds = new Map<string, Set<string>>();
    expect(truth.filter((row) => !byId.has(field(row, 'child_id')))).toEqual([]);
    for (const row of truth) {
      const ids = truthIds.get(field(row, 'source')) ?? new Set<string>();
      ids.add(field(row, 'record_id'));
      truthIds.set(field(row, 'source'), ids);
    }
    let rows = 0;
    for (const source of createSources(SEED)) {
      const feed = feeds.get(source.name) ?? [];
      const ids = feed.map((row) => field(row, source.columns[0] ?? ''));
      expect(new Set(ids).size, `${source.name} record ids are unique`).toBe(ids.length);
      expect(new Set(ids)).toEqual(truthIds.get(source.name));
      rows += feed.length;
    }
    expect(truth).toHaveLength(rows);
  });
});

interface View {
  forename: string;
  surname: string;
  dob: string;
  postcode: string;
  nhs: string | null;
  upn: string | null;
}

/** Each feed's columns in common terms, with dates as ISO so they compare with children.csv. */
const views: Record<SourceName, (row: Row) => View> = {
  dwp_benefits: (row) => ({
    forename: field(row, 'child_forename'),
    surname: field(row, 'child_surname'),
    dob: ukToIso(field(row, 'child_dob')),
    postcode: field(row, 'postcode'),
    nhs: null,
    upn: null,
  }),
  nhs_demographics: (row) => ({
    forename: field(row, 'given_name'),
    surname: field(row, 'family_name'),
    dob: field(row, 'birth_date'),
    postcode: field(row, 'postcode'),
    nhs: field(row, 'nhs_number'),
    upn: null,
  }),
  school_census: (row) => ({
    forename: field(row, 'legal_forename'),
    surname: field(row, 'legal_surname'),
    dob: field(row, 'dob'),
    postcode: field(row, 'postcode'),
    nhs: null,
    upn: field(row, 'upn'),
  }),
  local_children_services: (row) => ({
    forename: field(row, 'first_name'),
    surname: field(row, 'surname'),
    dob: ukToIso(field(row, 'dob')),
    postcode: field(row, 'postcode'),
    nhs: field(row, 'nhs_no').replaceAll(' ', ''),
    upn: field(row, 'upn'),
  }),
};

function ukToIso(date: string): string {
  const [d, m, y] = date.split('/');
  return date === '' ? '' : `${y}-${m}-${d}`;
}

interface Sighting {
  source: SourceName;
  row: Row;
  view: View;
  child: Row;
  defects: Defect[];
}

function sightings(): Sighting[] {
  const defectsById = new Map(
    truth.map((row) => [`${field(row, 'source')}|${field(row, 'record_id')}`, row]),
  );
  const all: Sighting[] = [];
  for (const source of createSources(SEED)) {
    for (const row of feeds.get(source.name) ?? []) {
      const t = defectsById.get(`${source.name}|${field(row, source.columns[0] ?? '')}`);
      const defects = field(t, 'defects') === '' ? [] : (field(t, 'defects').split(';') as Defect[]);
      all.push({
        source: source.name,
        row,
        view: views[source.name](row),
        child: byId.get(field(t, 'child_id')) ?? {},
        defects,
      });
    }
  }
  return all;
}

describe('source rows', () => {
  let all: Sighting[] = [];
  beforeAll(() => {
    all = sightings();
  });

  it('differ from the truth exactly where their declared defects say', () => {
    // Collected rather than asserted one by one: tens of thousands of expect() calls are slow.
    const problems: string[] = [];
    const check = (ok: boolean, what: string, s: Sighting): void => {
      if (!ok) problems.push(`${s.source} ${what}: ${JSON.stringify(s.view)} [${s.defects.join(';')}]`);
    };
    for (const s of all) {
      const { view, child, defects } = s;
      const has = (prefix: string): boolean => defects.some((d) => d.startsWith(prefix));
      const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
      if (!has('forename_')) check(same(view.forename, field(child, 'forename')), 'forename', s);
      if (!has('surname_')) check(same(view.surname, field(child, 'surname')), 'surname', s);
      if (defects.length === 1 && defects[0] === 'surname_former') {
        check(same(view.surname, field(child, 'former_surname')), 'former surname', s);
      }
      const dob = field(child, 'date_of_birth');
      if (!has('dob_')) check(view.dob === dob, 'dob', s);
      if (defects.includes('dob_missing')) check(view.dob === '', 'missing dob', s);
      if (defects.includes('dob_day_month_swapped')) {
        check(view.dob === `${dob.slice(0, 4)}-${dob.slice(8, 10)}-${dob.slice(5, 7)}`, 'swapped dob', s);
      }
      const postcode = field(child, defects.includes('address_stale') ? 'previous_postcode' : 'postcode');
      const normalised = normalisePostcode(view.postcode);
      if (!has('postcode_')) check(view.postcode === postcode, 'postcode', s);
      if (defects.includes('postcode_missing')) check(view.postcode === '', 'missing postcode', s);
      if (defects.includes('postcode_unformatted')) {
        check(normalised.ok && normalised.value === postcode, 'unformatted postcode', s);
      }
      if (defects.includes('postcode_invalid')) check(!normalised.ok, 'invalid postcode', s);
      if (view.nhs !== null && view.nhs !== '') {
        check(view.nhs.startsWith('999'), 'NHS number range', s);
        if (defects.includes('nhs_number_invalid'))
          check(!validateNhsNumber(view.nhs).ok, 'invalid NHS number', s);
        else check(view.nhs === field(child, 'nhs_number'), 'NHS number', s);
      }
      if (view.upn !== null && view.upn !== '') {
        if (defects.includes('upn_invalid')) check(!validateUpn(view.upn).ok, 'invalid UPN', s);
        else check(view.upn === field(child, 'upn'), 'UPN', s);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(all.length).toBe(truth.length);
  });

  it('show each defect at roughly its declared rate, counted where it can apply', () => {
    for (const source of createSources(SEED)) {
      const rows = all.filter((s) => s.source === source.name && !s.defects.includes('duplicate'));
      const rates = Object.entries(source.profile.defects) as [Defect, number][];
      for (const [defect, declared] of rates) {
        if (defect === 'duplicate') {
          const extra = all.filter((s) => s.source === source.name && s.defects.includes('duplicate')).length;
          const tolerance = 4 * Math.sqrt(declared / rows.length) + 0.002;
          expect(Math.abs(extra / rows.length - declared), `${source.name} duplicates`).toBeLessThan(
            tolerance,
          );
          continue;
        }
        const applicable = rows.filter((s) => appliesTo(defect, s));
        if (applicable.length * declared < 8) continue;
        const observed = applicable.filter((s) => s.defects.includes(defect)).length / applicable.length;
        const tolerance = 4 * Math.sqrt((declared * (1 - declared)) / applicable.length) + 0.003;
        expect(
          Math.abs(observed - declared),
          `${source.name} ${defect}: ${observed} vs ${declared}`,
        ).toBeLessThan(tolerance);
      }
    }
  });

  it('cover the population as each source would', () => {
    const coverage = (name: SourceName): number =>
      new Set(truth.filter((row) => field(row, 'source') === name).map((row) => field(row, 'child_id')))
        .size / CHILDREN;
    expect(coverage('nhs_demographics')).toBeGreaterThan(0.96);
    expect(coverage('dwp_benefits')).toBeGreaterThan(0.7);
    expect(coverage('dwp_benefits')).toBeLessThan(0.9);
    expect(coverage('school_census')).toBeGreaterThan(0.5);
    expect(coverage('local_children_services')).toBeGreaterThan(0.05);
    expect(coverage('local_children_services')).toBeLessThan(0.15);
  });

  it('record deaths in the NHS feed and keep the dead out of the school census', () => {
    const deceased = new Set(
      children.filter((c) => field(c, 'date_of_death') !== '').map((c) => field(c, 'child_id')),
    );
    for (const s of all) {
      if (!deceased.has(field(s.child, 'child_id'))) continue;
      expect(s.source).not.toBe('school_census');
      if (s.source === 'nhs_demographics' && !s.defects.includes('date_of_death_missing')) {
        expect(field(s.row, 'date_of_death')).toBe(field(s.child, 'date_of_death'));
      }
    }
  });

  it('include children who have turned 18 in the national feeds', () => {
    const adults = all.filter((s) => field(s.child, 'date_of_birth') <= '2008-09-01');
    expect(adults.some((s) => s.source === 'nhs_demographics')).toBe(true);
    expect(adults.some((s) => s.source === 'dwp_benefits')).toBe(true);
  });

  it('duplicate some children within a feed, always with some variation', () => {
    const duplicates = all.filter((s) => s.defects.includes('duplicate'));
    expect(duplicates.length).toBeGreaterThan(0);
    for (const d of duplicates) expect(d.defects.length).toBeGreaterThan(1);
  });
});

function appliesTo(defect: Defect, s: Sighting): boolean {
  const { child, defects } = s;
  const dob = field(child, 'date_of_birth');
  const day = Number(dob.slice(8, 10));
  const month = Number(dob.slice(5, 7));
  const surname = defects.includes('surname_former')
    ? field(child, 'former_surname')
    : field(child, 'surname');
  switch (defect) {
    case 'forename_nickname':
      return hasForenameSubstitute(field(child, 'forename')) && !defects.includes('forename_middle');
    case 'forename_middle':
      return field(child, 'middle_names') !== '';
    case 'surname_former':
      return field(child, 'former_surname') !== '';
    case 'surname_hyphen_part':
      return surname.includes('-');
    case 'surname_hyphen_spacing':
      return surname.includes('-') && !defects.includes('surname_hyphen_part');
    case 'dob_day_month_swapped':
      return !defects.includes('dob_missing') && day <= 12 && day !== month;
    case 'dob_day_defaulted':
      return !defects.includes('dob_missing') && !defects.includes('dob_day_month_swapped') && day !== 1;
    case 'address_stale':
      return field(child, 'previous_postcode') !== '';
    case 'postcode_invalid':
      return !defects.includes('postcode_missing');
    case 'postcode_unformatted':
      return !defects.includes('postcode_missing') && !defects.includes('postcode_invalid');
    case 'nhs_number_invalid':
      return s.view.nhs !== null && s.view.nhs !== '';
    case 'upn_invalid':
      return s.view.upn !== null && s.view.upn !== '';
    case 'date_of_death_missing':
      return field(child, 'date_of_death') !== '';
    case 'surname_typo':
      return surname.length >= 3;
    case 'forename_typo':
    case 'dob_missing':
    case 'sex_missing':
    case 'postcode_missing':
    case 'duplicate':
      return true;
  }
}
