/**
 * Times `contactpoint match link` on two generated FEBRL-layout files (default 100,000 records
 * each) and scores the result against the generated truth.
 *
 *   npx tsx bench/matching-link.ts [records-per-file] [seed] [--english]
 *
 * LEFT holds one record per person; RIGHT holds a duplicate (one to three modifications) of
 * half of them plus as many people LEFT does not have. Files go to bench/out/ (not committed).
 * --english gives UK postcodes and children's dates of birth (19 years rather than 100), which
 * makes date-of-birth blocks five times larger.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { duplicate, generator, person, toCsv, vocabulary } from './matching-data.ts';
import type { Row } from './matching-data.ts';
import { item } from '../src/matching/arrays.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const english = args.includes('--english');
const [sizeArg, seedArg] = args.filter((a) => !a.startsWith('--'));
const size = Number(sizeArg ?? 100_000);
const seed = Number(seedArg ?? 7);
const outDir = path.join(root, 'bench', 'out');
fs.mkdirSync(outDir, { recursive: true });

const g = generator(seed);
const v = vocabulary(g, english);
const left: Row[] = [];
const right: Row[] = [];
const ssns = new Set<number>();
const freshSsn = (): number => {
  for (;;) {
    const n = 1_000_000 + g.int(8_999_999);
    if (!ssns.has(n)) {
      ssns.add(n);
      return n;
    }
  }
};
for (let i = 0; i < size; i++) left.push(person(g, v, `rec-${i}-org`, freshSsn()));
for (let i = 0; i < size; i++) {
  if (i % 2 === 0) right.push(duplicate(g, v, item(left, i), `rec-${i}-dup-0`));
  else right.push(person(g, v, `rec-${size + i}-org`, freshSsn()));
}
// Shuffle RIGHT so file order says nothing about which record matches which.
for (let i = right.length - 1; i > 0; i--) {
  const j = g.int(i + 1);
  [right[i], right[j]] = [item(right, j), item(right, i)];
}
const tag = `${english ? 'english-' : ''}${size}`;
const leftFile = path.join(outDir, `link-left-${tag}.csv`);
const rightFile = path.join(outDir, `link-right-${tag}.csv`);
const pairsFile = path.join(outDir, `link-pairs-${tag}.csv`);
fs.writeFileSync(leftFile, toCsv(left, true));
fs.writeFileSync(rightFile, toCsv(right, false));

const started = performance.now();
const run = spawnSync(
  process.execPath,
  [
    path.join(root, 'bin', 'contactpoint.js'),
    'match',
    'link',
    leftFile,
    rightFile,
    '--source-def',
    path.join(root, 'bench', 'febrl', 'source.json'),
    '--out',
    pairsFile,
  ],
  { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] },
);
const seconds = (performance.now() - started) / 1000;
process.stderr.write(run.stderr);
if (run.status !== 0) {
  console.error(`match link failed with exit code ${run.status}`);
  process.exit(1);
}

const personOf = (id: string): string => /^rec-(\d+)-/.exec(id)?.[1] ?? id;
const truth = size / 2;
let predicted = 0;
let correct = 0;
for (const line of fs.readFileSync(pairsFile, 'utf8').trim().split('\n').slice(1)) {
  const [a = '', b = ''] = line.split(',');
  predicted++;
  if (personOf(a) === personOf(b)) correct++;
}
const precision = predicted ? correct / predicted : 0;
const recall = correct / truth;
console.log(
  JSON.stringify({
    records: `${size} x ${size}`,
    seconds: Number(seconds.toFixed(1)),
    truePairs: truth,
    predicted,
    precision: Number(precision.toFixed(4)),
    recall: Number(recall.toFixed(4)),
  }),
);
