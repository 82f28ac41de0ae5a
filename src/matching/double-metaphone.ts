/**
 * Double Metaphone (Lawrence Philips, C/C++ Users Journal, June 2000): a primary and an alternate
 * phonetic code of up to four characters. Written from the published rules; the alternate equals
 * the primary when the name has only one plausible pronunciation. '0' stands for "th", 'X' for "sh".
 */
export interface MetaphoneCodes {
  primary: string;
  alternate: string;
}

const VOWELS = new Set(['A', 'E', 'I', 'O', 'U', 'Y']);
const MAX_LENGTH = 4;

export function doubleMetaphone(input: string): MetaphoneCodes {
  const word = input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z ]/g, '');
  if (word.length === 0) return { primary: '', alternate: '' };
  return new Encoder(word).run();
}

/** The state of one encoding: the word, its padded copy and the two codes built so far. */
class Encoder {
  readonly length: number;
  readonly last: number;
  // Padding lets look-ahead read past the end without bounds checks, as the original does.
  readonly w: string;
  readonly slavoGermanic: boolean;
  readonly germanicPrefix: boolean;
  primary = '';
  alternate = '';

  constructor(word: string) {
    this.length = word.length;
    this.last = word.length - 1;
    this.w = `${word}     `;
    this.slavoGermanic = /W|K|CZ|WITZ/.test(word);
    this.germanicPrefix = this.stringAt(0, 4, 'VAN ', 'VON ') || this.stringAt(0, 3, 'SCH');
  }

  at(i: number): string {
    return i < 0 ? '' : this.w.charAt(i);
  }

  isVowel(i: number): boolean {
    return i >= 0 && VOWELS.has(this.w.charAt(i));
  }

  stringAt(start: number, len: number, ...options: string[]): boolean {
    if (start < 0) return false;
    return options.includes(this.w.slice(start, start + len));
  }

  add(main: string, alt: string = main): void {
    this.primary += main;
    this.alternate += alt;
  }

  run(): MetaphoneCodes {
    let current = 0;
    if (this.stringAt(0, 2, 'GN', 'KN', 'PN', 'WR', 'PS')) current += 1;
    if (this.at(0) === 'X') {
      // Initial X sounds like Z, as in Xavier.
      this.add('S');
      current += 1;
    }

    while (this.primary.length < MAX_LENGTH || this.alternate.length < MAX_LENGTH) {
      if (current >= this.length) break;
      const c = this.at(current);
      switch (c) {
        case 'A':
        case 'E':
        case 'I':
        case 'O':
        case 'U':
        case 'Y':
          if (current === 0) this.add('A');
          current += 1;
          break;

        case 'B':
          this.add('P');
          current += this.at(current + 1) === 'B' ? 2 : 1;
          break;

        case 'C':
          current = this.encodeC(current);
          break;

        case 'D':
          if (this.stringAt(current, 2, 'DG')) {
            if (this.stringAt(current + 2, 1, 'I', 'E', 'Y')) {
              this.add('J');
              current += 3;
            } else {
              this.add('TK');
              current += 2;
            }
          } else if (this.stringAt(current, 2, 'DT', 'DD')) {
            this.add('T');
            current += 2;
          } else {
            this.add('T');
            current += 1;
          }
          break;

        case 'F':
          this.add('F');
          current += this.at(current + 1) === 'F' ? 2 : 1;
          break;

        case 'G':
          current = this.encodeG(current);
          break;

        case 'H':
          // Kept only at the start or between vowels; elsewhere it is silent.
          if ((current === 0 || this.isVowel(current - 1)) && this.isVowel(current + 1)) {
            this.add('H');
            current += 2;
          } else {
            current += 1;
          }
          break;

        case 'J':
          current = this.encodeJ(current);
          break;

        case 'K':
          this.add('K');
          current += this.at(current + 1) === 'K' ? 2 : 1;
          break;

        case 'L':
          if (this.at(current + 1) === 'L') {
            // Spanish -illo, -illa, -alle: the double L is a Y sound in the alternate.
            if (
              (current === this.length - 3 && this.stringAt(current - 1, 4, 'ILLO', 'ILLA', 'ALLE')) ||
              ((this.stringAt(this.last - 1, 2, 'AS', 'OS') || this.stringAt(this.last, 1, 'A', 'O')) &&
                this.stringAt(current - 1, 4, 'ALLE'))
            ) {
              this.add('L', '');
              current += 2;
              break;
            }
            current += 2;
          } else {
            current += 1;
          }
          this.add('L');
          break;

        case 'M':
          this.add('M');
          if (
            (this.stringAt(current - 1, 3, 'UMB') &&
              (current + 1 === this.last || this.stringAt(current + 2, 2, 'ER'))) ||
            this.at(current + 1) === 'M'
          ) {
            current += 2;
          } else {
            current += 1;
          }
          break;

        case 'N':
          this.add('N');
          current += this.at(current + 1) === 'N' ? 2 : 1;
          break;

        case 'P':
          if (this.at(current + 1) === 'H') {
            this.add('F');
            current += 2;
          } else {
            this.add('P');
            current += this.stringAt(current + 1, 1, 'P', 'B') ? 2 : 1;
          }
          break;

        case 'Q':
          this.add('K');
          current += this.at(current + 1) === 'Q' ? 2 : 1;
          break;

        case 'R':
          // French final -ier (Rogier) is silent in the primary, but not Germanic -meier.
          if (
            current === this.last &&
            !this.slavoGermanic &&
            this.stringAt(current - 2, 2, 'IE') &&
            !this.stringAt(current - 4, 2, 'ME', 'MA')
          ) {
            this.add('', 'R');
          } else {
            this.add('R');
          }
          current += this.at(current + 1) === 'R' ? 2 : 1;
          break;

        case 'S':
          current = this.encodeS(current);
          break;

        case 'T':
          if (this.stringAt(current, 4, 'TION') || this.stringAt(current, 3, 'TIA', 'TCH')) {
            this.add('X');
            current += 3;
          } else if (this.stringAt(current, 2, 'TH') || this.stringAt(current, 3, 'TTH')) {
            // Thomas, Thames and Germanic names keep a hard T.
            if (this.stringAt(current + 2, 2, 'OM', 'AM') || this.germanicPrefix) this.add('T');
            else this.add('0', 'T');
            current += 2;
          } else {
            this.add('T');
            current += this.stringAt(current + 1, 1, 'T', 'D') ? 2 : 1;
          }
          break;

        case 'V':
          this.add('F');
          current += this.at(current + 1) === 'V' ? 2 : 1;
          break;

        case 'W':
          current = this.encodeW(current);
          break;

        case 'X':
          // French final -aux, -eaux, -oux are silent.
          if (!(
            current === this.last &&
            (this.stringAt(current - 3, 3, 'IAU', 'EAU') || this.stringAt(current - 2, 2, 'AU', 'OU'))
          )) {
            this.add('KS');
          }
          current += this.stringAt(current + 1, 1, 'C', 'X') ? 2 : 1;
          break;

        case 'Z':
          if (this.at(current + 1) === 'H') {
            // Pinyin, as in Zhao.
            this.add('J');
            current += 2;
            break;
          }
          if (
            this.stringAt(current + 1, 2, 'ZO', 'ZI', 'ZA') ||
            (this.slavoGermanic && current > 0 && this.at(current - 1) !== 'T')
          ) {
            this.add('S', 'TS');
          } else {
            this.add('S');
          }
          current += this.at(current + 1) === 'Z' ? 2 : 1;
          break;

        default:
          current += 1;
      }
    }

    return { primary: this.primary.slice(0, MAX_LENGTH), alternate: this.alternate.slice(0, MAX_LENGTH) };
  }
  encodeC(i: number): number {
    // Germanic -ach- as in Bacher, Macher.
    if (
      i > 1 &&
      !this.isVowel(i - 2) &&
      this.stringAt(i - 1, 3, 'ACH') &&
      this.at(i + 2) !== 'I' &&
      (this.at(i + 2) !== 'E' || this.stringAt(i - 2, 6, 'BACHER', 'MACHER'))
    ) {
      this.add('K');
      return i + 2;
    }
    if (i === 0 && this.stringAt(i, 6, 'CAESAR')) {
      this.add('S');
      return i + 2;
    }
    if (this.stringAt(i, 4, 'CHIA')) {
      this.add('K');
      return i + 2;
    }
    if (this.stringAt(i, 2, 'CH')) {
      if (i > 0 && this.stringAt(i, 4, 'CHAE')) {
        this.add('K', 'X');
        return i + 2;
      }
      // Greek roots: chemistry, chorus, character, charisma.
      if (
        i === 0 &&
        (this.stringAt(i + 1, 5, 'HARAC', 'HARIS') || this.stringAt(i + 1, 3, 'HOR', 'HYM', 'HIA', 'HEM')) &&
        !this.stringAt(0, 5, 'CHORE')
      ) {
        this.add('K');
        return i + 2;
      }
      if (
        this.germanicPrefix ||
        this.stringAt(i - 2, 6, 'ORCHES', 'ARCHIT', 'ORCHID') ||
        this.stringAt(i + 2, 1, 'T', 'S') ||
        ((this.stringAt(i - 1, 1, 'A', 'O', 'U', 'E') || i === 0) &&
          this.stringAt(i + 2, 1, 'L', 'R', 'N', 'M', 'B', 'H', 'F', 'V', 'W', ' '))
      ) {
        this.add('K');
      } else if (i > 0) {
        if (this.stringAt(0, 2, 'MC')) this.add('K');
        else this.add('X', 'K');
      } else {
        this.add('X');
      }
      return i + 2;
    }
    if (this.stringAt(i, 2, 'CZ') && !this.stringAt(i - 2, 4, 'WICZ')) {
      this.add('S', 'X');
      return i + 2;
    }
    if (this.stringAt(i + 1, 3, 'CIA')) {
      this.add('X');
      return i + 3;
    }
    if (this.stringAt(i, 2, 'CC') && !(i === 1 && this.at(0) === 'M')) {
      if (this.stringAt(i + 2, 1, 'I', 'E', 'H') && !this.stringAt(i + 2, 2, 'HU')) {
        // Accident, succeed: KS; Bacci, Bertucci: X.
        if ((i === 1 && this.at(i - 1) === 'A') || this.stringAt(i - 1, 5, 'UCCEE', 'UCCES')) this.add('KS');
        else this.add('X');
        return i + 3;
      }
      this.add('K');
      return i + 2;
    }
    if (this.stringAt(i, 2, 'CK', 'CG', 'CQ')) {
      this.add('K');
      return i + 2;
    }
    if (this.stringAt(i, 2, 'CI', 'CE', 'CY')) {
      if (this.stringAt(i, 3, 'CIO', 'CIE', 'CIA')) this.add('S', 'X');
      else this.add('S');
      return i + 2;
    }
    this.add('K');
    if (this.stringAt(i + 1, 2, ' C', ' Q', ' G')) return i + 3;
    if (this.stringAt(i + 1, 1, 'C', 'K', 'Q') && !this.stringAt(i + 1, 2, 'CE', 'CI')) return i + 2;
    return i + 1;
  }

  encodeG(i: number): number {
    if (this.at(i + 1) === 'H') {
      if (i > 0 && !this.isVowel(i - 1)) {
        this.add('K');
        return i + 2;
      }
      if (i === 0) {
        // Ghislane, Ghiradelli.
        this.add(this.at(i + 2) === 'I' ? 'J' : 'K');
        return i + 2;
      }
      // Parker's rule: Hugh, bough, broughton are silent.
      if (
        (i > 1 && this.stringAt(i - 2, 1, 'B', 'H', 'D')) ||
        (i > 2 && this.stringAt(i - 3, 1, 'B', 'H', 'D')) ||
        (i > 3 && this.stringAt(i - 4, 1, 'B', 'H'))
      ) {
        return i + 2;
      }
      // Laugh, McLaughlin, cough, rough, tough: F.
      if (i > 2 && this.at(i - 1) === 'U' && this.stringAt(i - 3, 1, 'C', 'G', 'L', 'R', 'T')) {
        this.add('F');
      } else if (i > 0 && this.at(i - 1) !== 'I') {
        this.add('K');
      }
      return i + 2;
    }
    if (this.at(i + 1) === 'N') {
      if (i === 1 && this.isVowel(0) && !this.slavoGermanic) {
        this.add('KN', 'N');
      } else if (!this.stringAt(i + 2, 2, 'EY') && this.at(i + 1) !== 'Y' && !this.slavoGermanic) {
        this.add('N', 'KN');
      } else {
        this.add('KN');
      }
      return i + 2;
    }
    if (this.stringAt(i + 1, 2, 'LI') && !this.slavoGermanic) {
      // Tagliaro.
      this.add('KL', 'L');
      return i + 2;
    }
    if (
      i === 0 &&
      (this.at(i + 1) === 'Y' ||
        this.stringAt(i + 1, 2, 'ES', 'EP', 'EB', 'EL', 'EY', 'IB', 'IL', 'IN', 'IE', 'EI', 'ER'))
    ) {
      this.add('K', 'J');
      return i + 2;
    }
    if (
      (this.stringAt(i + 1, 2, 'ER') || this.at(i + 1) === 'Y') &&
      !this.stringAt(0, 6, 'DANGER', 'RANGER', 'MANGER') &&
      !this.stringAt(i - 1, 1, 'E', 'I') &&
      !this.stringAt(i - 1, 3, 'RGY', 'OGY')
    ) {
      this.add('K', 'J');
      return i + 2;
    }
    if (this.stringAt(i + 1, 1, 'E', 'I', 'Y') || this.stringAt(i - 1, 4, 'AGGI', 'OGGI')) {
      if (this.germanicPrefix || this.stringAt(i + 1, 2, 'ET')) this.add('K');
      else if (this.stringAt(i + 1, 4, 'IER ')) this.add('J');
      else this.add('J', 'K');
      return i + 2;
    }
    this.add('K');
    return this.at(i + 1) === 'G' ? i + 2 : i + 1;
  }

  encodeJ(i: number): number {
    // Spanish: Jose, San Jacinto.
    if (this.stringAt(i, 4, 'JOSE') || this.stringAt(0, 4, 'SAN ')) {
      if ((i === 0 && this.at(i + 4) === ' ') || this.stringAt(0, 4, 'SAN ')) this.add('H');
      else this.add('J', 'H');
      return i + 1;
    }
    if (i === 0 && !this.stringAt(i, 4, 'JOSE')) {
      // Yankelovich / Jankelowicz.
      this.add('J', 'A');
    } else if (
      this.isVowel(i - 1) &&
      !this.slavoGermanic &&
      (this.at(i + 1) === 'A' || this.at(i + 1) === 'O')
    ) {
      this.add('J', 'H');
    } else if (i === this.last) {
      this.add('J', '');
    } else if (
      !this.stringAt(i + 1, 1, 'L', 'T', 'K', 'S', 'N', 'M', 'B', 'Z') &&
      !this.stringAt(i - 1, 1, 'S', 'K', 'L')
    ) {
      this.add('J');
    }
    return this.at(i + 1) === 'J' ? i + 2 : i + 1;
  }

  encodeS(i: number): number {
    // Island, isle, Carlisle, Carlysle.
    if (this.stringAt(i - 1, 3, 'ISL', 'YSL')) return i + 1;
    if (i === 0 && this.stringAt(i, 5, 'SUGAR')) {
      this.add('X', 'S');
      return i + 1;
    }
    if (this.stringAt(i, 2, 'SH')) {
      if (this.stringAt(i + 1, 4, 'HEIM', 'HOEK', 'HOLM', 'HOLZ')) this.add('S');
      else this.add('X');
      return i + 2;
    }
    if (this.stringAt(i, 3, 'SIO', 'SIA') || this.stringAt(i, 4, 'SIAN')) {
      if (!this.slavoGermanic) this.add('S', 'X');
      else this.add('S');
      return i + 3;
    }
    // Smith matches Schmidt, Snider matches Schneider; -sz- is Slavic.
    if ((i === 0 && this.stringAt(i + 1, 1, 'M', 'N', 'L', 'W')) || this.stringAt(i + 1, 1, 'Z')) {
      this.add('S', 'X');
      return this.stringAt(i + 1, 1, 'Z') ? i + 2 : i + 1;
    }
    if (this.stringAt(i, 2, 'SC')) {
      if (this.at(i + 2) === 'H') {
        // Schlesinger's rule; Dutch school, schooner.
        if (this.stringAt(i + 3, 2, 'OO', 'ER', 'EN', 'UY', 'ED', 'EM')) {
          if (this.stringAt(i + 3, 2, 'ER', 'EN')) this.add('X', 'SK');
          else this.add('SK');
          return i + 3;
        }
        if (i === 0 && !this.isVowel(3) && this.at(i + 3) !== 'W') this.add('X', 'S');
        else this.add('X');
        return i + 3;
      }
      if (this.stringAt(i + 2, 1, 'I', 'E', 'Y')) {
        this.add('S');
        return i + 3;
      }
      this.add('SK');
      return i + 3;
    }
    // French final -ais, -ois are silent in the primary.
    if (i === this.last && this.stringAt(i - 2, 2, 'AI', 'OI')) this.add('', 'S');
    else this.add('S');
    return this.stringAt(i + 1, 1, 'S', 'Z') ? i + 2 : i + 1;
  }

  encodeW(i: number): number {
    if (this.stringAt(i, 2, 'WR')) {
      this.add('R');
      return i + 2;
    }
    if (i === 0 && (this.isVowel(i + 1) || this.stringAt(i, 2, 'WH'))) {
      // Wasserman matches Vasserman; Uomo matches Womo.
      if (this.isVowel(i + 1)) this.add('A', 'F');
      else this.add('A');
    }
    // Arnow matches Arnoff; Polish -ewski.
    if (
      (i === this.last && this.isVowel(i - 1)) ||
      this.stringAt(i - 1, 5, 'EWSKI', 'EWSKY', 'OWSKI', 'OWSKY') ||
      this.stringAt(0, 3, 'SCH')
    ) {
      this.add('', 'F');
      return i + 1;
    }
    if (this.stringAt(i, 4, 'WICZ', 'WITZ')) {
      this.add('TS', 'FX');
      return i + 4;
    }
    return i + 1;
  }
}
