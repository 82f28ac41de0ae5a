import { Command, InvalidArgumentError, Option } from 'commander';
import { parseOperator, withChildServices } from '../children/shield.command.ts';
import { parsePositiveInteger } from '../cli/parse.ts';
import { UsageError } from '../cli/usage-error.ts';
import type { ReviewActor, ReviewView } from './review.service.ts';
import type { ScoredUnder } from './outcome.ts';

interface ActorOptions {
  readonly operator: string;
  readonly asShielderOf?: string;
}

function parseLa(value: string): string {
  if (!/^\d{3}$/.test(value)) throw new InvalidArgumentError('expected a three-digit LA code');
  return value;
}

function actorOf(options: ActorOptions): ReviewActor {
  return {
    kind: 'operator',
    name: options.operator,
    ...(options.asShielderOf === undefined ? {} : { asShielderOf: options.asShielderOf }),
  };
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function describeValues(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([field, value]) => `${field}=${value}`)
    .join('  ');
}

const SCORED_UNDER: Record<ScoredUnder, string> = {
  'another-name': 'other name (see its former names and aliases)',
  'another-postcode': 'other postcode (one its rows give besides its address)',
};

function describeView(view: ReviewView): string[] {
  const lines = [
    `review ${view.id}  ${view.kind}  ${view.status}  weight ${view.weight.toFixed(2)}  p=${view.probability.toFixed(3)}  ${view.reason}${view.shielded ? '  SHIELDED' : ''}`,
  ];
  for (const step of view.explanation.steps) {
    lines.push(`  ${step.comparison.padEnd(16)} ${step.label.padEnd(28)} ${step.weight.toFixed(2)}`);
  }
  if (view.explanation.scoredUnder !== undefined) {
    lines.push(`  scored against the child's ${SCORED_UNDER[view.explanation.scoredUnder]}`);
  }
  if (view.row !== null)
    lines.push(`  row ${view.row.id} (${view.row.sourceName}): ${describeValues(view.row.values)}`);
  for (const child of view.children) {
    lines.push(
      `  child ${child.contactPointId ?? '(no longer in the index)'}${child.restricted ? ' (restricted)' : ''}: ${describeValues(child.values)}`,
    );
  }
  return lines;
}

/**
 * `contactpoint review`: the clerical review queue for an operator at the command line, who acts as a
 * data manager. A pair involving a shielded child is theirs only with `--as-shielder-of LA`: they
 * declare that they act as that LA's shielder, and the audit trail records it beside their name.
 */
export function reviewCommand(): Command {
  const review = new Command('review').description(
    'list, read and decide uncertain matches (audited under --operator)',
  );
  const common = (command: Command) =>
    command
      .addOption(
        new Option('--operator <name>', 'who is acting (recorded in the audit trail)')
          .argParser(parseOperator)
          .makeOptionMandatory(),
      )
      .addOption(
        new Option(
          '--as-shielder-of <la>',
          'act as a shielder of this LA, for pairs involving its shielded children (recorded)',
        ).argParser(parseLa),
      );

  common(
    review
      .command('list')
      .description('open reviews, oldest first')
      .option('--after <id>', 'start after this review', parsePositiveInteger)
      .option('--limit <n>', 'at most this many (default 50, at most 200)', parsePositiveInteger)
      .option('--json', 'as JSON'),
  ).action(async (options: ActorOptions & { after?: number; limit?: number; json?: boolean }) => {
    const page = await withChildServices((services) =>
      services.reviews.list(actorOf(options), {
        ...(options.after === undefined ? {} : { after: options.after }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
      }),
    );
    if (options.json === true) {
      print(JSON.stringify(page, null, 2));
      return;
    }
    for (const item of page.reviews) {
      print(
        `${String(item.id).padStart(8)}  ${item.createdAt}  ${item.kind.padEnd(8)} ${item.weight.toFixed(2).padStart(7)}  ${item.reason}${item.shielded ? `  SHIELDED (LA ${item.responsibleLa ?? 'none'})` : ''}`,
      );
    }
    if (page.reviews.length === 0) print('no open reviews');
    if (page.next !== undefined) print(`more: --after ${page.next}`);
  });

  common(
    review
      .command('show')
      .argument('<id>', 'the review', parsePositiveInteger)
      .description('one review: its explanation and the compared values (a read of child data)')
      .option('--json', 'as JSON'),
  ).action(async (id: number, options: ActorOptions & { json?: boolean }) => {
    const view = await withChildServices((services) => services.reviews.show(actorOf(options), id));
    if (options.json === true) print(JSON.stringify(view, null, 2));
    else for (const line of describeView(view)) print(line);
  });

  common(
    review
      .command('decide')
      .argument('<id>', 'the review', parsePositiveInteger)
      .description('link the pair, or record that it is not a match; remembered so it is not asked again')
      .option('--link', 'the two are one child')
      .option('--not-a-match', 'the two are different children')
      .requiredOption('--reason <text>', 'why (recorded in the audit trail)'),
  ).action(
    async (id: number, options: ActorOptions & { link?: boolean; notAMatch?: boolean; reason: string }) => {
      if ((options.link === true) === (options.notAMatch === true)) {
        throw new UsageError('say either --link or --not-a-match');
      }
      const result = await withChildServices((services) =>
        services.reviews.decide(actorOf(options), id, {
          decision: options.link === true ? 'link' : 'not_a_match',
          reason: options.reason,
        }),
      );
      print(
        `review ${result.id}: ${result.outcome}${result.createdContactPointId === null ? '' : ` (new record ${result.createdContactPointId})`}`,
      );
    },
  );
  return review;
}
