import { itemAt } from './random.ts';
import type { Rng } from './random.ts';
import type { Sex } from './names.ts';
import { words } from './tables/list.ts';

/**
 * Long tails of plausible names built from parts. Real registers have tens of thousands of
 * surnames and thousands of forenames each held by a handful of people; curated lists alone
 * would leave term-frequency weighting in matching with nothing rare to reward.
 */

// Elements of English place-names, the source of most English surnames (Ashworth, Bradley).
const surnamePrefixes = words(`
  Ash Ald Al Ark Bal Bar Bas Bel Ben Bil Black Bland Brad Bram Brom Brook Bur Cal Cam Car Chad Chal
  Chat Chel Chil Clay Cold Corn Crom Dal Dar Den Dun Ead Earn Eas Edg Elm Ever Fair Farn Fen Fox Ful
  Gar Glad Gold Gos Grim Had Hal Ham Har Hart Hay Hen Hol Horn Hud Hun Ket Kings Kir Knap Lang Lath
  Led Lin Lock Lud Lyn Mal Mar Mel Mid Mor Nap Nether New Nor Oak Ock Old Os Pad Pem Pen Pick Pres
  Pud Rad Rain Ram Red Rod Ros Rud Sal Sand Shel Sher Stan Stock Stow Sud Swin Tad Tam Thorn Til Tod
  Tun Wal War Wes Whit Wick Wil Win Wool Wy Alder Amble Apple Arn Ayle Bark Beck Birk Bolt Bos Bran
  Brent Brid Broad Brough Buck Burn Cap Cart Chap Charl Ches Chip Clap Clif Cob Cot Cran Crid Dag Dent
  Dod Dray Dur East Elder Ems Fal Fel Fin Flam Gains Gil Glen Gras Hack Hals Hamp Hath Hed Hin Hock
  Hum Hyde Ilk Ken Kin Kirk Lan Lax Lid Lind Lit Long Lum Mans Marl Mat Mere Mon Moss Nash Nut Orm
  Pax Pit Plum Pol Quen Rams Rick Rid Rip Rock Rom Roth Rox Rush Sax Scar Sed Shep Shir Sil Skel Slad
  Snow Spal Star Strat Stur Sut Tap Tat Tem Thack Thurl Tip Top Trent Trow Tur Up Wad Wain Wake Wat
  Wel Wen Wheat Whin Wim Wit Wood Wort Yard Yat Yel
`);
const surnameSuffixes = words(`
  ley ton by field worth ham wood ford bridge combe shaw hurst stead well more den wick cott bury
  thorpe dale lock man er son ing ridge low cliffe gate holm land ney ock stone wright ward win brook
  burn croft fold mere thwaite acre hill hall hay wade lake cote head sley wold hope
`);

// Joining syllables read naturally only after a consonant (Whittington, not Ambleington).
const consonantPrefixes = surnamePrefixes.filter((prefix) => !/[aeiouy]$/.test(prefix));

/** A family of synthetic surnames: every combination of one entry from each part, in order. */
type NameFamily = readonly (readonly string[])[];

const surnameFamilies: readonly NameFamily[] = [
  [surnamePrefixes, surnameSuffixes],
  // Three-part names only with joins that occur in real ones (Whittington, Bellingham, Ashenden).
  [
    consonantPrefixes,
    ['ing'],
    words('ton ham ford ley field worth dale hurst wood bridge stone well by den shaw'),
  ],
  [consonantPrefixes, ['er'], words('ton ley field ham by stone wood shaw dale bury')],
  [consonantPrefixes, ['en'], words('den ton ham shaw hurst field ley')],
  [
    words(
      'Bor Dob Grab Jas Kar Kos Lis Mak Pas Rad Sob Tom Wal Zal Bart Czar Gol Kur Mar Now Pol Sad Wit Zar Lew',
    ),
    words('czyk ak ek owicz iak owski'),
  ],
  [
    words('Ade Olu Oye Aji Ola Ayo Folu Ibi Ako Oke'),
    words('yemi wale bayo kunle tunde sola wunmi kanmi femi dele yinka'),
  ],
  [words('Nwa Chukwu Obi Eze Oko Ugo Ama'), words('nna ma eze chi emeka dike gwu nko for kwe')],
  [
    words('Bell Ross Mart Bian Cost Ferr Gall Lomb Marc Pell Sant Vit Card Rin Mor'),
    words('ini elli etti one ucci ari esi otti'),
  ],
  [words('Georgi Nikol Dimitri Theodor Ioann Konstantin Christodoul Antoni Stavr'), words('ou opoulos akis')],
];

function familySize(family: NameFamily): number {
  return family.reduce((size, part) => size * part.length, 1);
}

const familySizes = surnameFamilies.map(familySize);

/** How many distinct synthetic surnames exist (a few coincide with real ones, which is fine). */
export const syntheticSurnameSpace = familySizes.reduce((sum, size) => sum + size, 0);

// Scatters popularity rank over the name space so the commonest synthetic names are not all
// built from the first prefix. 7919 is prime and does not divide the space, so this is a bijection.
const SCATTER = 7919;
if (syntheticSurnameSpace % SCATTER === 0) throw new Error('synthetic surname space must be coprime to 7919');

/** The synthetic surname at a position in the space (0 .. syntheticSurnameSpace-1). */
export function syntheticSurname(position: number): string {
  let index = position;
  for (const [f, family] of surnameFamilies.entries()) {
    const size = familySizes[f] ?? 0;
    if (index >= size) {
      index -= size;
      continue;
    }
    let name = '';
    for (let p = family.length - 1; p >= 0; p--) {
      const part = itemAt(family, p);
      name = itemAt(part, index % part.length) + name;
      index = Math.floor(index / part.length);
    }
    return name;
  }
  throw new RangeError(
    `synthetic surname position ${position} is outside the space of ${syntheticSurnameSpace}`,
  );
}

/**
 * A rank in [0, n) with density ~ 1/(rank + offset): Zipf-Mandelbrot by inverting the
 * continuous distribution. The offset caps the head, so even the commonest made-up name is no
 * commoner than a mid-ranking real one, while the tail still yields very many singletons.
 */
function zipfRank(rng: Rng, n: number, offset: number): number {
  const rank = Math.floor(offset * Math.exp(rng.float() * Math.log((n + offset) / offset)) - offset);
  return Math.min(n - 1, Math.max(0, rank));
}

export function pickSyntheticSurname(rng: Rng): string {
  const rank = zipfRank(rng, syntheticSurnameSpace, 200);
  return syntheticSurname((rank * SCATTER + 13) % syntheticSurnameSpace);
}

const forenameStarts = words(`
  Ka Ja Ma Ra Za Bra Da La Ke Ty Ny Ay Ri Na Ea Ari Jo Ko Lu Mi
  Ro Te Xa Zy Al Am Bel Cal Cy Em Fa Ha Is Le Li No Pa Sa Se Ta
`);
// Joining sounds between start and ending, as in invented names such as Kayden or Kaliyah.
const forenameJoins = ['', 'e', 'i', 'y', 'ri', 'li', 'na', 'ra'];
const forenameEndings: Readonly<Record<Sex, readonly string[]>> = {
  M: words('den lan son ley ron vin iel ar an o yan rus dan lix ric ias ien win ston mir'),
  F: words('lyn ella ia anna ie ette ara ine ah ey ya elle ina isha ora issa enna ayla imi ola'),
};

export function syntheticForename(rng: Rng, sex: Sex): string {
  const endings = forenameEndings[sex];
  const space = forenameStarts.length * forenameJoins.length * endings.length;
  // 7919 is prime and does not divide the space, so this scatters ranks without collisions.
  const position = (zipfRank(rng, space, 50) * 7919 + 7) % space;
  const ending = itemAt(endings, position % endings.length);
  const rest = Math.floor(position / endings.length);
  const join = itemAt(forenameJoins, rest % forenameJoins.length);
  const start = itemAt(forenameStarts, Math.floor(rest / forenameJoins.length));
  const name = start + join + ending;
  // Doubled or tripled vowels (Seella, Dariias) read as typos, not names: drop the join instead.
  return /([aeiouy])\1|[aeiouy]{3}/i.test(name) ? start + ending : name;
}

// Second halves of the double-barrelled forenames popular in England (Lily-Mae, Alfie-James).
const secondForenames: Readonly<Record<Sex, readonly string[]>> = {
  M: words('James Lee John Jay Ray Jack George Joe Rae Lewis'),
  F: words('Mae Mai Rose Grace May Belle Louise Jane Marie Leigh Anne Lily'),
};

/** A hyphenated double forename built on a given first name. */
export function doubleForename(rng: Rng, first: string, sex: Sex): string {
  const second = rng.pick(secondForenames[sex]);
  return second === first ? first : `${first}-${second}`;
}
