import { Command, Option } from 'commander';
import { ACCESS_REASONS, type AccessReason } from '../audit/audit.vocabulary.ts';
import { parseOperator, withChildServices } from '../children/shield.command.ts';
import type { DedupeReport } from './dedupe.ts';

interface DedupeOptions {
  operator: string;
  reason: AccessReason;
  reasonText?: string;
  apply?: boolean;
  list?: boolean;
  json?: boolean;
}

function describe(report: DedupeReport, totalSeconds: number): string[] {
  const vetoed = Object.entries(report.vetoed);
  const vetoedTotal = vetoed.reduce((sum, [, n]) => sum + n, 0);
  const merges = report.applied
    ? `${report.merges.done} merges done${report.merges.failed > 0 ? `, ${report.merges.failed} refused by the merge rules (each refusal is in the audit trail)` : ''}`
    : `${report.merges.planned} merges to do`;
  const reviews = report.applied
    ? `${report.reviews.queued} reviews queued`
    : `${report.reviews.planned} reviews to queue`;
  return [
    `${report.children} children read, ${report.candidatePairs} candidate pairs, ${report.linkedPairs} pairs judged one child in ${report.groups} groups`,
    `${merges}, ${reviews}, ${report.reviews.alreadyOpen} already waiting for review, ${report.remembered} decided before, ${report.deferred} left for the next run`,
    `${vetoedTotal} pairs kept apart by a safety rule${vetoedTotal > 0 ? ` (${vetoed.map(([rule, n]) => `${rule} ${n}`).join(', ')})` : ''}`,
    `${totalSeconds.toFixed(1)} s [${Object.entries(report.seconds)
      .map(([stage, t]) => `${stage} ${t.toFixed(1)}`)
      .join(', ')}]`,
    ...(report.applied ? [] : ['nothing was changed: run again with --apply to merge and queue the reviews']),
  ];
}

/**
 * `contactpoint dedupe`: finds children already in the index that are one child. It reports by
 * default; --apply merges and queues reviews. Either way the run is an audited read of every child.
 */
export function dedupeCommand(): Command {
  return new Command('dedupe')
    .description(
      'find duplicate children already in the index, with the same thresholds as feeds (audited; report only unless --apply)',
    )
    .addOption(
      new Option('--operator <name>', 'who is acting (recorded in the audit trail)')
        .argParser(parseOperator)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--reason <reason>', 'why (recorded)').choices(ACCESS_REASONS).makeOptionMandatory(),
    )
    .option('--reason-text <text>', 'a note on the reason (recorded)')
    .option('--apply', 'merge the duplicates found and queue the uncertain and shielded pairs for review')
    .option('--list', 'list each merge and review by ContactPoint ID')
    .option('--json', 'the report as JSON')
    .action(async (options: DedupeOptions) => {
      const started = performance.now();
      const report = await withChildServices((services) =>
        services.dedupe({
          actor: { kind: 'operator', name: options.operator },
          reason: options.reason,
          ...(options.reasonText === undefined ? {} : { reasonText: options.reasonText }),
          apply: options.apply === true,
          onStage: (stage) => {
            if (process.stderr.isTTY) process.stderr.write(`${stage} done\n`);
          },
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      if (options.json === true) {
        const { actions, ...counts } = report;
        process.stdout.write(
          `${JSON.stringify({ ...counts, ...(options.list === true ? { actions } : {}) }, null, 2)}\n`,
        );
        return;
      }
      const lines = describe(report, seconds);
      if (options.list === true) {
        for (const action of report.actions) {
          lines.push(
            action.kind === 'merge'
              ? `merge ${action.merged} into ${action.survivor} (p ${action.probability.toFixed(6)})`
              : `review ${action.child} ${action.other} ${action.reason} (p ${action.probability.toFixed(6)})`,
          );
        }
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
