import type { ComparisonName } from './comparisons.ts';
import { decidePair } from './decide.ts';
import type { Decision, Thresholds, Veto } from './decide.ts';
import { weightToProbability } from './model.ts';
import type { MatchRecord } from './record.ts';
import { compareAll, tfAdjustment } from './score.ts';
import type { CompiledModel } from './score.ts';

export interface WaterfallStep {
  comparison: ComparisonName;
  level: number;
  label: string;
  /** The two values compared, as normalised. */
  values: [string, string];
  m: number | null;
  u: number | null;
  /** log2(m/u); 0 for a missing value or evidence counted elsewhere. */
  weight: number;
  /** Extra weight for how rare (positive) or common (negative) an exactly matching value is. */
  termFrequencyAdjustment: number;
  /** Running total after this step, prior included. */
  cumulative: number;
}

/** Splink's "waterfall": how each field moved the match weight, from the prior to the total. */
export interface Waterfall {
  priorWeight: number;
  steps: WaterfallStep[];
  weight: number;
  probability: number;
  decision: Decision;
  veto: Veto | null;
  deterministic: string | null;
  /** Why a pair above the link threshold was held for review (household details only). */
  hold: string | null;
}

const VALUE_OF: Record<ComparisonName, (r: MatchRecord) => string> = {
  forename: (r) => r.forename1,
  surname: (r) => r.surname.full,
  dateOfBirth: (r) =>
    r.dobKey !== '' ? `${r.dobKey.slice(0, 4)}-${r.dobKey.slice(4, 6)}-${r.dobKey.slice(6)}` : '',
  gender: (r) => r.gender,
  address: (r) => r.address?.tokens.join(' ') ?? '',
  place: (r) => [r.postcode?.value ?? '', r.town].filter((v) => v !== '').join(' '),
  region: (r) => r.region,
  nhsNumber: (r) => r.nhsNumber,
  upn: (r) => r.upn,
  otherIdentifier: (r) => r.otherIdentifier,
  middleNames: (r) => r.otherForenames.join(' '),
};

export function explainPair(
  compiled: CompiledModel,
  a: MatchRecord,
  b: MatchRecord,
  thresholds: Thresholds,
): Waterfall {
  const levels = compareAll(a, b, compiled.comparisons);
  let cumulative = compiled.priorWeight;
  const tf = compiled.model.termFrequencies;
  const steps = compiled.comparisons.map((c, ci): WaterfallStep => {
    const level = levels[ci] ?? 0;
    const params = compiled.model.comparisons.find((p) => p.name === c.name)?.levels[level];
    const weight = compiled.weights[ci]?.[level] ?? 0;
    const adjustment =
      tf && level === compiled.tfLevel[ci] ? tfAdjustment(compiled, ci, tfValue(c.name, a), tf) : 0;
    cumulative += weight + adjustment;
    const informative = level !== 0 && params !== undefined && !params.neutral;
    return {
      comparison: c.name,
      level,
      label: c.levels[level]?.label ?? `level ${level}`,
      values: [VALUE_OF[c.name](a), VALUE_OF[c.name](b)],
      m: informative ? params.m : null,
      u: informative ? params.u : null,
      weight,
      termFrequencyAdjustment: adjustment,
      cumulative,
    };
  });
  const decision = decidePair(a, b, cumulative, thresholds, compiled.model.termFrequencies);
  return {
    priorWeight: compiled.priorWeight,
    steps,
    weight: cumulative,
    probability: weightToProbability(cumulative),
    decision: decision.decision,
    veto: decision.veto,
    deterministic: decision.deterministic,
    hold: decision.hold ?? null,
  };
}

function tfValue(name: ComparisonName, r: MatchRecord): string {
  if (name === 'forename') return r.forename1;
  return r.surname.compact;
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : ''}${n.toFixed(2)}`;
}

/** A plain-text waterfall for a clerical reviewer or a terminal. */
export function renderWaterfall(w: Waterfall): string {
  const lines = [`prior (chance two records are one child)          ${signed(w.priorWeight).padStart(8)}`];
  for (const step of w.steps) {
    const [x, y] = step.values;
    const tf =
      step.termFrequencyAdjustment !== 0 ? ` (term frequency ${signed(step.termFrequencyAdjustment)})` : '';
    lines.push(
      `${step.comparison.padEnd(16)} ${step.label.padEnd(34)} ${signed(step.weight + step.termFrequencyAdjustment).padStart(8)}  ` +
        `${JSON.stringify(x)} vs ${JSON.stringify(y)}${tf}`,
    );
  }
  lines.push(
    `total match weight ${signed(w.weight)}, probability ${w.probability.toFixed(6)}: ${w.decision}` +
      (w.deterministic ? ` (${w.deterministic})` : '') +
      (w.veto ? ` (vetoed: ${w.veto.reason})` : '') +
      (w.hold ? ` (held: ${w.hold})` : ''),
  );
  return lines.join('\n');
}
