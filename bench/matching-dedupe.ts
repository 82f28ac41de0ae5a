/**
 * Generates a FEBRL-layout dedupe file with duplicates and twins, then scores
 * `contactpoint match dedupe` on it through the linkage evaluator (LINKAGE_EVAL), with the
 * identifier column and without it. Twins (same surname, date of birth and home, another
 * forename) must never be merged.
 *
 *   npx tsx bench/matching-dedupe.ts [people] [seed] [--english]
 *
 * --english writes the English-looking variant: no space after commas, UK postcodes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { duplicate, generator, person, toCsv, twin, vocabulary } from './matching-data.ts';
import type { Row } from './matching-data.ts';
import { scoreDedupeWithTwins } from './score-with-twins.ts';
import { item } from '../src/matching/arrays.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const english = args.includes('--english');
const [peopleArg, seedArg] = args.filter((a) => !a.startsWith('--'));
const people = Number(peopleArg ?? 4_000);
const seed = Number(seedArg ?? 11);
const evaluator = process.env.LINKAGE_EVAL;
if (evaluator === undefined || evaluator === '') {
  console.error('set LINKAGE_EVAL to the path of linkage_eval.py');
  process.exit(2);
}
const outDir = path.join(root, 'bench', 'out');
fs.mkdirSync(outDir, { recursive: true });

const g = generator(seed);
const v = vocabulary(g, english);
const rows: Row[] = [];
const twins: string[] = [];
let ssn = 1_000_000;
for (let i = 0; i < people; i++) {
  const original = person(g, v, `rec-${i}-org`, ssn++);
  const group = [original];
  // One person in thirty has a twin, recorded and duplicated like anyone else.
  if (g.random() < 1 / 30) {
    const t = people + i;
    group.push(twin(g, v, original, `rec-${t}-org`, ssn++));
    twins.push(`${i} ${t}`);
  }
  for (const record of group) {
    rows.push(record);
    const n = /^rec-(\d+)-/.exec(record.rec_id)?.[1] ?? '';
    const copies = g.random() < 0.5 ? 0 : 1 + g.int(3);
    for (let k = 0; k < copies; k++) rows.push(duplicate(g, v, record, `rec-${n}-dup-${k}`));
  }
}
for (let i = rows.length - 1; i > 0; i--) {
  const j = g.int(i + 1);
  [rows[i], rows[j]] = [item(rows, j), item(rows, i)];
}
const name = english ? 'english' : 'febrl-like';
const file = path.join(outDir, `dedupe-${name}-${people}.csv`);
const twinsFile = path.join(outDir, `dedupe-${name}-${people}.twins`);
fs.writeFileSync(file, toCsv(rows, !english));
fs.writeFileSync(twinsFile, `${twins.join('\n')}\n`);
console.log(`${rows.length} records, ${twins.length} twin pairs: ${file}`);

scoreDedupeWithTwins(evaluator, root, file, twinsFile);
