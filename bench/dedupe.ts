/**
 * `contactpoint dedupe` on an index of synthetic children with planted duplicates, scored against
 * what was planted. On the engine DATABASE_URL chooses (PGlite on a data directory in a temporary
 * folder otherwise):
 *
 *   index    `contactpoint synth` writes the population and its four feeds; each feed is imported as
 *            `contactpoint import` imports it (importFeed) and its rows are written to the index by
 *            resolution's own apply step (applyResolved), with truth.csv as the decision in place of
 *            matching: a row of a child already in the index links to it, the first rows of a child
 *            create it. The index holds what a resolution that never erred would write (names,
 *            addresses, NHS numbers, UPNs and source records under survivorship, with their
 *            history) and no duplicate of its own, so every duplicate in it is a planted one.
 *            Matching each row as bench/import.ts does would take several times longer.
 *   plant    D children of the index (1% of N unless --duplicates says) are recorded again by a
 *            local authority: one local_children_services row each, from the child's clean record
 *            in children.csv with one small defect, sometimes two (a typo in the forename or
 *            surname, a nickname, an old address, or nothing but missing identifiers), the NHS
 *            number and UPN recorded as often as local workers record them; imported, then
 *            applied as new children. A copy never gets an identifier its original holds, since
 *            resolution never gives one identifier to two children: it differs from its original
 *            by a missing identifier at least.
 *   report   `contactpoint dedupe` without --apply: services.dedupe inside withChildServices, as
 *            the command calls it, under a named operator and a reason, so the run is audited
 *            like a real one. Seconds by stage, peak RSS, merges and reviews planned, scored
 *            against the planted pairs: found (merged together), waiting for review, missed; and
 *            merges of two children that are not a planted pair (false merges). --examples N
 *            prints up to N false merges and N missed pairs with their index records.
 *   apply    with --apply: the same run with --apply (merges/s over its writing stage, where the
 *            merges are made), then a second report-only run, which should find nothing left.
 *
 *   npx tsx bench/dedupe.ts [--children 100000] [--duplicates 1000] [--seed 1] [--apply] [--examples 20]
 *   DATABASE_URL=postgres://… npx tsx bench/dedupe.ts --children 100000 --apply
 *
 * Each dedupe run is a process of its own, as the command is, so its peak RSS is the run's alone
 * and not the building's. PostgreSQL: a database of its own, created from DATABASE_URL and dropped
 * afterwards. Results are recorded in bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { withChildServices } from '../src/children/shield.command.ts';
import { withFieldEncryption } from '../src/children/encryption.database.ts';
import { createFieldCipher, householdKey, type FieldCipher } from '../src/children/encryption.ts';
import { loadConfig, type Config } from '../src/config.ts';
import type { Database } from '../src/db/schema.ts';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open.ts';
import { importFeed } from '../src/ingest/import.ts';
import { loadSourceDeclaration } from '../src/ingest/source-declaration.ts';
import { applyResolved } from '../src/resolution/apply.repository.ts';
import type { DedupeAction, DedupeReport } from '../src/resolution/dedupe.ts';
import { loadIndexRecords, type IndexRecord } from '../src/resolution/index-records.ts';
import type { RowOutcome, WaitingRow } from '../src/resolution/outcome.ts';
import { DEFAULT_RESOLVE_CHUNK } from '../src/resolution/resolve.ts';
import { nextWaitingRows } from '../src/resolution/waiting-rows.repository.ts';
import { forenameSubstitute, hasForenameSubstitute } from '../src/synth/names.ts';
import { Rng } from '../src/synth/random.ts';
import { createLocalSource } from '../src/synth/sources/local.ts';
import { CHILDREN_FILE, TRUTH_FILE } from '../src/synth/truth.ts';
import { typo } from '../src/synth/typos.ts';
import type { Kysely } from 'kysely';
import { readCsv, relation } from './accuracy.ts';
import { adminQuery, databaseUrlFor } from '../test/helpers/postgres-admin.ts';
import { synthesiseFeeds } from './synthesise.ts';

const { values } = parseArgs({
  options: {
    children: { type: 'string', default: '100000' },
    duplicates: { type: 'string' },
    seed: { type: 'string', default: '1' },
    apply: { type: 'boolean', default: false },
    examples: { type: 'string', default: '20' },
    // Internal: the benchmark starts itself with this for each dedupe run.
    run: { type: 'string' },
  },
});

const OPERATOR = 'dedupe benchmark';
// Strong identifiers first, as bench/import.ts: the same order resolution would meet them in.
const SOURCES = ['nhs_demographics', 'school_census', 'dwp_benefits', 'local_children_services'];
const PLANT_SOURCE = 'local_children_services';
const PLANT_FILE = 'planted_duplicates.csv';
// Written on each feed row's resolution, so no one takes this index for a matched one.
const TRUTH_RULE = 'synthetic-truth';
const PLANT_RULE = 'planted-duplicate';
// As often as the synthetic local feed records them (src/synth/sources/local.ts).
const NHS_NUMBER_RECORDED = 0.6;
const UPN_RECORDED = 0.35;
const SECOND_DEFECT = 0.3;

/** What one dedupe process hands back. */
interface RunResult {
  readonly report: DedupeReport;
  /** services.dedupe alone, and with the command's opening (and migrating) and closing the database. */
  readonly serviceSeconds: number;
  readonly commandSeconds: number;
  readonly maxRssMiB: number;
}

const seconds = (from: number): number => (performance.now() - from) / 1000;
const fmt = (n: number): string => n.toLocaleString('en-GB');
const perSecond = (n: number, s: number): string => (s > 0 ? fmt(Math.round(n / s)) : '—');
const percent = (n: number, of: number): string => (of === 0 ? '—' : `${((100 * n) / of).toFixed(1)} %`);

function count(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${option} takes a whole number`);
  return n;
}

interface PlantedPair {
  /** ContactPoint IDs: the reports name children by nothing else. */
  readonly original: string;
  readonly duplicate: string;
  readonly defects: readonly string[];
}

interface Built {
  /** Every child of the index by ContactPoint ID: its id and the synthetic person it is. */
  readonly children: ReadonlyMap<string, { childId: string; person: string }>;
  readonly planted: readonly PlantedPair[];
}

async function main(): Promise<void> {
  const children = count('children', values.children);
  if (children === 0) throw new Error('--children takes a positive whole number');
  const duplicates =
    values.duplicates === undefined ? Math.round(children / 100) : count('duplicates', values.duplicates);
  const examples = count('examples', values.examples);
  const adminUrl = process.env.DATABASE_URL === '' ? undefined : process.env.DATABASE_URL;
  const { folder: feeds, seconds: synthesised } = synthesiseFeeds(children, values.seed);
  try {
    console.log(
      `engine ${adminUrl === undefined ? 'pglite' : 'postgres'}; ${fmt(children)} children (seed ${values.seed}) synthesised in ${synthesised.toFixed(1)} s`,
    );
    const options = { feeds, duplicates, examples };
    if (adminUrl === undefined) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-bench-dedupe-'));
      try {
        await bench({ ...options, env: { CONTACTPOINT_DATA_DIR: dataDir, DATABASE_URL: '' } });
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    } else {
      const name = `cp_bench_dedupe_${randomBytes(4).toString('hex')}`;
      await adminQuery(adminUrl, `create database ${name}`);
      const url = databaseUrlFor(adminUrl, name);
      try {
        await bench({ ...options, env: { DATABASE_URL: url } });
      } finally {
        await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
      }
    }
  } finally {
    fs.rmSync(feeds, { recursive: true, force: true });
  }
}

interface BenchOptions {
  readonly feeds: string;
  readonly duplicates: number;
  readonly examples: number;
  /** Where the database is, as the command's process reads it from its environment. */
  readonly env: Readonly<Record<string, string>>;
}

interface Opened {
  readonly db: Kysely<Database>;
  readonly childDb: Kysely<Database>;
  readonly cipher: FieldCipher;
}

/** The database as the command's process would open it (same environment, so the same keys). */
async function withDatabase<T>(env: BenchOptions['env'], work: (opened: Opened) => Promise<T>): Promise<T> {
  const config: Config = loadConfig({ ...process.env, NODE_ENV: 'development', ...env });
  const database = await openDatabase(config);
  try {
    await migrate(database.db);
    await database.useAppRole();
    const cipher = createFieldCipher(config.fieldEncryption);
    return await work({ db: database.db, childDb: withFieldEncryption(database.db, cipher), cipher });
  } finally {
    await database.close();
  }
}

async function bench(options: BenchOptions): Promise<void> {
  const built = await withDatabase(options.env, (opened) => build(opened, options));

  const report = runDedupe('report', options.env);
  describeRun('report', report);
  const score = scoreRun(report.report, built);
  printScore(score, built.planted.length);
  if (options.examples > 0 && (score.falseMerges.length > 0 || score.missed.length > 0)) {
    await withDatabase(options.env, (opened) => printExamples(opened, options, built, score));
  }
  if (!values.apply) return;

  const applied = runDedupe('apply', options.env);
  describeRun('apply', applied);
  const merged = await withDatabase(options.env, (opened) => plantedMerged(opened.db, built));
  console.log(
    `  after --apply: ${fmt(merged)} of ${fmt(built.planted.length)} planted duplicates merged into their original`,
  );
  const again = runDedupe('report', options.env);
  describeRun('second report', again);
}

// --- building the index ------------------------------------------------------------------------

const rowKey = (source: string, recordId: string): string => `${source}\u0000${recordId}`;

async function readTruth(feeds: string): Promise<Map<string, string>> {
  const truth = new Map<string, string>();
  for await (const r of readCsv(path.join(feeds, TRUTH_FILE)))
    truth.set(rowKey(r.source ?? '', r.record_id ?? ''), r.child_id ?? '');
  return truth;
}

interface Applied {
  rows: number;
  linked: number;
  created: number;
  review: number;
}

/**
 * Applies every waiting row of a batch, one transaction a chunk as resolution does, with `decide`
 * in place of matching. `placed` hears of each row put on a child before the next chunk is
 * decided, so the rows of a child created by one chunk link to it in the next.
 */
async function applyBatch(
  childDb: Kysely<Database>,
  batchId: number,
  decide: (rows: readonly WaitingRow[]) => RowOutcome[],
  placed: (row: WaitingRow, childId: string) => void,
): Promise<Applied> {
  const applied: Applied = { rows: 0, linked: 0, created: 0, review: 0 };
  for (;;) {
    const done = await childDb.transaction().execute(async (trx) => {
      const rows = await nextWaitingRows(trx, batchId, DEFAULT_RESOLVE_CHUNK);
      if (rows.length === 0) return 0;
      const result = await applyResolved(
        trx,
        rows,
        decide(rows),
        { operator: OPERATOR },
        { allowShielded: false, fromStatuses: ['accepted'] },
      );
      for (const row of rows) {
        const done = result.get(row.id);
        if (done === undefined) throw new Error(`feed row ${row.id} was not applied`);
        applied[done.status] += 1;
        if (done.childId !== null) placed(row, done.childId);
      }
      return rows.length;
    });
    if (done === 0) return applied;
    applied.rows += done;
  }
}

async function build(opened: Opened, options: BenchOptions): Promise<Built> {
  const { db, childDb, cipher } = opened;
  const truth = await readTruth(options.feeds);
  const personOf = (row: WaitingRow): string => {
    const person = truth.get(rowKey(row.sourceName, row.sourceRecordId));
    if (person === undefined)
      throw new Error(`${row.sourceName} ${row.sourceRecordId} is not in ${TRUTH_FILE}`);
    return person;
  };
  // The child each synthetic person became, in the order the feeds first named them.
  const indexOf = new Map<string, string>();
  const totals = { rows: 0, importS: 0, applyS: 0, linked: 0, created: 0, review: 0 };
  for (const name of SOURCES) {
    let started = performance.now();
    const imported = await importFeed(db, {
      source: loadSourceDeclaration(name),
      file: path.join(options.feeds, `${name}.csv`),
      operator: OPERATOR,
      householdKey: householdKey(cipher),
    });
    totals.importS += seconds(started);
    totals.rows += imported.rows;
    started = performance.now();
    const applied = await applyBatch(
      childDb,
      imported.batchId,
      (rows) => {
        // Rows of one person not yet in the index are one new child: one group per person a chunk.
        const groups = new Map<string, number>();
        return rows.map((row): RowOutcome => {
          const person = personOf(row);
          const childId = indexOf.get(person);
          if (childId !== undefined) {
            return {
              kind: 'link',
              rowId: row.id,
              childId,
              rule: TRUTH_RULE,
              weight: null,
              probability: null,
            };
          }
          const group = groups.get(person) ?? groups.size;
          groups.set(person, group);
          return { kind: 'new', rowId: row.id, group, rule: TRUTH_RULE };
        });
      },
      (row, childId) => {
        const person = personOf(row);
        const known = indexOf.get(person);
        if (known !== undefined && known !== childId) throw new Error(`${person} became two children`);
        indexOf.set(person, childId);
      },
    );
    totals.applyS += seconds(started);
    totals.linked += applied.linked;
    totals.created += applied.created;
    totals.review += applied.review;
  }
  console.log(
    `index: ${fmt(totals.rows)} feed rows imported in ${totals.importS.toFixed(1)} s (${perSecond(totals.rows, totals.importS)} rows/s), ` +
      `applied from the truth in ${totals.applyS.toFixed(1)} s (${perSecond(totals.created + totals.linked, totals.applyS)} rows/s): ${fmt(indexOf.size)} children from ${fmt(totals.created)} rows, ${fmt(totals.linked)} rows linked to them` +
      (totals.review > 0 ? `, ${fmt(totals.review)} rows left for review` : ''),
  );

  const started = performance.now();
  const planted = await plant(childDb, db, options, indexOf);
  const rows = await db.selectFrom('child').select(['id', 'contactpoint_id']).execute();
  const personOfChild = new Map([...indexOf].map(([person, childId]) => [childId, person]));
  for (const p of planted) personOfChild.set(p.duplicateId, p.person);
  const byId = new Map(rows.map((r) => [r.id, r.contactpoint_id]));
  const children = new Map<string, { childId: string; person: string }>();
  for (const r of rows)
    children.set(r.contactpoint_id, { childId: r.id, person: personOfChild.get(r.id) ?? '' });
  const pairs = planted.map((p) => ({
    original: byId.get(p.originalId) ?? '',
    duplicate: byId.get(p.duplicateId) ?? '',
    defects: p.defects,
  }));
  const kinds = new Map<string, number>();
  for (const p of planted) for (const d of p.defects) kinds.set(d, (kinds.get(d) ?? 0) + 1);
  console.log(
    `planted ${fmt(planted.length)} duplicates in ${seconds(started).toFixed(1)} s (defects: ${[...kinds]
      .sort((a, b) => b[1] - a[1])
      .map(([d, n]) => `${d} ${fmt(n)}`)
      .join(', ')}); ${fmt(rows.length)} children in the index\n`,
  );
  return { children, planted: pairs };
}

interface Planted {
  readonly originalId: string;
  readonly duplicateId: string;
  readonly person: string;
  readonly defects: readonly string[];
}

type Clean = Readonly<Record<string, string>>;

/**
 * A local worker's record of a child already in the index: the clean details with one defect,
 * sometimes two. 'missing_identifiers' is a copy that differs in nothing but the identifiers it holds.
 */
function localRow(rng: Rng, c: Clean, serial: number): { fields: string[]; defects: string[] } {
  let forename = c.forename ?? '';
  let surname = c.surname ?? '';
  let stale = false;
  const possible = ['forename_typo', 'surname_typo', 'missing_identifiers'];
  if (hasForenameSubstitute(forename)) possible.push('forename_nickname');
  if ((c.previous_postcode ?? '') !== '') possible.push('address_stale');
  const chosen = [rng.pick(possible)];
  if (rng.chance(SECOND_DEFECT)) chosen.push(rng.pick(possible.filter((d) => d !== 'missing_identifiers')));
  const defects: string[] = [];
  for (const defect of new Set(chosen)) {
    const before = `${forename} ${surname}`;
    if (defect === 'forename_typo') forename = typo(rng, forename);
    else if (defect === 'surname_typo') surname = typo(rng, surname);
    else if (defect === 'forename_nickname') forename = forenameSubstitute(rng, forename) ?? forename;
    else if (defect === 'address_stale') stale = true;
    if (`${forename} ${surname}` !== before || defect === 'address_stale') defects.push(defect);
  }
  if (defects.length === 0) defects.push('missing_identifiers');
  const at = stale ? 'previous_' : '';
  const la = (stale ? c.previous_la_code : c.la_code) ?? '';
  const [year, month, day] = (c.date_of_birth ?? '').split('-');
  const address = [c[`${at}address_flat`], c[`${at}address_street`], c[`${at}address_town`]]
    .filter((part): part is string => part !== undefined && part !== '')
    .join(', ');
  const fields = [
    `${la}-D${serial}`,
    la,
    forename,
    surname,
    `${day ?? ''}/${month ?? ''}/${year ?? ''}`,
    c.sex === 'M' ? 'Male' : 'Female',
    address,
    c[`${at}postcode`] ?? '',
    rng.chance(NHS_NUMBER_RECORDED) ? (c.nhs_number ?? '') : '',
    rng.chance(UPN_RECORDED) ? (c.upn ?? '') : '',
    c.carer_1_name ?? '',
    'Early Help',
    '',
  ];
  return { fields, defects };
}

async function plant(
  childDb: Kysely<Database>,
  db: Kysely<Database>,
  options: BenchOptions,
  indexOf: ReadonlyMap<string, string>,
): Promise<Planted[]> {
  const people = [...indexOf.keys()];
  if (options.duplicates > people.length) {
    throw new Error(`--duplicates ${options.duplicates} is more than the ${people.length} children indexed`);
  }
  const rng = new Rng(values.seed, 'dedupe benchmark: originals');
  for (let i = 0; i < options.duplicates; i++) {
    const j = i + rng.below(people.length - i);
    [people[i], people[j]] = [people[j] ?? '', people[i] ?? ''];
  }
  const chosen = people.slice(0, options.duplicates);
  const wanted = new Set(chosen);
  const clean = new Map<string, Clean>();
  for await (const c of readCsv(path.join(options.feeds, CHILDREN_FILE)))
    if (wanted.has(c.child_id ?? '')) clean.set(c.child_id ?? '', c);

  const source = loadSourceDeclaration(PLANT_SOURCE);
  const defectRng = new Rng(values.seed, 'dedupe benchmark: defects');
  const rows: string[][] = [];
  const plantedBy = new Map<string, { person: string; defects: string[] }>();
  chosen.forEach((person, serial) => {
    const c = clean.get(person);
    if (c === undefined) throw new Error(`${person} is not in ${CHILDREN_FILE}`);
    const row = localRow(defectRng, c, serial);
    rows.push(row.fields);
    plantedBy.set(row.fields[0] ?? '', { person, defects: row.defects });
  });
  const file = path.join(options.feeds, PLANT_FILE);
  fs.writeFileSync(file, stringify([[...createLocalSource(values.seed).columns], ...rows]));
  const imported = await importFeed(db, { source, file, operator: OPERATOR });
  if (imported.quarantined > 0) console.log(`  ${fmt(imported.quarantined)} planted rows were quarantined`);

  const planted: Planted[] = [];
  const applied = await applyBatch(
    childDb,
    imported.batchId,
    (waiting) =>
      waiting.map((row, group): RowOutcome => ({ kind: 'new', rowId: row.id, group, rule: PLANT_RULE })),
    (row, duplicateId) => {
      const p = plantedBy.get(row.sourceRecordId);
      const originalId = p === undefined ? undefined : indexOf.get(p.person);
      if (p === undefined || originalId === undefined)
        throw new Error(`${row.sourceRecordId} was not planted`);
      planted.push({ originalId, duplicateId, person: p.person, defects: p.defects });
    },
  );
  if (applied.review > 0) console.log(`  ${fmt(applied.review)} planted rows were refused a new child`);
  return planted;
}

// --- running and scoring -------------------------------------------------------------------------

const SCRIPT = fileURLToPath(import.meta.url);

/** One `contactpoint dedupe` in a process of its own, started the way this one was (tsx). */
function runDedupe(mode: 'report' | 'apply', env: BenchOptions['env']): RunResult {
  const out = execFileSync(process.execPath, [...process.execArgv, SCRIPT, '--run', mode], {
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const last = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as RunResult;
}

const MATCHING_STAGES = ['blocking', 'comparing', 'estimating', 'scoring', 'clustering', 'reviewing'];

function describeRun(label: string, run: RunResult): void {
  const { report } = run;
  const s = report.seconds;
  const matching = MATCHING_STAGES.reduce((sum, stage) => sum + (s[stage] ?? 0), 0);
  const reading = s.reading ?? 0;
  const writing = s.writing ?? 0;
  const vetoed = Object.entries(report.vetoed);
  console.log(
    `${label}: ${run.serviceSeconds.toFixed(1)} s (${run.commandSeconds.toFixed(1)} s with opening and closing the database), peak RSS ${fmt(run.maxRssMiB)} MiB`,
  );
  console.log(
    `  reading ${reading.toFixed(1)} s (${perSecond(report.children, reading)} children/s), matching ${matching.toFixed(1)} s [${MATCHING_STAGES.map(
      (stage) => `${stage} ${(s[stage] ?? 0).toFixed(1)}`,
    ).join(', ')}], planning ${(s.planning ?? 0).toFixed(1)} s, writing ${writing.toFixed(1)} s`,
  );
  console.log(
    `  ${fmt(report.children)} children read, ${fmt(report.candidatePairs)} candidate pairs, ${fmt(report.linkedPairs)} pairs judged one child in ${fmt(report.groups)} groups; kept apart by a safety rule: ${vetoed.length === 0 ? 'none' : vetoed.map(([rule, n]) => `${rule} ${fmt(n)}`).join(', ')}`,
  );
  const merges = report.applied
    ? `merges done ${fmt(report.merges.done)} (${perSecond(report.merges.done, writing)}/s over writing), refused ${fmt(report.merges.failed)}`
    : `merges planned ${fmt(report.merges.planned)}`;
  const reviews = report.applied
    ? `reviews queued ${fmt(report.reviews.queued)}`
    : `reviews planned ${fmt(report.reviews.planned)}`;
  console.log(
    `  ${merges}; ${reviews}, already waiting ${fmt(report.reviews.alreadyOpen)}, decided before ${fmt(report.remembered)}, left for the next run ${fmt(report.deferred)}`,
  );
}

interface Score {
  readonly found: readonly PlantedPair[];
  readonly inReview: readonly PlantedPair[];
  readonly missed: readonly PlantedPair[];
  /** Merges of two records of one person that is not a planted pair (the index should have none). */
  readonly samePerson: readonly DedupeAction[];
  readonly falseMerges: readonly (DedupeAction & { kind: 'merge' })[];
  readonly reviewsPlanted: number;
  readonly reviewsOther: number;
}

const pairOf = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

function scoreRun(report: DedupeReport, built: Built): Score {
  const into = new Map<string, string>();
  const merges = report.actions.filter((a) => a.kind === 'merge');
  for (const m of merges) into.set(m.merged, m.survivor);
  const root = (cpid: string): string => {
    let at = cpid;
    for (let next = into.get(at); next !== undefined; next = into.get(at)) at = next;
    return at;
  };
  const reviewed = new Set<string>();
  let reviewsPlanted = 0;
  const planted = new Set(built.planted.map((p) => pairOf(p.original, p.duplicate)));
  for (const r of report.actions) {
    if (r.kind !== 'review') continue;
    reviewed.add(pairOf(r.child, r.other));
    if (planted.has(pairOf(r.child, r.other))) reviewsPlanted += 1;
  }
  const found: PlantedPair[] = [];
  const inReview: PlantedPair[] = [];
  const missed: PlantedPair[] = [];
  for (const p of built.planted) {
    if (root(p.original) === root(p.duplicate)) found.push(p);
    else if (reviewed.has(pairOf(p.original, p.duplicate))) inReview.push(p);
    else missed.push(p);
  }
  const person = (cpid: string): string => built.children.get(cpid)?.person ?? `unknown ${cpid}`;
  const notPlanted = merges.filter((m) => !planted.has(pairOf(m.survivor, m.merged)));
  return {
    found,
    inReview,
    missed,
    samePerson: notPlanted.filter((m) => person(m.survivor) === person(m.merged)),
    falseMerges: notPlanted.filter((m) => person(m.survivor) !== person(m.merged)),
    reviewsPlanted,
    reviewsOther: reviewed.size - reviewsPlanted,
  };
}

function printScore(score: Score, planted: number): void {
  console.log(
    `  planted ${fmt(planted)}: found ${fmt(score.found.length)} (${percent(score.found.length, planted)}), waiting for review ${fmt(score.inReview.length)}, missed ${fmt(score.missed.length)}`,
  );
  console.log(
    `  merges that are not planted pairs: ${fmt(score.falseMerges.length)} of two people (false merges)` +
      (score.samePerson.length > 0 ? `, ${fmt(score.samePerson.length)} of one person` : '') +
      `; reviews: ${fmt(score.reviewsPlanted)} planted pairs, ${fmt(score.reviewsOther)} others`,
  );
  const kinds = (pairs: readonly PlantedPair[]): string => {
    const n = new Map<string, number>();
    for (const p of pairs) {
      const key = p.defects.join('+') || 'none';
      n.set(key, (n.get(key) ?? 0) + 1);
    }
    return [...n]
      .sort((a, b) => b[1] - a[1])
      .map(([k, c]) => `${k} ${fmt(c)}`)
      .join(', ');
  };
  if (score.missed.length > 0) console.log(`  missed by defect: ${kinds(score.missed)}`);
  if (score.inReview.length > 0) console.log(`  in review by defect: ${kinds(score.inReview)}`);
}

function keyFields(cpid: string, record: IndexRecord | undefined, person: string): string {
  if (record === undefined) return `${cpid} (not a live record)`;
  const r = record.raw;
  const value = (v: string | undefined): string => (v === undefined || v === '' ? '·' : v);
  return `${cpid} [${person}] ${value(r.forename)} ${value(r.surname)} ${value(r.dateOfBirth)} ${value(r.gender)} | ${value(r.address)}, ${value(r.town)} ${value(r.postcode)} | nhs ${value(r.nhsNumber)} upn ${value(r.upn)}`;
}

/** The false merges and missed pairs with their index records (synthetic data, to the terminal only). */
async function printExamples(
  opened: Opened,
  options: BenchOptions,
  built: Built,
  score: Score,
): Promise<void> {
  const falseMerges = score.falseMerges.slice(0, options.examples);
  const missed = score.missed.slice(0, options.examples);
  const cpids = [
    ...falseMerges.flatMap((m) => [m.survivor, m.merged]),
    ...missed.flatMap((p) => [p.original, p.duplicate]),
  ];
  const childOf = (cpid: string) => built.children.get(cpid) ?? { childId: '', person: '' };
  const records = new Map(
    (
      await loadIndexRecords(
        opened.childDb,
        cpids.map((c) => childOf(c).childId),
      )
    ).map((r) => [r.contactpointId, r]),
  );
  const line = (cpid: string): string => keyFields(cpid, records.get(cpid), childOf(cpid).person);
  if (falseMerges.length > 0) {
    const people = new Set(
      falseMerges.flatMap((m) => [childOf(m.survivor).person, childOf(m.merged).person]),
    );
    const clean = new Map<string, Clean>();
    for await (const c of readCsv(path.join(options.feeds, CHILDREN_FILE)))
      if (people.has(c.child_id ?? '')) clean.set(c.child_id ?? '', c);
    console.log(`\nfalse merges (${fmt(falseMerges.length)} of ${fmt(score.falseMerges.length)}):`);
    for (const m of falseMerges) {
      const kin = relation(clean.get(childOf(m.survivor).person), clean.get(childOf(m.merged).person));
      console.log(`  p ${m.probability.toFixed(6)}, ${kin}`);
      console.log(`    ${line(m.survivor)}`);
      console.log(`    ${line(m.merged)}`);
    }
  }
  if (missed.length > 0) {
    console.log(`\nmissed planted pairs (${fmt(missed.length)} of ${fmt(score.missed.length)}):`);
    for (const p of missed) {
      console.log(`  ${p.defects.join(', ') || 'no defect'}`);
      console.log(`    ${line(p.original)}`);
      console.log(`    ${line(p.duplicate)}`);
    }
  }
  console.log('');
}

async function plantedMerged(db: Kysely<Database>, built: Built): Promise<number> {
  const childId = (cpid: string): string => built.children.get(cpid)?.childId ?? '';
  const ids = built.planted.map((p) => childId(p.duplicate));
  let merged = 0;
  for (let at = 0; at < ids.length; at += 1_000) {
    const rows = await db
      .selectFrom('child')
      .select(['id', 'merged_into'])
      .where('id', 'in', ids.slice(at, at + 1_000))
      .execute();
    const into = new Map(rows.map((r) => [r.id, r.merged_into]));
    for (const p of built.planted.slice(at, at + 1_000))
      if (into.get(childId(p.duplicate)) === childId(p.original)) merged += 1;
  }
  return merged;
}

// Last, so every constant above is initialised before either side runs.
if (values.run !== undefined) {
  if (values.run !== 'report' && values.run !== 'apply') throw new Error('--run takes report or apply');
  const apply = values.run === 'apply';
  const started = performance.now();
  let serviceSeconds = 0;
  const report = await withChildServices(async (services) => {
    const at = performance.now();
    const result = await services.dedupe({
      actor: { kind: 'operator', name: OPERATOR },
      reason: 'data-quality',
      reasonText: 'dedupe benchmark on synthetic children',
      apply,
    });
    serviceSeconds = seconds(at);
    return result;
  });
  const result: RunResult = {
    report,
    serviceSeconds,
    commandSeconds: seconds(started),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
