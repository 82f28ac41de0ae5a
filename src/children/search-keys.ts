/**
 * The stored search key of a name: lower-case, accents removed, apostrophes dropped and any other
 * run of punctuation or space folded to one space, so "O'Brien", "OBRIEN" and "Ó Brien" block
 * together while "Smith-Jones" and "Smith Jones" do too. Written by the application rather than
 * the database because the embedded engine has no unaccent extension; searches must key their
 * input with this same function.
 */
export function nameKey(name: string): string {
  let folded = '';
  for (const char of name.normalize('NFKD').toLowerCase()) {
    folded += LETTERS_WITHOUT_DECOMPOSITION[char] ?? char;
  }
  return folded
    .replace(/\p{M}+/gu, '')
    .replace(/['\u2018\u2019\u02bc`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// Letters that Unicode does not decompose into a base letter plus accent.
const LETTERS_WITHOUT_DECOMPOSITION: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
