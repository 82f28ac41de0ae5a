import { Command, InvalidArgumentError, Option } from 'commander';
import { ACCESS_REASONS, type AccessReason } from '../audit/audit.vocabulary.ts';
import { validateContactPointId } from '../children/identifiers/contactpoint-id.ts';
import { parseOperator, withChildServices } from '../children/shield.command.ts';
import { renderWaterfall } from '../matching/explain.ts';

function parseContactPointId(value: string): string {
  const result = validateContactPointId(value);
  if (!result.ok) throw new InvalidArgumentError(result.message);
  return result.value;
}

function parseLaCode(value: string): string {
  if (!/^\d{3}$/.test(value)) throw new InvalidArgumentError('expected a three-digit LA code');
  return value;
}

interface ExplainOptions {
  operator: string;
  reason: AccessReason;
  reasonText?: string;
  shielderOf?: string;
}

/** `contactpoint match explain A B`: the waterfall of two children in the index, audited. */
export function explainCommand(): Command {
  return new Command('explain')
    .description(
      'show how two children in the index compare, field by field (levels and weights), audited as a view of each',
    )
    .argument('<a>', 'ContactPoint ID', parseContactPointId)
    .argument('<b>', 'ContactPoint ID', parseContactPointId)
    .addOption(
      new Option('--operator <name>', 'who is acting (recorded in the audit trail)')
        .argParser(parseOperator)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--reason <reason>', 'why (recorded)').choices(ACCESS_REASONS).makeOptionMandatory(),
    )
    .option('--reason-text <text>', 'a note on the reason (recorded)')
    .addOption(
      new Option(
        '--shielder-of <la>',
        'you are a shielder or the management team of this LA: its shielded children are shown whole (recorded)',
      ).argParser(parseLaCode),
    )
    .action(async (a: string, b: string, options: ExplainOptions) => {
      const explanation = await withChildServices((services) =>
        services.matchExplain({
          actor: { kind: 'operator', name: options.operator },
          reason: options.reason,
          ...(options.reasonText === undefined ? {} : { reasonText: options.reasonText }),
          contactPointIds: [a, b],
          ...(options.shielderOf === undefined ? {} : { shielderOf: options.shielderOf }),
        }),
      );
      const lines = [
        `${a} and ${b} (${explanation.model})`,
        renderWaterfall(explanation.waterfall),
        ...explanation.masked.map(
          (id) =>
            `${id} is shielded: its address, postcode and town are hidden (--shielder-of its LA shows them)`,
        ),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
