import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Writes Synthetic England (population, four feeds, truth) into a new temporary folder with the
 * real `contactpoint synth`, as a user would, and says how long it took. The caller removes it.
 */
export function synthesiseFeeds(children: number, seed: string): { folder: string; seconds: number } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpoint-bench-feeds-'));
  const started = performance.now();
  execFileSync(
    process.execPath,
    ['bin/contactpoint.js', 'synth', '--children', String(children), '--seed', seed, '--out', folder],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return { folder, seconds: (performance.now() - started) / 1000 };
}
