/**
 * Tokens of C (after preprocessing) and of the debugger's expression language, which adds
 * AT&T spellings (`%rax`, `$5`, `%gs:x`). One lexer serves both so that the same parser reads
 * `(struct pt_regs *)` in a header's array size and in a Watch expression.
 */

export type CTokenKind = 'ident' | 'number' | 'char' | 'string' | 'punct' | 'eof';

export interface CToken {
  kind: CTokenKind;
  text: string;
  /** 0-based offset of the first character in the lexed text. */
  start: number;
  /** 0-based exclusive end offset. */
  end: number;
  /** Which input line the token came from (headers are lexed line by line; 0 for expressions). */
  line: number;
}

// Longest first, so that `<<=` wins over `<<` and `<`.
const PUNCTUATORS = [
  '...', '<<=', '>>=',
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##',
  '[', ']', '(', ')', '{', '}', '.', '&', '*', '+', '-', '~', '!', '/', '%', '<', '>', '^', '|', '?', ':', ';', '=', ',', '#', '$',
];

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;

export interface LexProblem {
  message: string;
  start: number;
  line: number;
}

/**
 * Splits `text` into tokens (whitespace and comments dropped). Characters that are not C are
 * reported and skipped; the lexer never throws.
 */
export function lexC(text: string, line = 0, problems: LexProblem[] = []): CToken[] {
  const tokens: CToken[] = [];
  let i = 0;
  const push = (kind: CTokenKind, start: number, end: number) => tokens.push({ kind, text: text.slice(start, end), start, end, line });
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      break;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (IDENT_START.test(c)) {
      const s = i;
      while (i < text.length && IDENT_PART.test(text[i])) i++;
      // L'x' / u8"..." prefixes belong to the literal that follows.
      if ((text[i] === "'" || text[i] === '"') && /^(L|u|U|u8)$/.test(text.slice(s, i))) {
        const quote = text[i];
        i = quoted(text, i);
        push(quote === "'" ? 'char' : 'string', s, i);
      } else push('ident', s, i);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      // A pp-number: digits, letters, dots, and signs after an exponent letter.
      const s = i;
      i++;
      while (i < text.length) {
        const d = text[i];
        if (/[eEpP]/.test(d) && (text[i + 1] === '+' || text[i + 1] === '-')) i += 2;
        else if (/[A-Za-z0-9_.]/.test(d)) i++;
        else break;
      }
      push('number', s, i);
    } else if (c === "'" || c === '"') {
      const s = i;
      i = quoted(text, i);
      if (text[i - 1] !== c || i - s < 2) problems.push({ message: `missing terminating ${c} character`, start: s, line });
      push(c === "'" ? 'char' : 'string', s, i);
    } else {
      const p = PUNCTUATORS.find((q) => text.startsWith(q, i));
      if (p) {
        push('punct', i, i + p.length);
        i += p.length;
      } else {
        problems.push({ message: `unexpected character '${c}'`, start: i, line });
        i++;
      }
    }
  }
  tokens.push({ kind: 'eof', text: '', start: text.length, end: text.length, line });
  return tokens;
}

/** End offset of the quoted literal starting at `i` (or end of text if unterminated). */
function quoted(text: string, i: number): number {
  const q = text[i];
  let j = i + 1;
  while (j < text.length && text[j] !== q) j += text[j] === '\\' ? 2 : 1;
  return Math.min(j + 1, text.length);
}

/** Value of a C character constant's body (between the quotes), as GCC gives it for `char`. */
export function charConstantValue(literal: string): bigint | undefined {
  const body = literal.replace(/^[LuU8]*'/, '').replace(/'$/, '');
  let value = 0n;
  let count = 0;
  for (let i = 0; i < body.length; count++) {
    let code: number;
    if (body[i] !== '\\') {
      code = body.charCodeAt(i++);
    } else {
      const e = body[i + 1];
      const simple: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };
      if (e === 'x') {
        const m = /^[0-9a-fA-F]+/.exec(body.slice(i + 2));
        if (!m) return undefined;
        code = parseInt(m[0], 16) & 0xff;
        i += 2 + m[0].length;
      } else if (/[0-7]/.test(e)) {
        const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))!;
        code = parseInt(m[0], 8) & 0xff;
        i += 1 + m[0].length;
      } else if (e in simple) {
        code = simple[e];
        i += 2;
      } else return undefined;
    }
    value = (value << 8n) | BigInt(code & 0xff);
  }
  if (count === 0) return undefined;
  // A single `char` is signed on x86-64: '\xff' is -1.
  return count === 1 ? BigInt.asIntN(8, value) : BigInt.asIntN(32, value);
}
