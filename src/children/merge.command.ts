import { Command, InvalidArgumentError, Option } from 'commander';
import type { Actor } from '../access/access.model.ts';
import type { Services } from '../services.ts';
import { ChildRecordError } from './child.errors.ts';
import type { MergeResult, UnmergeResult } from './merge.service.ts';
import { parseOperator, withChildServices } from './shield.command.ts';

/**
 * `contactpoint merge` and `contactpoint unmerge`: what a data manager does with two records of one
 * child, for an operator at the command line. A shielded record is merged or unmerged only with
 * `--shielded`, which says the operator acts for the shielders or management team of its LA; the
 * audit trail records every attempt under the operator's name.
 */

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function parseMergeId(value: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a merge id (a positive whole number)');
  }
  return Number(value);
}

function parseReason(value: string): string {
  if (value.trim() === '' || value.length > 500) {
    throw new InvalidArgumentError('expected a reason of 1 to 500 characters');
  }
  return value.trim();
}

async function childIdOf(services: Services, contactPointId: string): Promise<string> {
  const child = await services.children.findByContactPointId(contactPointId);
  if (child === undefined) {
    throw new ChildRecordError('NOT_FOUND', `No child record has ContactPoint ID ${contactPointId.trim()}`);
  }
  return child.id;
}

function describeMerge(result: MergeResult): string {
  return (
    `merge ${result.mergeId}: ${result.mergedContactPointId} merged into ${result.survivorContactPointId}` +
    ` (${result.moved} rows moved, ${result.closed} closed by survivorship, ${result.inserted} kept as aliases or involvements` +
    `${result.shieldApplied ? '; the survivor took the merged record’s shield' : ''})`
  );
}

function describeUnmerge(result: UnmergeResult): string {
  const shield = result.shieldLifted
    ? '; the shield the merge applied was lifted'
    : result.shieldKept
      ? `; ${result.survivorContactPointId} stays shielded for a shielder to review`
      : '';
  return (
    `merge ${result.mergeId} undone: ${result.mergedContactPointId} and ${result.survivorContactPointId} are separate again` +
    ` (${result.returned} rows returned, ${result.leftClosed} left closed${shield})`
  );
}

const operatorOption = () =>
  new Option('--operator <name>', 'who is acting (recorded in the audit trail)')
    .argParser(parseOperator)
    .makeOptionMandatory();
const reasonOption = () =>
  new Option('--reason <text>', 'why (recorded with the merge and in the audit trail)')
    .argParser(parseReason)
    .makeOptionMandatory();
const shieldedOption = () =>
  new Option('--shielded', 'acting for the shielders or management team of a shielded record’s LA');

export function mergeCommand(): Command {
  return new Command('merge')
    .description('merge the second record into the first (the survivor), keeping lineage for an unmerge')
    .argument('<survivor>', 'ContactPoint ID of the record that stays')
    .argument('<merged>', 'ContactPoint ID of the record merged into it')
    .addOption(operatorOption())
    .addOption(reasonOption())
    .addOption(shieldedOption())
    .action(
      async (
        survivor: string,
        merged: string,
        options: { operator: string; reason: string; shielded?: boolean },
      ) => {
        const actor: Actor = { kind: 'operator', name: options.operator };
        const result = await withChildServices(async (services) =>
          services.merges.mergeChildren({
            survivorId: await childIdOf(services, survivor),
            mergedId: await childIdOf(services, merged),
            actor,
            reason: options.reason,
            allowShielded: options.shielded === true,
          }),
        );
        print(describeMerge(result));
      },
    );
}

export function unmergeCommand(): Command {
  return new Command('unmerge')
    .description('undo a merge: both records as they were, with what the survivor received since')
    .argument('<merge-id>', 'the merge to undo (as `merge` printed it)', parseMergeId)
    .addOption(operatorOption())
    .addOption(reasonOption())
    .addOption(shieldedOption())
    .action(async (mergeId: number, options: { operator: string; reason: string; shielded?: boolean }) => {
      const actor: Actor = { kind: 'operator', name: options.operator };
      const result = await withChildServices((services) =>
        services.merges.unmergeChildren({
          mergeId,
          actor,
          reason: options.reason,
          allowShielded: options.shielded === true,
        }),
      );
      print(describeUnmerge(result));
    });
}
