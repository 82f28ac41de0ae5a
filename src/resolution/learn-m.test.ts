import { describe, expect, it } from 'vitest';
import type { NormalisedFields } from '../ingest/validate-row.ts';
import { indexRecord } from './index-record.test-support.ts';
import { learnM, M_MIN_ROWS, type MSample } from './learn-m.ts';
import { defaultModel } from './resolve-decide.ts';

const FORENAMES = ['Amara', 'Oliver', 'Isla', 'Theo', 'Freya', 'Arlo', 'Maya', 'Reuben', 'Nia', 'Elliot'];
const SURNAMES = [
  'Okonkwo',
  'Blackwood',
  'Fairweather',
  'Hussain',
  'Kowalski',
  'Pemberton',
  'Adeyemi',
  'Lindqvist',
];
const TOWNS = ['Newark', 'Lincoln', 'Grantham', 'Sleaford'];

/** A child of the synthetic population: the same inputs always give the same child. */
function person(i: number): NormalisedFields {
  const town = TOWNS[i % TOWNS.length] ?? 'Newark';
  return {
    forename: FORENAMES[i % FORENAMES.length] ?? 'Amara',
    surname: `${SURNAMES[Math.floor(i / 10) % SURNAMES.length] ?? 'Okonkwo'}${String.fromCharCode(97 + (i % 26))}`,
    dateOfBirth: `20${String(10 + (i % 12))}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    gender: i % 2 === 0 ? 'female' : 'male',
    address: `${String(1 + (i % 90))} Mill Lane ${town}`,
    postcode: `NG${String(10 + (i % 80))} ${String(1 + (i % 9))}FF`,
  };
}

/** The same child living somewhere else: another house, postcode and town. */
function moved(fields: NormalisedFields, i: number): NormalisedFields {
  return {
    ...fields,
    address: `${String(3 + (i % 50))} Station Road Boston`,
    postcode: `PE${String(21 + (i % 9))} 6QT`,
  };
}

const indexed = indexRecord;

function placeM(model: ReturnType<typeof defaultModel>, label: string): number {
  const place = model.comparisons.find((c) => c.name === 'place');
  return place?.levels.find((level) => level.label === label)?.m ?? Number.NaN;
}

describe('learning m from feed rows against the index', () => {
  it('learns how often a child is found at another address, which the starting values understate', () => {
    const samples: MSample[] = [];
    for (let i = 0; i < 2_000; i++) {
      const child = person(i);
      // A quarter of the second source's rows hold an address the index does not.
      const fields = i % 4 === 0 ? moved(child, i) : child;
      // Each row also finds a child of another family born the same day.
      const other = { ...person(i + 5_003), dateOfBirth: child.dateOfBirth };
      samples.push({
        fields,
        candidates: [indexed(`c${String(i)}`, child), indexed(`o${String(i)}`, other)],
      });
    }
    const model = defaultModel();
    const learnt = learnM(model, samples);
    expect(learnt).not.toBeNull();
    expect(learnt?.rows).toBe(2_000);
    const before = placeM(model, 'all other');
    const after = placeM(learnt?.model ?? model, 'all other');
    expect(before).toBeLessThan(0.1);
    expect(after).toBeGreaterThan(0.2);
    expect(after).toBeLessThan(0.3);
    // u, the chance agreement of two different children, is kept.
    const uOf = (m: ReturnType<typeof defaultModel>) => m.comparisons.map((c) => c.levels.map((l) => l.u));
    expect(uOf(learnt?.model ?? model)).toEqual(uOf(model));
  });

  it('leaves m alone when the rows mostly find other children rather than their own', () => {
    const samples: MSample[] = [];
    for (let i = 0; i < 2_000; i++) {
      const child = person(i);
      const neighbour = { ...person(i + 7_001), surname: child.surname, postcode: child.postcode };
      samples.push({ fields: child, candidates: [indexed(`n${String(i)}`, neighbour)] });
    }
    expect(learnM(defaultModel(), samples)).toBeNull();
  });

  it('needs enough rows with candidates to learn from', () => {
    const samples: MSample[] = [];
    for (let i = 0; i < M_MIN_ROWS - 1; i++) {
      samples.push({ fields: person(i), candidates: [indexed(`c${String(i)}`, person(i))] });
    }
    samples.push({ fields: person(99_999), candidates: [] });
    expect(learnM(defaultModel(), samples)).toBeNull();
  });
});
