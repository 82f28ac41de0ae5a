/**
 * Synthetic FEBRL-layout person records with known duplicates, for timing and sanity-checking
 * `contactpoint match`. Names have a long tail (a few common ones, thousands of rare ones), as
 * real registers do, because block sizes and term frequencies depend on it. Ids follow FEBRL's
 * rec-N-org / rec-N-dup-K convention so the linkage evaluator can score the output.
 */
import { item } from '../src/matching/arrays.ts';
import { seededRandom } from '../src/matching/random.ts';

export const FEBRL_HEADER = [
  'rec_id',
  'given_name',
  'surname',
  'street_number',
  'address_1',
  'address_2',
  'suburb',
  'postcode',
  'state',
  'date_of_birth',
  'soc_sec_id',
] as const;

const COMMON_FORENAMES = `oliver jack harry george noah charlie jacob alfie freddie oscar leo logan archie theo
thomas james joshua henry william max lucas ethan arthur mason isaac harrison teddy finley
daniel riley edward joseph alexander adam benjamin samuel reggie dylan sebastian elijah
olivia amelia isla ava emily sophia grace mia poppy ella lily evie isabella sophie ivy
freya harper willow charlotte jessica rosie daisy florence millie ruby matilda phoebe
sienna lucy evelyn alice elsie chloe emma holly hannah lola zara layla maya katie megan
muhammad mohammed ali omar yusuf ibrahim zain ayaan aisha fatima maryam zainab hafsa
priya arjun rohan anaya kiran jaspreet gurpreet kacper jakub zofia oskar amelie nadia`;

const COMMON_SURNAMES = `smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson
thompson wright walker white edwards hughes green hall lewis harris clarke patel jackson
wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan allen
james scott phillips watson davis parker price bennett young griffiths mitchell kelly cook
carter richardson bailey collins bell shaw murphy miller cox richards khan marshall anderson
simpson ellis adams singh begum wilkinson foster chapman powell webb rogers gray mason ali
hussain campbell matthews owen palmer holmes mills barnes knight lloyd butler russell barker
fisher stevens jenkins murray dixon harvey graham pearson ahmed fletcher walsh kaur gibson`;

const STREET_TYPES = [
  'street',
  'road',
  'avenue',
  'lane',
  'close',
  'drive',
  'crescent',
  'place',
  'way',
  'court',
];
const STATES = ['nsw', 'vic', 'qld', 'wa', 'sa', 'tas', 'act', 'nt'];
const SYLLABLES =
  `ab ad al an ar as ash ba bar be ber bo bra bri by ca car ce cha chi co cor cra da dal de den
di do dra du ed el em en er es fa fe fi fo ford fra ga gar ge gi go gra ha hal har he hen hi
ho hol hu il in is ja je jo ka ke ki ko la lan le li lo lu ly ma man mar me mi mo mon mor na
ne ni no nor o ol on or pa pe per pi po pra ra ran re ri ro ros ru sa san se sha shi so ston
ta te ter thor ti to ton tra tu ur va ve vi wa wal we wen wi win wor ya yo za ze zo`
    .trim()
    .split(/\s+/);

function words(text: string): string[] {
  return text.trim().split(/\s+/);
}

export interface Generator {
  random: () => number;
  int(below: number): number;
  pick<T>(list: readonly T[]): T;
  /**
   * Zipf-like pick, P(rank r) proportional to 1 / (r + flatten): the first entries are common,
   * the tail rare. `flatten` keeps the top realistic (the commonest surname is ~1% of people).
   */
  zipf<T>(list: readonly T[], flatten: number): T;
}

export function generator(seed: number): Generator {
  const random = seededRandom(seed);
  const int = (below: number): number => Math.floor(random() * below);
  return {
    random,
    int,
    pick: <T>(list: readonly T[]): T => item(list, int(list.length)),
    zipf: <T>(list: readonly T[], flatten: number): T => {
      // Inverse CDF of the continuous 1 / (r + c) law.
      const c = flatten;
      const rank = Math.floor(c * Math.exp(random() * Math.log((list.length + c) / c)) - c);
      return item(list, Math.min(Math.max(rank, 0), list.length - 1));
    },
  };
}

function invented(g: Generator, count: number, minSyllables: number, maxSyllables: number): string[] {
  const out = new Set<string>();
  while (out.size < count) {
    const n = minSyllables + g.int(maxSyllables - minSyllables + 1);
    let word = '';
    for (let i = 0; i < n; i++) word += g.pick(SYLLABLES);
    out.add(word);
  }
  return [...out];
}

export interface Vocabulary {
  forenames: string[];
  surnames: string[];
  streets: string[];
  localities: string[];
  suburbs: { name: string; postcode: string; state: string }[];
  uk: boolean;
}

const COUNTIES = [
  'kent',
  'essex',
  'surrey',
  'devon',
  'norfolk',
  'lancashire',
  'yorkshire',
  'cheshire',
  'dorset',
  'cumbria',
];
const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/**
 * `uk` makes the files English-looking: UK-format postcodes (a district per town, a unit per
 * home), counties for states and children's dates of birth; otherwise FEBRL's Australian shape.
 */
export function vocabulary(g: Generator, uk = false): Vocabulary {
  const forenames = [...words(COMMON_FORENAMES), ...invented(g, 2_000, 2, 3)];
  const surnames = [...words(COMMON_SURNAMES), ...invented(g, 30_000, 2, 4)];
  const streets = invented(g, 5_000, 2, 3);
  const localities = invented(g, 2_000, 2, 3);
  const suburbs = invented(g, 3_000, 2, 3).map((name) => ({
    name,
    postcode: uk
      ? `${String.fromCharCode(65 + g.int(26))}${String.fromCharCode(65 + g.int(26))}${1 + g.int(20)}`
      : String(1000 + g.int(9000)),
    state: uk ? g.pick(COUNTIES) : g.pick(STATES),
  }));
  return { forenames, surnames, streets, localities, suburbs, uk };
}

export type Row = Record<(typeof FEBRL_HEADER)[number], string>;

export function person(g: Generator, v: Vocabulary, id: string, ssn: number): Row {
  const suburb = g.pick(v.suburbs);
  const y = v.uk ? 2006 + g.int(19) : 1920 + g.int(100);
  const postcode = v.uk
    ? `${suburb.postcode} ${g.int(10)}${UNIT_LETTERS.charAt(g.int(20))}${UNIT_LETTERS.charAt(g.int(20))}`
    : suburb.postcode;
  const m = 1 + g.int(12);
  const d = 1 + g.int(28);
  return {
    rec_id: id,
    given_name: g.zipf(v.forenames, 8),
    surname: g.zipf(v.surnames, 20),
    street_number: String(1 + g.int(300)),
    address_1: `${g.pick(v.streets)} ${g.pick(STREET_TYPES)}`,
    address_2: g.random() < 0.3 ? g.pick(v.localities) : '',
    suburb: suburb.name,
    postcode,
    state: suburb.state,
    date_of_birth: `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`,
    soc_sec_id: String(ssn).padStart(7, '0'),
  };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function typo(g: Generator, value: string): string {
  if (value.length < 2) return value;
  const i = g.int(value.length);
  const isDigits = /^\d+$/.test(value);
  const alphabet = (isDigits ? '0123456789' : LETTERS).split('');
  switch (g.int(4)) {
    case 0:
      return value.slice(0, i) + g.pick(alphabet) + value.slice(i + 1);
    case 1:
      return isDigits
        ? value.slice(0, i) + g.pick(alphabet) + value.slice(i + 1)
        : value.slice(0, i) + value.slice(i + 1);
    case 2:
      return isDigits
        ? value.slice(0, i) + g.pick(alphabet) + value.slice(i + 1)
        : value.slice(0, i) + g.pick(alphabet) + value.slice(i);
    default: {
      const j = Math.min(i + 1, value.length - 1);
      if (i === j) return value;
      return value.slice(0, i) + value.charAt(j) + value.charAt(i) + value.slice(j + 1);
    }
  }
}

const CORRUPTIBLE = [
  'given_name',
  'surname',
  'street_number',
  'address_1',
  'address_2',
  'suburb',
  'postcode',
  'date_of_birth',
  'soc_sec_id',
] as const;

/**
 * A duplicate with one to three FEBRL-style modifications: typos, missing values, names
 * swapped, and now and then a value replaced outright (a different date of birth).
 */
export function duplicate(g: Generator, v: Vocabulary, original: Row, id: string): Row {
  const row: Row = { ...original, rec_id: id };
  const changes = 1 + g.int(3);
  for (let c = 0; c < changes; c++) {
    const roll = g.random();
    if (roll < 0.05) {
      [row.given_name, row.surname] = [row.surname, row.given_name];
      continue;
    }
    if (roll < 0.08) {
      row.date_of_birth = person(g, v, id, 0).date_of_birth;
      continue;
    }
    const field = g.pick(CORRUPTIBLE);
    if (roll < 0.2) row[field] = '';
    else row[field] = typo(g, row[field]);
  }
  return row;
}

/** A twin: the same surname, date of birth and home, another forename and identifier. */
export function twin(g: Generator, v: Vocabulary, original: Row, id: string, ssn: number): Row {
  let forename = g.zipf(v.forenames, 8);
  while (forename === original.given_name) forename = g.zipf(v.forenames, 8);
  return { ...original, rec_id: id, given_name: forename, soc_sec_id: String(ssn).padStart(7, '0') };
}

export function toCsv(rows: readonly Row[], spaced: boolean): string {
  const sep = spaced ? ', ' : ',';
  const lines = [FEBRL_HEADER.join(sep)];
  for (const row of rows) lines.push(FEBRL_HEADER.map((h) => row[h]).join(sep));
  return `${lines.join('\n')}\n`;
}
