import { Command, Option } from 'commander';
import { parsePositiveInteger } from './parse.ts';

export function synthCommand(): Command {
  return new Command('synth')
    .description('write a synthetic population of children and the source feeds about it, with ground truth')
    .addOption(
      new Option('--children <n>', 'how many children').argParser(parsePositiveInteger).makeOptionMandatory(),
    )
    .option('--seed <seed>', 'the same seed always writes the same files', '1')
    .requiredOption('--out <dir>', 'folder to write the CSV files into')
    .action(async (options: { children: number; seed: string; out: string }) => {
      // Loaded on use, so --help and the other commands never pay for the generator's tables.
      const { runSynth } = await import('../synth/run.ts');
      const started = performance.now();
      const interactive = process.stderr.isTTY;
      const summary = await runSynth({
        children: options.children,
        seed: options.seed,
        outDir: options.out,
        onProgress: (done) => {
          const rate = Math.round(done / ((performance.now() - started) / 1000));
          if (interactive) process.stderr.write(`\r${done.toLocaleString('en-GB')} children (${rate}/s)`);
        },
      });
      if (interactive) process.stderr.write('\n');
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      process.stderr.write(
        `wrote ${options.children} children to ${options.out} in ${seconds.toFixed(1)} s\n`,
      );
    });
}
