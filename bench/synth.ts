/**
 * Synthetic England throughput: `npx tsx bench/synth.ts [children] [seed]`.
 * Writes to a temporary folder (removed afterwards) and reports children/s and peak RSS, the two
 * numbers that decide whether a 12-million-child population is practical on one machine.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSynth } from '../src/synth/run.ts';

const children = Number((process.argv[2] ?? '1000000').replace(/_/g, ''));
const seed = process.argv[3] ?? 'bench';
if (!Number.isInteger(children) || children < 1) {
  console.error('usage: npx tsx bench/synth.ts [children] [seed]');
  process.exit(2);
}

const outDir = await mkdtemp(join(tmpdir(), 'synth-bench-'));
try {
  let nextReport = 1_000_000;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const summary = await runSynth({
    children,
    seed,
    outDir,
    onProgress: (done) => {
      if (done < nextReport) return;
      process.stderr.write(`${done.toLocaleString('en-GB')} children\n`);
      nextReport = done + 1_000_000;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  let bytes = 0;
  for (const name of await readdir(outDir)) bytes += (await stat(join(outDir, name))).size;
  const rows = Object.values(summary.files).reduce((sum, n) => sum + n, 0);
  // maxRSS is reported in kilobytes.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const result = {
    children,
    seconds: Number(seconds.toFixed(2)),
    childrenPerSecond: Math.round(children / seconds),
    // CPU time is steadier than wall time on a shared machine: it is what the run itself used.
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    childrenPerCpuSecond: Math.round(children / cpuSeconds),
    rowsPerSecond: Math.round(rows / seconds),
    outputMb: Number((bytes / 1024 / 1024).toFixed(1)),
    peakRssMb: Number(peakRssMb.toFixed(1)),
    node: process.version,
    files: summary.files,
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await rm(outDir, { recursive: true, force: true });
}
