/**
 * One name spelt two ways that sound the same: a doubled letter, a silent final h, y for i
 * inside the name, and the endings -ie, -y, -ey, -ee, -i and -ay (Hanna and Hannah, Maryam and
 * Mariam, Finley and Finlay, Darcy and Darcie). Two names that differ in a sounded letter (Amelia
 * and Amelie, Ella and Ellie) keep different keys. Input is a normalised (lower-case) forename.
 */
export function spellingKey(name: string): string {
  return name
    .replace(/([aeiou])h$/, '$1')
    .replace(/(.)\1+/g, '$1')
    .replace(/(ie|ey|ee|ay|i|y)$/, 'Y')
    .replace(/y/g, 'i')
    .replace(/(.)\1+/g, '$1');
}
