import { spawnSync } from 'node:child_process';

/**
 * Scores `contactpoint match dedupe` on FILE through the linkage evaluator with its list of twins,
 * with the identifier and then with it emptied (where the targets are lower), printing its lines.
 */
export function scoreDedupeWithTwins(evaluator: string, root: string, file: string, twinsFile: string): void {
  for (const blank of [false, true]) {
    const env = {
      ...process.env,
      TWINS: twinsFile,
      ...(blank ? { BLANK: 'soc_sec_id', MIN_P: '0.99', MIN_R: '0.95' } : {}),
    };
    const run = spawnSync('python3', [evaluator, 'dedupe', file], { cwd: root, env, encoding: 'utf8' });
    process.stdout.write(run.stdout + run.stderr);
  }
}
