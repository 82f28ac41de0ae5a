import fs from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from './usage-error.ts';
import { explainCommand } from '../resolution/explain.command.ts';

function parseProbability(value: string): number {
  const p = Number(value);
  if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value.trim()) || !(p > 0 && p < 1)) {
    throw new InvalidArgumentError(`expected a probability between 0 and 1 (exclusive), got "${value}"`);
  }
  return p;
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read ${what} ${file} (${code})`);
  }
}

interface MatchOptions {
  sourceDef: string;
  out: string;
  threshold?: number;
}

async function runMatch(mode: 'dedupe' | 'link', files: string[], options: MatchOptions): Promise<void> {
  // Loaded on use, so --help and the other commands never pay for the matching engine.
  const { offlineLinkage, MatchInputError } = await import('../matching/offline.ts');
  const started = performance.now();
  const definitionText = readText(options.sourceDef, 'source definition');
  const inputs = files.map((file) => ({ label: file, text: readText(file, 'input file') }));
  let result;
  try {
    result = offlineLinkage({
      mode,
      definitionText,
      definitionLabel: options.sourceDef,
      inputs,
      ...(options.threshold === undefined ? {} : { linkProbability: options.threshold }),
      onStage: (stage) => {
        if (process.stderr.isTTY) process.stderr.write(`${stage} done\n`);
      },
    });
  } catch (error) {
    if (error instanceof MatchInputError) throw new UsageError(error.message);
    throw error;
  }
  try {
    fs.writeFileSync(options.out, result.csv);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot write ${options.out} (${code})`);
  }
  const s = result.stats;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const records = mode === 'link' ? `${s.records} + ${s.rightRecords}` : String(s.records);
  process.stderr.write(
    `${records} records, ${s.candidatePairs} candidate pairs, ${s.linkedPairs} links, ` +
      `${s.reviewPairs} for review, ${s.clusters} clusters, ${s.outputPairs} pairs written to ${options.out} ` +
      `(link probability ${result.linkProbability}, prior ${s.prior.toExponential(2)}) in ${seconds} s ` +
      `[${Object.entries(s.seconds)
        .map(([stage, t]) => `${stage} ${t.toFixed(1)}`)
        .join(', ')}]\n`,
  );
}

function withCommonOptions(command: Command): Command {
  return command
    .requiredOption('--source-def <file>', 'JSON source definition: id column and column-to-field mapping')
    .requiredOption('--out <file>', 'CSV to write: left_id,right_id,match_probability')
    .addOption(
      new Option(
        '--threshold <probability>',
        'auto-link at or above this match probability (default 0.99)',
      ).argParser(parseProbability),
    );
}

export function matchCommand(): Command {
  const match = new Command('match').description(
    'link records of the same child across or within CSV files, without touching the index; explain two children in it',
  );
  match.addCommand(
    withCommonOptions(
      new Command('dedupe')
        .description('find the records of one file that are the same child; writes every pair in a group')
        .argument('<file>', 'CSV file'),
    ).action(async (file: string, options: MatchOptions) => {
      await runMatch('dedupe', [file], options);
    }),
  );
  match.addCommand(
    withCommonOptions(
      new Command('link')
        .description('find the records of RIGHT that are the same child as records of LEFT')
        .argument('<left>', 'CSV file')
        .argument('<right>', 'CSV file with the same layout'),
    ).action(async (left: string, right: string, options: MatchOptions) => {
      await runMatch('link', [left, right], options);
    }),
  );
  match.addCommand(explainCommand());
  return match;
}
