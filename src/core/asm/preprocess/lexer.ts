/**
 * Lexer for one file, as cpplib lexes in assembler-with-cpp mode: backslash-newlines (also with
 * trailing blanks) are spliced, comments become whitespace, `$` is not an identifier character,
 * there are no digraphs, and an unterminated ' or " makes an "other" token that runs to the end
 * of the line (so `movb $'a, %al` is harmless). Tokens are produced on demand because the
 * preprocessor changes the lexing mode (directives, #include header names, macro arguments).
 */
import type { ExpansionFrame, SourceLocation } from '../types.js';
import { BOL, PREV_WHITE, type CharOrigin, type TokKind, type Token } from './tokens.js';

export interface LexMode {
  /** In a directive: the end of the line is an EOF token. */
  inDirective: boolean;
  /** `<...>` is a header name (#include, __has_include). */
  angledHeaders: boolean;
  /** cpplib's parsing_args: 2 while collecting macro arguments (new lines count as whitespace). */
  parsingArgs: number;
}

export type LexDiagnostic = (severity: 'error' | 'warning', message: string, pos: SourceLocation, chain: ExpansionFrame[]) => void;

interface Segment {
  /** Offset in the logical line. */
  off: number;
  line: number;
  col: number;
}

const PUNCT3 = ['...', '<<=', '>>='];
const PUNCT2 = new Set(['->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##']);
const PUNCT1 = new Set('[](){}.&*+-~!/%<>^|?:;=,#');

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export class FileLexer {
  private readonly phys: string[];
  private nextPhys = 0;
  private buf = '';
  private segs: Segment[] = [{ off: 0, line: 1, col: 1 }];
  private pos = 0;
  private needLine = true;
  /** Warnings about splices in the current line, reported when lexing reaches them (as cpplib's line notes). */
  private notes: Array<{ off: number; message: string; pos: SourceLocation }> = [];

  constructor(
    readonly file: string,
    text: string,
    readonly chain: ExpansionFrame[],
    private readonly diag: LexDiagnostic,
  ) {
    const lines = text.split(/\r\n|\n|\r/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    this.phys = lines;
  }

  /** 1-based number of the physical line after the current logical line. */
  get nextLineNumber(): number {
    return this.nextPhys + 1;
  }

  /** Text of a physical line (1-based), for indentation. */
  physicalLine(line: number): string {
    return this.phys[line - 1] ?? '';
  }

  private flushNotes(upTo: number): void {
    while (this.notes.length > 0 && this.notes[0].off <= upTo) {
      const n = this.notes.shift()!;
      this.diag('warning', n.message, n.pos, this.chain);
    }
  }

  private loadLine(): boolean {
    this.flushNotes(Infinity);
    if (this.nextPhys >= this.phys.length) return false;
    this.buf = '';
    this.segs = [];
    this.pos = 0;
    for (;;) {
      const lineNo = this.nextPhys + 1;
      const s = this.phys[this.nextPhys++];
      const m = /\\[ \t\f\v]*$/.exec(s);
      this.segs.push({ off: this.buf.length, line: lineNo, col: 1 });
      if (!m) {
        this.buf += s;
        break;
      }
      const pos = { file: this.file, line: lineNo, column: m.index + 1 };
      this.buf += s.slice(0, m.index);
      if (m[0].length > 1) this.notes.push({ off: this.buf.length, message: 'backslash and newline separated by space', pos });
      if (this.nextPhys >= this.phys.length) {
        this.notes.push({ off: this.buf.length, message: 'backslash-newline at end of file', pos });
        break;
      }
    }
    return true;
  }

  posAt(off: number): SourceLocation {
    let i = this.segs.length - 1;
    while (i > 0 && this.segs[i].off > off) i--;
    const s = this.segs[i];
    return { file: this.file, line: s.line, column: s.col + (off - s.off) };
  }

  private segIndex(off: number): number {
    let i = this.segs.length - 1;
    while (i > 0 && this.segs[i].off > off) i--;
    return i;
  }

  private make(kind: TokKind, start: number, end: number, flags: number): Token {
    const tok: Token = { kind, text: this.buf.slice(start, end), flags, pos: this.posAt(start), chain: this.chain };
    if (this.segs.length > 1 && end > start && this.segIndex(start) !== this.segIndex(end - 1)) {
      const chars: CharOrigin[] = [];
      for (let i = start; i < end; i++) chars.push({ pos: this.posAt(i), chain: this.chain });
      tok.chars = chars;
    }
    return tok;
  }

  private eof(fileEnd: boolean, flags: number): Token {
    return { kind: 'eof', text: '', flags, pos: this.posAt(this.buf.length), chain: this.chain, fileEnd };
  }

  /** Skips a block comment starting at this.pos ("/*"); may load further lines. False at end of file. */
  private skipBlockComment(): boolean {
    const start = this.posAt(this.pos);
    let p = this.pos + 2;
    for (;;) {
      const end = this.buf.indexOf('*/', p);
      if (end >= 0) {
        this.pos = end + 2;
        return true;
      }
      if (!this.loadLine()) {
        this.diag('error', 'unterminated comment', start, this.chain);
        this.buf = '';
        this.pos = 0;
        this.segs = [{ off: 0, line: this.phys.length, col: (this.phys[this.phys.length - 1]?.length ?? 0) + 1 }];
        return false;
      }
      p = 0;
    }
  }

  /** Next token (cpplib's _cpp_lex_direct). */
  lex(mode: LexMode): Token {
    let flags = 0;
    if (this.needLine) {
      if (mode.inDirective) return this.eof(false, 0);
      if (!this.loadLine()) return this.eof(true, 0);
      this.needLine = false;
      flags = BOL | (mode.parsingArgs === 2 ? PREV_WHITE : 0);
    }
    for (;;) {
      let p = this.pos;
      while (p < this.buf.length) {
        const c = this.buf.charCodeAt(p);
        if (c === 32 || c === 9 || c === 12 || c === 11 || c === 0 || c === 13) {
          p++;
          flags |= PREV_WHITE;
          continue;
        }
        if (c === 47 && this.buf.charCodeAt(p + 1) === 42) {
          this.pos = p;
          flags |= PREV_WHITE;
          if (!this.skipBlockComment()) {
            p = 0;
            break;
          }
          p = this.pos;
          continue;
        }
        if (c === 47 && this.buf.charCodeAt(p + 1) === 47) {
          p = this.buf.length;
          flags |= PREV_WHITE;
          break;
        }
        break;
      }
      this.pos = p;
      if (p >= this.buf.length) {
        if (this.notes.length > 0) this.flushNotes(Infinity);
        this.needLine = true;
        if (mode.inDirective) return this.eof(false, 0);
        if (!this.loadLine()) return this.eof(true, 0);
        this.needLine = false;
        flags = BOL | (mode.parsingArgs === 2 ? PREV_WHITE : 0);
        continue;
      }
      return this.lexToken(flags, mode);
    }
  }

  private lexToken(flags: number, mode: LexMode): Token {
    const b = this.buf;
    const s = this.pos;
    if (this.notes.length > 0) this.flushNotes(s);
    const c = b.charCodeAt(s);
    let e = s + 1;
    let kind: TokKind;
    if (c === 76 /* L */ && (b[s + 1] === "'" || b[s + 1] === '"')) {
      return this.lexString(s, s + 1, flags, mode);
    } else if (isIdStart(c)) {
      while (e < b.length && isIdChar(b.charCodeAt(e))) e++;
      kind = 'name';
    } else if (isDigit(c) || (c === 46 && isDigit(b.charCodeAt(s + 1)))) {
      while (e < b.length) {
        const d = b.charCodeAt(e);
        if (isIdChar(d) || d === 46) e++;
        else if ((d === 43 || d === 45) && (b[e - 1] === 'e' || b[e - 1] === 'E')) e++;
        else break;
      }
      kind = 'number';
    } else if (c === 39 || c === 34) {
      return this.lexString(s, s, flags, mode);
    } else if (c === 60 && mode.angledHeaders) {
      return this.lexString(s, s, flags, mode);
    } else {
      const three = b.slice(s, s + 3);
      const two = b.slice(s, s + 2);
      if (PUNCT3.includes(three)) {
        e = s + 3;
        kind = 'punct';
      } else if (PUNCT2.has(two)) {
        e = s + 2;
        kind = 'punct';
      } else if (PUNCT1.has(b[s])) {
        kind = 'punct';
      } else {
        // Any other character, one code point.
        if (c >= 0xd800 && c <= 0xdbff && s + 1 < b.length) e = s + 2;
        kind = 'other';
      }
    }
    this.pos = e;
    return this.make(kind, s, e, flags);
  }

  /** cpplib's lex_string: `s` is where the token starts (an L prefix), `q` the quote. */
  private lexString(s: number, q: number, flags: number, mode: LexMode): Token {
    const b = this.buf;
    const open = b[q];
    const term = open === '<' ? '>' : open;
    let p = q + 1;
    let kind: TokKind;
    for (;;) {
      if (p >= b.length) {
        if (term === '>') {
          this.pos = s + 1;
          return this.make('punct', s, s + 1, flags);
        }
        kind = 'other';
        break;
      }
      const ch = b[p];
      if (ch === '\\' && !mode.angledHeaders && p + 1 < b.length) p += 2;
      else if (ch === term) {
        p++;
        kind = term === '>' ? 'header' : term === "'" ? (s !== q ? 'wchar' : 'char') : s !== q ? 'wstring' : 'string';
        break;
      } else p++;
    }
    this.pos = p;
    return this.make(kind, s, p, flags);
  }
}

const RAW: LexMode = { inDirective: false, angledHeaders: false, parsingArgs: 0 };

/** Lexes a string (a _Pragma operand, a -D value) into tokens; no directives. */
export function lexAll(text: string, file: string, chain: ExpansionFrame[] = []): Token[] {
  const lx = new FileLexer(file, text, chain, () => {});
  const tokens: Token[] = [];
  for (;;) {
    const t = lx.lex(RAW);
    if (t.kind === 'eof') return tokens;
    tokens.push({ ...t, flags: t.flags & ~BOL });
  }
}

/** The single token `text` spells, or undefined if it is not exactly one token (token pasting). */
export function lexWhole(text: string): Token | undefined {
  const lx = new FileLexer('<paste>', text, [], () => {});
  const t = lx.lex(RAW);
  if (t.kind === 'eof' || t.flags & PREV_WHITE || t.text.length !== text.length) return undefined;
  return t;
}
