import { spellingKey } from './spelling-key.ts';
import type { TermFrequencies } from './model.ts';

/*
 * Forenames given to many children in England over the last thirty years (the most popular
 * names of each year, both sexes), lower case and unaccented as normalisation leaves them.
 * Knowing that a spelling is a name in its own right, and not a typing error, is what tells twins
 * named alike (Amelia and Amelie, Oliver and Olivia) from one child whose name was mistyped.
 */
const COMMON = `
aaliyah aaron abdul abdullah abigail ada adam aden adrian ahmed aidan aiden aisha alan albert albie
alex alexa alexander alexandra alexis alfie alfred ali alice alicia alisha alishba alix alyssa amber
amelia amelie amina amir amy ana anaya andre andrew angel anna annabel annabelle annie anthony
arabella archer archie aria arian ariana arlo aron arthur arya asher ashton aston aurora austin ava
avery ayaan ayan ayesha ayla ayyan bailey beatrice beau bella ben benjamin bethan bethany billie
billy blake bobby bonnie bradley brandon brooke brooklyn caitlin caleb callum cameron cara carter
casey charles charley charlie charlotte chelsea chloe christian christopher ciara clara cleo cody
connor conor courtney daisy dakota daniel danielle darcey darcie darcy david dexter dominic dylan
eden edith edward eleanor elena eli eliana elijah elise eliza elizabeth ella elle ellie elliot
elliott ellis eloise elsa elsie emilia emily emma emmanuel erin esme ethan eva evan evelyn evie ezra
faith fatima felicity felix finlay finley finn florence francesca frankie freddie freddy frederick
freya gabriel gabriella george georgia georgie grace gracie hallie hamza hana hannah harley harlow
harper harriet harrison harry harvey hassan hayden heidi henry hiba hollie holly hudson hugo hunter
hussain ibrahim imogen isaac isabel isabella isabelle isaiah isla isobel ivy jack jackson jacob jade
jake jakub james jamie jan jasmine jasper jaxon jay jayden jenson jesse jessica jodie joe joel john
jonah jonathan jordan joseph josh joshua jude julia julian kacper kai kaiden kate katie kayden kayla
keira kian kieran kyle lacey lara laura lauren layla leah leighton leila lena leo leon leonardo levi
lewis lexi lexie liam libby lila lilia lilly lily lincoln logan lola lottie louie louis luca lucas
lucia lucy luke luna lydia macie maddison madison maisie maisy maja malachi marcus maria mariam
martha maryam mason matilda matteo matthew max maya megan mia michael mila miley millie milly
mohammad mohammed molly morgan muhammad musa myla nancy naomi nathan ned niamh nicholas noah nora
nova nyla olive oliver olivia ollie omar orla oscar otis owen paige penelope phoebe piper poppy
reggie reuben rhys riley river robert robyn roman ronnie rory rose rosie rowan ruby rufus ryan sam
samuel sara sarah scarlett sebastian sienna sofia sonny sophia sophie stanley stella summer sylvie
taylor teddy thea theo theodore thomas tilly toby tommy tyler valentina victoria violet william
willow wren yusuf zac zach zachary zain zak zara zayn zoe zofia
`;

const COMMON_NAMES: ReadonlySet<string> = new Set(COMMON.trim().split(/\s+/));

/*
 * A spelling counts as a name of its own from the data only when it is common in absolute terms
 * and beside the name it resembles. Duplicates of one person repeat one typing error, so a typo
 * can turn up a handful of times; one of the many ways to mistype a name stays a small share of
 * that name's own count.
 */
const MIN_COUNT = 20;
const TYPO_SHARE = 0.05;

/**
 * A spelling that is a name in its own right: one of the common names, or frequent enough in the
 * data itself beside the name it resembles. A typing error of a name turns up at a small fraction
 * of that name's own frequency (spread over the many ways to mistype it); a second name given to
 * children turns up far more often than that.
 */
export function establishedName(name: string, beside: string, frequencies: TermFrequencies | null): boolean {
  if (COMMON_NAMES.has(name)) return true;
  if (frequencies === null) return false;
  const count = frequencies.forename.get(name) ?? 0;
  const other = frequencies.forename.get(beside) ?? 0;
  return count >= MIN_COUNT && count >= TYPO_SHARE * other;
}

/**
 * Two different forenames, close in spelling, each a name in its own right (and not variants of
 * one name): on otherwise identical records they are two children, such as twins named alike.
 */
export function distinctEstablishedNames(x: string, y: string, frequencies: TermFrequencies | null): boolean {
  if (x === '' || y === '' || x === y) return false;
  if (x.length === 1 || y.length === 1) return false;
  if (spellingKey(x) === spellingKey(y)) return false;
  return establishedName(x, y, frequencies) && establishedName(y, x, frequencies);
}
