/**
 * Accuracy of feed resolution against the ground truth of `contactpoint synth`, scored on the index
 * that bench/import.ts has just filled (run that; this file is its scorer, not a command):
 *
 *   rows     every row of the feeds: accepted or quarantined, and of the accepted, on a child or
 *            waiting for review.
 *   pairs    pairwise precision and recall over the accepted rows: a predicted pair is two rows on
 *            one index child (a row on no child pairs with nothing); a true pair is two rows whose
 *            truth.csv child_id is the same. Counted from the contingency of index child × truth
 *            child, so no pair is ever listed.
 *   merges   index children holding rows of two or more truth children, per 100,000 children.
 *   splits   truth children whose rows are on two or more index children or partly unresolved.
 *
 * On request, examples of each, with the rows' key fields from the source CSVs, the truth
 * children's clean values (children.csv) and the resolution recorded on each feed row.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/schema.ts';
import { loadSourceDeclaration } from '../src/ingest/source-declaration.ts';
import type { FieldName } from '../src/matching/source-definition.ts';
import { CHILDREN_FILE, TRUTH_FILE } from '../src/synth/truth.ts';

export interface AccuracyOptions {
  /** Children in the synthetic population: the denominator of the false-merge rate. */
  readonly population: number;
  readonly sources: readonly string[];
  readonly falseMergeExamples: number;
  readonly splitExamples: number;
}

/** One accepted feed row: where resolution put it and whose it really is. */
export interface PlacedRow {
  /** The live index child (survivor of any merge) the row is on; null while it waits for review. */
  readonly indexChild: string | null;
  readonly truthChild: string;
}

export interface PairScore {
  /** Pairs of rows on one index child. */
  readonly predicted: number;
  /** Pairs of rows of one truth child. */
  readonly true: number;
  /** Pairs that are both. */
  readonly both: number;
  /** True pairs missed because a row of the pair waits for review. */
  readonly missedWaiting: number;
  /** True pairs missed because their rows are on two index children. */
  readonly missedApart: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Index children holding rows of 2+ truth children, and the truth children beyond the first. */
  readonly mergedChildren: number;
  readonly mergedExtra: number;
  /** Truth children on 2+ index children; on one with rows waiting; with 2+ rows, all waiting. */
  readonly splitApart: number;
  readonly splitWaiting: number;
  readonly splitAllWaiting: number;
  /** Truth children (with an accepted row) not on any index child. */
  readonly truthNotIndexed: number;
  readonly indexChildren: number;
  readonly truthChildren: number;
}

const pairs = (n: number): number => (n * (n - 1)) / 2;

function tally<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Pairwise scores from counts alone: Σ C(n,2) over the cells, the index children and the truth children. */
export function scorePairs(rows: Iterable<PlacedRow>): PairScore {
  const byIndex = new Map<string, Map<string, number>>();
  const byTruth = new Map<string, { waiting: number; on: Map<string, number> }>();
  for (const row of rows) {
    let truth = byTruth.get(row.truthChild);
    if (truth === undefined) {
      truth = { waiting: 0, on: new Map() };
      byTruth.set(row.truthChild, truth);
    }
    if (row.indexChild === null) {
      truth.waiting += 1;
      continue;
    }
    tally(truth.on, row.indexChild);
    let cells = byIndex.get(row.indexChild);
    if (cells === undefined) {
      cells = new Map();
      byIndex.set(row.indexChild, cells);
    }
    tally(cells, row.truthChild);
  }

  let predicted = 0;
  let both = 0;
  let mergedChildren = 0;
  let mergedExtra = 0;
  for (const cells of byIndex.values()) {
    let size = 0;
    for (const n of cells.values()) {
      size += n;
      both += pairs(n);
    }
    predicted += pairs(size);
    if (cells.size > 1) {
      mergedChildren += 1;
      mergedExtra += cells.size - 1;
    }
  }

  let truePairs = 0;
  let missedWaiting = 0;
  let missedApart = 0;
  let splitApart = 0;
  let splitWaiting = 0;
  let splitAllWaiting = 0;
  let truthNotIndexed = 0;
  for (const { waiting, on } of byTruth.values()) {
    let placed = 0;
    let together = 0;
    for (const n of on.values()) {
      placed += n;
      together += pairs(n);
    }
    const all = pairs(placed + waiting);
    truePairs += all;
    missedWaiting += all - pairs(placed);
    missedApart += pairs(placed) - together;
    if (on.size > 1) splitApart += 1;
    else if (on.size === 1 && waiting > 0) splitWaiting += 1;
    else if (on.size === 0 && waiting > 1) splitAllWaiting += 1;
    if (on.size === 0) truthNotIndexed += 1;
  }

  const precision = predicted === 0 ? 1 : both / predicted;
  const recall = truePairs === 0 ? 1 : both / truePairs;
  return {
    predicted,
    true: truePairs,
    both,
    missedWaiting,
    missedApart,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    mergedChildren,
    mergedExtra,
    splitApart,
    splitWaiting,
    splitAllWaiting,
    truthNotIndexed,
    indexChildren: byIndex.size,
    truthChildren: byTruth.size,
  };
}

/** A CSV file of the synthetic feeds as one object per row, keyed by its header. */
export async function* readCsv(file: string): AsyncGenerator<Record<string, string>> {
  const parser = fs.createReadStream(file).pipe(parse({ bom: true, columns: true }));
  for await (const record of parser as AsyncIterable<Record<string, string>>) yield record;
}

interface TruthRow {
  readonly childId: string;
  readonly defects: string;
}

const rowKey = (source: string, recordId: string): string => `${source}\u0000${recordId}`;

async function readTruth(dir: string): Promise<Map<string, TruthRow>> {
  const truth = new Map<string, TruthRow>();
  for await (const r of readCsv(path.join(dir, TRUTH_FILE))) {
    const key = rowKey(r.source ?? '', r.record_id ?? '');
    if (truth.has(key)) throw new Error(`${TRUTH_FILE} names ${r.source ?? ''} ${r.record_id ?? ''} twice`);
    truth.set(key, { childId: r.child_id ?? '', defects: r.defects ?? '' });
  }
  return truth;
}

interface FeedRow extends PlacedRow {
  readonly id: number;
  readonly source: string;
  readonly recordId: string;
  readonly status: string;
}

const PAGE = 20_000;

/** Merged children point at their survivor, perhaps through a chain of merges. */
async function survivors(db: Kysely<Database>): Promise<(childId: string) => string> {
  const rows = await db
    .selectFrom('child')
    .select(['id', 'merged_into'])
    .where('merged_into', 'is not', null)
    .execute();
  const into = new Map(rows.map((r) => [r.id, r.merged_into ?? r.id]));
  return (childId) => {
    let at = childId;
    for (let hops = 0; hops <= into.size; hops += 1) {
      const next = into.get(at);
      if (next === undefined) return at;
      at = next;
    }
    throw new Error(`child ${childId} is merged in a cycle`);
  };
}

async function readFeedRows(db: Kysely<Database>, truth: ReadonlyMap<string, TruthRow>): Promise<FeedRow[]> {
  const survivor = await survivors(db);
  const rows: FeedRow[] = [];
  for (let after = 0; ;) {
    const page = await db
      .selectFrom('feed_row')
      .select(['id', 'source_name', 'source_record_id', 'status', 'child_id'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const r of page) {
      const t = truth.get(rowKey(r.source_name, r.source_record_id));
      if (t === undefined)
        throw new Error(`feed row ${r.id} (${r.source_name} ${r.source_record_id}) is not in ${TRUTH_FILE}`);
      rows.push({
        id: r.id,
        source: r.source_name,
        recordId: r.source_record_id,
        status: r.status,
        indexChild: r.child_id === null ? null : survivor(r.child_id),
        truthChild: t.childId,
      });
    }
    const last = page.at(-1);
    if (last === undefined) break;
    after = last.id;
  }
  return rows;
}

const fmt = (n: number): string => n.toLocaleString('en-GB');
const ratio = (n: number): string => n.toFixed(5);

export async function reportAccuracy(
  db: Kysely<Database>,
  feedsDir: string,
  options: AccuracyOptions,
): Promise<PairScore> {
  const truth = await readTruth(feedsDir);
  const rows = await readFeedRows(db, truth);
  const quarantined = await db
    .selectFrom('quarantine')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const onChild = rows.filter((r) => r.indexChild !== null).length;
  const byStatus = new Map<string, number>();
  for (const r of rows) tally(byStatus, r.status);
  const score = scorePairs(rows);
  const per100k = (n: number): string => ((n * 100_000) / options.population).toFixed(1);

  console.log(`\naccuracy against ${TRUTH_FILE} (${fmt(options.population)} children in the population)\n`);
  console.log('| rows | accepted | quarantined | on a child | waiting for review | unresolved |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `| ${fmt(truth.size)} | ${fmt(rows.length)} | ${fmt(quarantined.n)} | ${fmt(onChild)} | ${fmt(byStatus.get('review') ?? 0)} | ${fmt(byStatus.get('accepted') ?? 0)} |`,
  );
  const reasons = await db
    .selectFrom('feed_row')
    .select((eb) => [sql<string>`resolution->>'rule'`.as('rule'), eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'review')
    .groupBy(sql`resolution->>'rule'`)
    .orderBy('n', 'desc')
    .execute();
  if (reasons.length > 0) {
    console.log(`  waiting for review, by reason: ${reasons.map((r) => `${r.rule} ${fmt(r.n)}`).join(', ')}`);
  }
  if (rows.length + quarantined.n !== truth.size) {
    console.log(
      `  rows do not add up: ${fmt(truth.size - rows.length - quarantined.n)} of ${TRUTH_FILE} neither accepted nor quarantined`,
    );
  }
  console.log(
    `\nchildren: ${fmt(score.indexChildren)} index children hold the accepted rows of ${fmt(score.truthChildren)} truth children (${fmt(score.truthNotIndexed)} of them on no index child)\n`,
  );
  console.log('| true pairs | predicted pairs | both | precision | recall | F1 |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `| ${fmt(score.true)} | ${fmt(score.predicted)} | ${fmt(score.both)} | ${ratio(score.precision)} | ${ratio(score.recall)} | ${ratio(score.f1)} |`,
  );
  console.log(
    `\nfalse pairs: ${fmt(score.predicted - score.both)}; missed pairs: ${fmt(score.true - score.both)} (${fmt(score.missedWaiting)} with a row waiting for review, ${fmt(score.missedApart)} between two index children)`,
  );
  console.log(
    `false merges: ${fmt(score.mergedChildren)} index children hold rows of ${fmt(score.mergedChildren + score.mergedExtra)} truth children (${fmt(score.mergedExtra)} extra): ${per100k(score.mergedChildren)} merged children per 100,000 children`,
  );
  console.log(
    `split: ${fmt(score.splitApart + score.splitWaiting + score.splitAllWaiting)} truth children: ${fmt(score.splitApart)} on 2+ index children, ${fmt(score.splitWaiting)} on one with rows waiting for review, ${fmt(score.splitAllWaiting)} with 2+ rows all waiting`,
  );

  if (options.falseMergeExamples > 0 || options.splitExamples > 0) {
    await printExamples(db, feedsDir, rows, truth, options);
  }
  return score;
}

/** The fields worth seeing when judging a pair, in the order they are printed. */
const KEY_FIELDS: readonly FieldName[] = [
  'forename',
  'surname',
  'dateOfBirth',
  'postcode',
  'nhsNumber',
  'upn',
];

type Values = Readonly<Record<string, string>>;

async function sourceValues(
  feedsDir: string,
  sources: readonly string[],
  wanted: ReadonlySet<string>,
): Promise<Map<string, Values>> {
  const found = new Map<string, Values>();
  for (const name of sources) {
    const declaration = loadSourceDeclaration(name);
    for await (const record of readCsv(path.join(feedsDir, `${name}.csv`))) {
      const key = rowKey(name, record[declaration.idColumn] ?? '');
      if (!wanted.has(key)) continue;
      const values: Record<string, string> = {};
      for (const field of KEY_FIELDS) {
        const columns = declaration.fields[field];
        values[field] = columns === undefined ? '·' : columns.map((c) => record[c] ?? '').join(' ');
      }
      found.set(key, values);
    }
  }
  return found;
}

async function truthChildren(feedsDir: string, wanted: ReadonlySet<string>): Promise<Map<string, Values>> {
  const found = new Map<string, Values>();
  for await (const record of readCsv(path.join(feedsDir, CHILDREN_FILE))) {
    if (wanted.has(record.child_id ?? '')) found.set(record.child_id ?? '', record);
  }
  return found;
}

async function resolutions(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, Values>> {
  const found = new Map<number, Values>();
  for (let at = 0; at < ids.length; at += 500) {
    const rows = await db
      .selectFrom('feed_row')
      .select(['id', 'resolution'])
      .where('id', 'in', ids.slice(at, at + 500))
      .execute();
    for (const r of rows) {
      const resolution = r.resolution ?? {};
      const number = (value: unknown, digits: number): string =>
        typeof value === 'number' ? value.toFixed(digits) : '·';
      found.set(r.id, {
        rule: typeof resolution.rule === 'string' ? resolution.rule : '·',
        weight: number(resolution.weight, 2),
        probability: number(resolution.probability, 6),
      });
    }
  }
  return found;
}

/** How two truth children of one false merge are related, from children.csv. */
export function relation(a: Values | undefined, b: Values | undefined): string {
  if (a === undefined || b === undefined) return 'unknown';
  if (a.twin_of === b.child_id || b.twin_of === a.child_id) return 'twins';
  if (a.household_id === b.household_id) return 'same household';
  if (a.surname === b.surname && a.date_of_birth === b.date_of_birth) return 'same surname and date of birth';
  return 'unrelated';
}

/** Index children by the first 8 characters of their id; truth ids are short already. */
const short = (id: string | null): string => (id === null ? 'review' : id.slice(0, 8));

function groupBy(rows: readonly FeedRow[], key: (row: FeedRow) => string | null): Map<string, FeedRow[]> {
  const groups = new Map<string, FeedRow[]>();
  for (const row of rows) {
    const k = key(row);
    if (k === null) continue;
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [row]);
    else group.push(row);
  }
  return groups;
}

async function printExamples(
  db: Kysely<Database>,
  feedsDir: string,
  rows: readonly FeedRow[],
  truth: ReadonlyMap<string, TruthRow>,
  options: AccuracyOptions,
): Promise<void> {
  // Rows come in id order, so groups come in the order resolution first met them: the same every run.
  const merged = [...groupBy(rows, (r) => r.indexChild).values()]
    .filter((group) => new Set(group.map((r) => r.truthChild)).size > 1)
    .slice(0, options.falseMergeExamples);
  const indexChildren = (group: readonly FeedRow[]): number =>
    new Set(group.flatMap((r) => (r.indexChild === null ? [] : [r.indexChild]))).size;
  const waiting = (group: readonly FeedRow[]): number => group.filter((r) => r.indexChild === null).length;
  const splits = [...groupBy(rows, (r) => r.truthChild).values()]
    .filter((group) => indexChildren(group) + waiting(group) > 1)
    // A second record of one child first: rows waiting for review are a person's work, not a fault.
    .sort((a, b) => Number(indexChildren(b) > 1) - Number(indexChildren(a) > 1))
    .slice(0, options.splitExamples);

  const shown = [...merged.flat(), ...splits.flat()];
  const values = await sourceValues(
    feedsDir,
    options.sources,
    new Set(shown.map((r) => rowKey(r.source, r.recordId))),
  );
  const children = await truthChildren(feedsDir, new Set(shown.map((r) => r.truthChild)));
  const resolved = await resolutions(
    db,
    shown.map((r) => r.id),
  );

  const printRows = (group: readonly FeedRow[]): void => {
    for (const row of group) {
      const key = rowKey(row.source, row.recordId);
      const v = values.get(key) ?? {};
      const res = resolved.get(row.id) ?? {};
      const defects = truth.get(key)?.defects ?? '';
      console.log(
        [
          `    ${row.source} ${row.recordId}`,
          row.truthChild,
          short(row.indexChild),
          ...KEY_FIELDS.map((f) => v[f] ?? ''),
          `${res.rule ?? '·'} w=${res.weight ?? '·'} p=${res.probability ?? '·'}`,
          defects === '' ? '-' : defects,
        ].join(' | '),
      );
    }
  };
  const printTruth = (ids: readonly string[]): void => {
    for (const id of ids) {
      const c = children.get(id);
      if (c === undefined) continue;
      const twin = c.twin_of === undefined || c.twin_of === '' ? '' : `, twin of ${c.twin_of}`;
      const clean = [c.forename, c.middle_names, c.surname, c.date_of_birth, c.postcode, c.nhs_number, c.upn];
      console.log(`    truth ${id}: ${clean.join(' | ')} (household ${c.household_id ?? ''}${twin})`);
    }
  };
  const header = `source record | truth | on | ${KEY_FIELDS.join(' | ')} | resolution | defects`;

  if (merged.length > 0) {
    console.log(`\nfalse merges (${fmt(merged.length)} shown), rows as: ${header}`);
    for (const group of merged) {
      const ids = [...new Set(group.map((r) => r.truthChild))];
      const first = children.get(ids[0] ?? '');
      const related = ids.slice(1).map((id) => relation(first, children.get(id)));
      console.log(
        `  index child ${short(group[0]?.indexChild ?? null)}: ${ids.length} truth children, ${related.join(', ')}`,
      );
      printTruth(ids);
      printRows(group);
    }
  }
  if (splits.length > 0) {
    console.log(`\nsplit children (${fmt(splits.length)} shown), rows as: ${header}`);
    for (const group of splits) {
      const id = group[0]?.truthChild ?? '';
      const places = [...new Set(group.map((r) => short(r.indexChild)))];
      console.log(`  truth child ${id}: rows on ${places.join(', ')}`);
      printTruth([id]);
      printRows(group);
    }
  }
}
