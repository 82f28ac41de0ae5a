import { spellingKey } from './spelling-key.ts';

/**
 * Forenames that the same person is recorded under: nicknames, diminutives, spelling and
 * transliteration variants. Each line is one group; a name may sit in several groups (Alex is
 * short for Alexander and Alexandra) so the table is read as "these two names share a group",
 * never as one canonical spelling. Entries are genuine equivalences only: a wrong entry would
 * make two different children look like one, while a missing one only costs some weight.
 *
 * A line opens with the full name; other spellings of it are joined to it by '='
 * (catherine=katherine). Everything after is a short form or other variant of it.
 */
const GROUPS = `
abigail abbie abby abbi gail
adam addy
adrian adrien
aiden=aidan=ayden=aden=aydan
aisha=ayesha=aysha=aishah
alan allan allen al
albert al bert bertie albie
alexander=alexandre=aleksander alex alec sasha xander sandy lex
alexandra alex alexa lexi lexie sasha sandra sandy alessandra
alexis lexi
alfred alf alfie fred freddie
alice alicia alys ali
alison allison ali allie
amanda mandy manda
amelia millie milly amelka
amy aimee amie
annabel=annabelle=annabella bella belle
andrew andy drew andre
angela angie
anne ann anna annie nan nancy
anthony tony antony anton antoni
archibald archie
arthur art artie
ashley ash
barbara barb babs barbie
bartholomew bart
benjamin ben benny benji
bernard bernie
beatrice bea bee trixie
bethany beth
bradley brad
bridget bridie biddy brigid
caitlin=caitlyn=kaitlyn=katelyn=kaitlin
callum calum
cameron cam
caroline carol carrie caz caro
catherine=katherine=kathryn=cathryn kathleen kate katie katy kat cath cathy kathy kitty kay
charles charlie chas chuck chaz
charlotte charlie lottie lotte
christian chris kristian
christina christine chris tina kristina kirsty kirstie kristen
christopher chris kit topher
clare claire clara
colin collin
connor conor
cynthia cindy
daniel dan danny
danielle dani
david dave davy davey dai
deborah debbie debra deb
dennis denis
derek derrick
diana diane di
dominic dom
donald don donnie
dorothy dot dotty dolly
douglas doug
edmund ed eddie ned
edward ed eddie ted teddy ned
eleanor ellie nell nellie elle elinor
elizabeth=elisabeth liz lizzie lizzy beth betty bessie libby eliza elsie betsy lisa
ellen ellie
emily em emmy milly millie
emma em emmie
eric erik
esther essie
eugene gene
evelyn eve evie
finley=finlay finn
florence flo florrie flossie
frances fran fanny francesca frankie
francis frank frankie franco
frederick fred freddie freddy fredrick
freya=freja=freyja
gabriel gabe
gabriella=gabrielle gabby gaby
geoffrey=jeffrey geoff jeff
george georgie geordie
georgia georgie georgina
gerald gerry jerry ged
geraldine gerry
gillian jill gill jillian
grace gracie
gregory greg
gwendolyn gwen
harold harry hal
harriet hattie harri
harrison harry
helen helena nell ellen
henry harry hal hank
herbert herb bert
hugh hughie hugo
ian iain
isaac=izaak=isaak
isabel=isabella=isabelle=isobel izzy bella issy
jacob=jakob=jakub jake jacoby
jacqueline jackie
james jim jimmy jamie jimi
jane janey jayne jean
janet jan
jasmine=jasmin=yasmin=yasmine jazz
jayden=jaiden=jaden=jaydon=jaydan
jennifer jenny jen jenna
jessica jess jessie
joanna joanne jo joan
john jack johnny jon jonny
jonathan jon jonny
joseph joe joey jo jose josef
josephine jo josie
joshua josh
judith judy jude
julia julie jules juliet
karen karin caren
kenneth ken kenny
kimberley kimberly kim
kirsty kirstie
laura laurie lori
lawrence laurence larry laurie
layla=leila=laila=leyla
leonard leo len lenny
leon leo
lewis louis louie lou luis
liam william
lily lillian lilly lillie
louis louie lou
louisa louise lou lulu
lucy lucia lucie luce
lucas=lukas luca
madeline=madeleine maddie maddy madison
margaret maggie meg peggy madge margo margot marge greta
margot=margaux=margo
mary maria marie molly polly mae
marion marian
martin marty
matilda tilly tillie mattie maud
maximilian max maxim maks
matthew=mateusz=matteo matt matty
megan meg meghan
melissa mel missy
michael=michal=mikhail mike mikey mick mickey micky
michelle shelley shelly
mohammed=muhammad=mohammad=mohamed=muhammed=mohamad mohd mo
natalie nat natasha tasha
nathan nate nat
nathaniel nathan nate nat
niamh=neve=neeve
nicholas nick nicky nico nikolai
nicola nicole nicky nikki
nigel nige
oliver ollie olly
olivia=oliwia liv livvy ollie livia
oscar oskar ozzy
patricia pat patty trish tricia
patrick pat paddy
penelope penny
peter pete
philip phillip phil pip
phoebe phebe
rachel rachael
raymond ray
rebecca=rebekah becky becca
reginald reg reggie
rhys reece reese
richard rich rick ricky dick richie
robert rob bob bobby robbie bert
roger rog
ronald ron ronnie
rosemary rose rosie
rose rosie
rosalind ros roz
samantha sam sammy
samuel sam sammy
sarah sara sally sadie
sebastian seb bastian
sharon shaz
sophie=sophia=sofia=sofie soph
stanley stan
stephanie steph steffi
stephen=steven steve stevie stefan
stuart stewart stu
susan sue susie suzanne suzy
sylvia silvia
teresa=theresa tess tessa terri
theodore theo ted teddy
thomas tom tommy thom
timothy tim timmy
tobias toby
valerie val
vanessa nessa
veronica ronnie vera
victoria=wiktoria vicky vikki tori
vincent vince vinny
walter walt wally
william will bill billy willie willy liam wills
winifred winnie
yusuf=yousef=yusef=yousuf
zachary zach zack zak zac zakariya zakaria zachariah zechariah
`;

const LINES: readonly string[][] = GROUPS.trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/));

/**
 * The full name of each line in every spelling the table gives it ('='), the first being the one
 * the line opens with: the name the others are short for or spell differently.
 */
const SPELLINGS: readonly (readonly string[])[] = LINES.map((words) => (words[0] ?? '').split('='));

function buildIndex(): ReadonlyMap<string, readonly number[]> {
  const index = new Map<string, number[]>();
  LINES.forEach((words, group) => {
    for (const name of words.flatMap((word) => word.split('='))) {
      const groups = index.get(name);
      if (groups === undefined) index.set(name, [group]);
      else if (!groups.includes(group)) groups.push(group);
    }
  });
  return index;
}

const INDEX = buildIndex();
const NONE: readonly number[] = [];

/** The same groups under each name's spelling key: Hatty finds Hattie's group, Rubie Ruby's. */
const BY_SPELLING = new Map<string, readonly number[]>();
for (const [name, groups] of INDEX) {
  const key = spellingKey(name);
  BY_SPELLING.set(key, [...new Set([...(BY_SPELLING.get(key) ?? []), ...groups])]);
}

function groupsOf(name: string): readonly number[] | undefined {
  return INDEX.get(name) ?? BY_SPELLING.get(spellingKey(name));
}

/** The variant groups a normalised (lower-case, unaccented) forename belongs to. */
export function forenameGroups(name: string): readonly number[] {
  return groupsOf(name) ?? NONE;
}

/** True when two normalised forenames are recorded variants of one another. */
export function areForenameVariants(a: string, b: string): boolean {
  if (a === b) return true;
  const ga = groupsOf(a);
  const gb = groupsOf(b);
  if (ga === undefined || gb === undefined) return false;
  for (const g of ga) if (gb.includes(g)) return true;
  return false;
}

/**
 * Variants of one name where one of the two is that name itself (Alfred and Alfie, Henry and
 * Harry), a short form beside another spelling of the full name (Katie beside Katherine, Bella
 * beside Isabella), or the same name spelt two ways. Two short forms of one name (Alfie and
 * Freddie, both short for Alfred) are not: each is also given as a name in its own right, and
 * twins may be called by them. Nor are two other spellings of it (Isabella and Isabelle, beside
 * Isabel): twins are named as alike as that, Amelia and Amelie.
 */
export function areVariantsOfOneName(a: string, b: string): boolean {
  if (a === b || spellingKey(a) === spellingKey(b)) return true;
  const ga = groupsOf(a);
  const gb = groupsOf(b);
  if (ga === undefined || gb === undefined) return false;
  return ga.some((g) => gb.includes(g) && oneNameIn(g, a, b));
}

function oneNameIn(group: number, a: string, b: string): boolean {
  const spellings = SPELLINGS[group] ?? [];
  const head = spellings[0];
  return head === a || head === b || spellings.includes(a) !== spellings.includes(b);
}
