import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShuffledCsvFile } from './csv.ts';
import type { CsvFile } from './csv.ts';
import { REFERENCE_DATE, ageOn, isoDate } from './dates.ts';
import { defectKinds } from './defects.ts';
import { generatePopulation } from './population.ts';
import { populationRates } from './population-rates.ts';
import { Rng } from './random.ts';
import { createDwpSource } from './sources/dwp.ts';
import { createLocalSource } from './sources/local.ts';
import { createNhsSource } from './sources/nhs.ts';
import { createSchoolSource } from './sources/school.ts';
import type { Source } from './sources/source.ts';
import { CHILDREN_FILE, TRUTH_FILE, TruthWriter, childColumns, truthColumns } from './truth.ts';

export interface SynthOptions {
  readonly children: number;
  readonly seed: string;
  readonly outDir: string;
  /** Called every PROGRESS_EVERY children and once at the end with the number written so far. */
  readonly onProgress?: (done: number) => void;
}

export interface SynthSummary {
  readonly seed: string;
  readonly children: number;
  readonly households: number;
  readonly referenceDate: string;
  /** Data rows (excluding the header) per file written. */
  readonly files: Readonly<Record<string, number>>;
  readonly twins: number;
  readonly deceased: number;
  readonly aged18: number;
  /**
   * Children given no NHS number because the 999 test range (about 909,000 valid numbers) was
   * used up; they are absent from the NHS feed. Zero for populations under that size.
   */
  readonly childrenWithoutNhsNumber: number;
}

export const MANIFEST_FILE = 'manifest.json';
const PROGRESS_EVERY = 10_000;
/** Children generated between waits for the disk: bounds buffered output to a few MB. */
const DRAIN_EVERY = 2_000;
// contactPointIdFromSerial's serial space; far beyond England's 12 million children.
const MAX_CHILDREN = 999_999_999;

export function createSources(seed: string): Source[] {
  return [createDwpSource(seed), createNhsSource(seed), createSchoolSource(seed), createLocalSource(seed)];
}

/**
 * Writes the synthetic population, the four source feeds about it and the ground truth into
 * outDir, streaming: memory stays flat from a thousand children to twelve million.
 */
export async function runSynth(options: SynthOptions): Promise<SynthSummary> {
  const { children, seed, outDir, onProgress } = options;
  if (!Number.isInteger(children) || children < 1 || children > MAX_CHILDREN) {
    throw new RangeError(`children must be a whole number from 1 to ${MAX_CHILDREN}, got ${children}`);
  }
  await mkdir(outDir, { recursive: true });

  const sources = createSources(seed);
  const feeds = sources.map(
    (source) =>
      new ShuffledCsvFile(
        join(outDir, source.fileName),
        source.columns,
        new Rng(seed, `order:${source.name}`),
      ),
  );
  const truth = new TruthWriter(outDir);
  const files: CsvFile[] = [...feeds, ...truth.files()];

  let done = 0;
  let households = 0;
  let twins = 0;
  let deceased = 0;
  let aged18 = 0;
  let withoutNhs = 0;
  let nextDrain = DRAIN_EVERY;
  let nextProgress = PROGRESS_EVERY;

  try {
    for (const household of generatePopulation({ children, seed })) {
      households++;
      for (const child of household.children) {
        truth.child(child);
        if (child.twinOf !== '') twins++;
        if (child.death !== null) deceased++;
        if (child.nhsNumber === null) withoutNhs++;
        if (ageOn(child.birth, REFERENCE_DATE) >= 18) aged18++;
        sources.forEach((source, i) => {
          const feed = feeds[i];
          for (const row of source.rowsFor(child)) {
            feed?.writeRow(row.fields);
            truth.row(source.name, row.recordId, child, row.defects);
          }
        });
      }
      done += household.children.length;
      if (done >= nextDrain) {
        await Promise.all(files.map((file) => file.drained()));
        nextDrain = done + DRAIN_EVERY;
      }
      if (done >= nextProgress) {
        onProgress?.(done);
        nextProgress = done + PROGRESS_EVERY;
      }
    }
    await Promise.all(files.map((file) => file.close()));
  } catch (error) {
    for (const file of files) file.abort();
    throw error;
  }

  const counts: Record<string, number> = {};
  sources.forEach((source, i) => (counts[source.fileName] = feeds[i]?.rows ?? 0));
  counts[CHILDREN_FILE] = truth.children.rows;
  counts[TRUTH_FILE] = truth.truth.rows;

  const summary: SynthSummary = {
    seed,
    children: done,
    households,
    referenceDate: isoDate(REFERENCE_DATE),
    files: counts,
    twins,
    deceased,
    aged18,
    childrenWithoutNhsNumber: withoutNhs,
  };
  await writeFile(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest(summary, sources), null, 2)}\n`);
  onProgress?.(done);
  return summary;
}

/** Describes the files for whoever loads them: layouts, declared error profiles, the world's rates. */
function manifest(summary: SynthSummary, sources: readonly Source[]): unknown {
  return {
    generator: 'contactpoint synth',
    summary,
    sources: Object.fromEntries(
      sources.map((source) => [
        source.name,
        {
          file: source.fileName,
          recordIdColumn: source.columns[0],
          columns: source.columns,
          ...source.profile,
        },
      ]),
    ),
    truth: {
      file: TRUTH_FILE,
      columns: truthColumns,
      note: 'one row per source row; record_id is the value of that source\'s first column; defects are ";"-separated',
      defectKinds,
    },
    population: { file: CHILDREN_FILE, columns: childColumns, rates: populationRates },
  };
}
