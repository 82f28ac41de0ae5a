import { stringify } from 'csv-stringify/sync';
import { comparisonsFor } from './comparisons.ts';
import { FILE_TWINS } from './decide.ts';
import { CsvSourceError, readCsvSource } from './csv-source.ts';
import { DEFAULT_LINKAGE, runLinkage } from './linkage.ts';
import type { LinkageMode, LinkageStats } from './linkage.ts';
import { SourceDefinitionError, parseSourceDefinition } from './source-definition.ts';
import type { FieldName, SourceDefinition } from './source-definition.ts';

/** Input the user can fix: a bad source definition or an unreadable CSV. */
export class MatchInputError extends Error {
  override readonly name = 'MatchInputError';
}

export interface OfflineInput {
  mode: LinkageMode;
  definitionText: string;
  definitionLabel: string;
  /** File contents already read by the caller: this module does no I/O. */
  inputs: { label: string; text: string }[];
  linkProbability?: number;
  onStage?: (stage: string) => void;
}

export interface OfflineResult {
  csv: string;
  stats: LinkageStats;
  linkProbability: number;
}

export function parseDefinitionText(text: string, label: string): SourceDefinition {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MatchInputError(`source definition ${label} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseSourceDefinition(json);
  } catch (error) {
    if (error instanceof SourceDefinitionError) {
      throw new MatchInputError(`source definition ${label}: ${error.message}`);
    }
    throw error;
  }
}

/** dedupe FILE or link LEFT RIGHT, from CSV text to the CSV of pairs judged the same person. */
export function offlineLinkage(input: OfflineInput): OfflineResult {
  const def = parseDefinitionText(input.definitionText, input.definitionLabel);
  const expected = input.mode === 'dedupe' ? 1 : 2;
  if (input.inputs.length !== expected) {
    throw new MatchInputError(`${input.mode} needs ${expected} input file(s), got ${input.inputs.length}`);
  }
  const sources = input.inputs.map(({ label, text }) => {
    try {
      return readCsvSource(text, def, label);
    } catch (error) {
      if (error instanceof SourceDefinitionError || error instanceof CsvSourceError) {
        throw new MatchInputError(error.message);
      }
      throw error;
    }
  });
  const [left, second] = sources;
  if (left === undefined) throw new MatchInputError('no input file');
  const right = input.mode === 'link' ? (second ?? null) : null;
  const comparisons = comparisonsFor(Object.keys(def.fields) as FieldName[]);
  const linkProbability = input.linkProbability ?? DEFAULT_LINKAGE.linkProbability;
  const result = runLinkage(comparisons, left.records, right?.records ?? null, {
    linkProbability,
    explainVetoesByGroup: true,
    twins: FILE_TWINS,
    ...(input.onStage ? { onStage: input.onStage } : {}),
  });
  const rightIds = (right ?? left).ids;
  const rows = result.pairs.map((pair) => [
    left.ids[pair.left] ?? '',
    rightIds[pair.right] ?? '',
    pair.probability.toFixed(6),
  ]);
  const csv = stringify(rows, { header: true, columns: ['left_id', 'right_id', 'match_probability'] });
  return { csv, stats: result.stats, linkProbability };
}
