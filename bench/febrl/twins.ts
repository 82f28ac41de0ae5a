/**
 * Adds twins to one of FEBRL's own files and scores `contactpoint match dedupe` on it through the
 * linkage evaluator (LINKAGE_EVAL) with its list of twins, with the identifier and without it.
 * FEBRL's originals keep their own gaps (some have no forename, surname or date of birth), which
 * our generated files never have: a twin made from such an original shows whether a missing value
 * lets a pair of twins escape the rules.
 *
 *   npx tsx bench/febrl/twins.ts FEBRL_CSV SEED [next|random]
 *
 * One original in fifteen gets a twin: a copy with another forename drawn from the file's own
 * forenames and another identifier (the next number, or a random one), and 0-3 duplicates of its
 * own with one to three FEBRL-style modifications.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { FEBRL_HEADER, duplicate, generator, vocabulary } from '../matching-data.ts';
import type { Row } from '../matching-data.ts';
import { scoreDedupeWithTwins } from '../score-with-twins.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [source, seedArg, numbering = 'next'] = process.argv.slice(2);
const evaluator = process.env.LINKAGE_EVAL;
if (source === undefined || seedArg === undefined || evaluator === undefined || evaluator === '') {
  console.error(
    'usage: LINKAGE_EVAL=path/to/linkage_eval.py npx tsx bench/febrl/twins.ts FEBRL_CSV SEED [next|random]',
  );
  process.exit(2);
}
const g = generator(Number(seedArg));
const v = vocabulary(g, false);
const rows = parse<Row>(fs.readFileSync(source, 'utf8'), {
  columns: true,
  trim: true,
  skip_empty_lines: true,
});
const originals = rows.filter((r) => r.rec_id.endsWith('-org'));
const forenames = originals.map((r) => r.given_name).filter((name) => name !== '');

const twins: string[] = [];
const added: Row[] = [];
for (const original of originals) {
  if (g.random() >= 1 / 15) continue;
  const n = /^rec-(\d+)-/.exec(original.rec_id)?.[1] ?? '';
  const t = String(Number(n) + 100_000);
  let forename = g.pick(forenames);
  while (forename === original.given_name) forename = g.pick(forenames);
  const number =
    numbering === 'random'
      ? String(1_000_000 + g.int(8_999_999))
      : String(Number(original.soc_sec_id) + 1).padStart(original.soc_sec_id.length, '0');
  const twin: Row = { ...original, rec_id: `rec-${t}-org`, given_name: forename, soc_sec_id: number };
  added.push(twin);
  twins.push(`${n} ${t}`);
  const copies = g.random() < 0.5 ? 0 : 1 + g.int(3);
  for (let k = 0; k < copies; k++) added.push(duplicate(g, v, twin, `rec-${t}-dup-${k}`));
}

const outDir = path.join(root, 'bench', 'out');
fs.mkdirSync(outDir, { recursive: true });
const name = `${path.basename(source, '.csv')}-twins-${seedArg}-${numbering}`;
const file = path.join(outDir, `${name}.csv`);
const twinsFile = path.join(outDir, `${name}.twins`);
const lines = [...rows, ...added].map((row) => FEBRL_HEADER.map((h) => row[h]).join(', '));
fs.writeFileSync(file, `${[FEBRL_HEADER.join(', '), ...lines].join('\n')}\n`);
fs.writeFileSync(twinsFile, `${twins.join('\n')}\n`);
console.log(`${rows.length + added.length} records, ${twins.length} twin pairs: ${file}`);

scoreDedupeWithTwins(evaluator, root, file, twinsFile);
