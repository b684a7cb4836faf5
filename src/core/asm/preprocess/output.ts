/**
 * Turns the token stream into output lines exactly as GCC's `-E -P` printer does
 * (c-ppoutput.cc scan_translation_unit / cb_line_change): a line starts when a token that began
 * a source line is read outside macro-argument collection; the first token is indented to its
 * source column (one space per column, so a tab counts as one); later tokens are separated by a
 * single space if whitespace preceded them or if printing them adjacent would paste them into a
 * different token. Each output line keeps, per character, where it came from.
 */
import type { Origin, SourceLine } from '../types.js';
import type { Sink } from './engine.js';
import { PREV_WHITE, avoidPaste, charOrigin, charOrigins, isPunct, type CharOrigin, type Token } from './tokens.js';

interface Segment {
  start: number;
  /** A token's text. */
  tok?: Token;
  /** A run of indentation: character i is at column base.column + i of the same line. */
  indent?: CharOrigin;
  /** A space GCC printed between tokens: just after `after`'s last character, else just before `before`. */
  after?: Token;
  before?: Token;
}

function toOrigin(c: CharOrigin, columnDelta = 0): Origin {
  return { location: { file: c.pos.file, line: c.pos.line, column: c.pos.column + columnDelta }, chain: c.chain };
}

class PreprocessedLine implements SourceLine {
  constructor(
    readonly text: string,
    private readonly segs: Segment[],
    private readonly base: CharOrigin,
  ) {}

  private charAt(idx: number): CharOrigin {
    let lo = 0;
    let hi = this.segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segs[mid].start <= idx) lo = mid;
      else hi = mid - 1;
    }
    const s = this.segs[lo];
    if (s.tok) return charOrigin(s.tok, idx - s.start);
    if (s.indent) return { pos: { ...s.indent.pos, column: s.indent.pos.column + idx - s.start }, chain: s.indent.chain };
    if (s.after) {
      const c = charOrigin(s.after, s.after.text.length - 1);
      return { pos: { ...c.pos, column: c.pos.column + 1 }, chain: c.chain };
    }
    const n = charOrigin(s.before!, 0);
    return { pos: { ...n.pos, column: Math.max(1, n.pos.column - 1) }, chain: n.chain };
  }

  locate(column: number): Origin {
    if (this.text.length === 0 || this.segs.length === 0) return toOrigin(this.base);
    const idx = Math.max(0, column - 1);
    if (idx >= this.text.length) return toOrigin(this.charAt(this.text.length - 1), 1);
    return toOrigin(this.charAt(idx));
  }
}

export class Printer implements Sink {
  readonly lines: SourceLine[] = [];
  private text = '';
  private segs: Segment[] = [];
  private base: CharOrigin | null = null;
  private printed = false;
  private prev: Token | null = null;
  private source: Token | null = null;
  private avoid = false;
  private indent = 0;

  private endLine(): void {
    if (this.printed) {
      this.lines.push(new PreprocessedLine(this.text, this.segs, this.base ?? { pos: { file: '', line: 0, column: 0 }, chain: [] }));
      this.text = '';
      this.segs = [];
      this.base = null;
    }
    this.lastTok = null;
    this.printed = false;
  }

  private lastTok: Token | null = null;

  private space(next: Token): void {
    this.segs.push(this.lastTok ? { start: this.text.length, after: this.lastTok } : { start: this.text.length, before: next });
    this.text += ' ';
  }

  lineChange(tok: Token, byteColumn: number): void {
    this.endLine();
    this.prev = null;
    this.source = null;
    const o = charOrigin(tok, 0);
    this.base = { pos: { file: o.pos.file, line: o.pos.line, column: 1 }, chain: o.chain };
    this.indent = Math.max(0, byteColumn - 2);
    this.lastTok = null;
    if (this.indent > 0) {
      this.segs.push({ start: 0, indent: this.base });
      this.text = ' '.repeat(this.indent);
    }
    this.printed = true;
  }

  fileChange(): void {
    this.endLine();
  }

  restartLine(): void {
    const base = this.base;
    const indent = this.indent;
    this.endLine();
    if (!base) return;
    this.prev = null;
    this.source = null;
    this.base = base;
    this.lastTok = null;
    if (indent > 0) {
      this.segs.push({ start: 0, indent: base });
      this.text = ' '.repeat(indent);
    }
    this.printed = true;
  }

  pragma(name: Token, args: Token[]): void {
    this.endLine();
    // "#pragma " maps to the pragma's name, the name to itself.
    const o = charOrigin(name, 0);
    const chars = [...Array.from({ length: 8 }, () => o), ...charOrigins(name)];
    const header: Token = { kind: 'other', text: `#pragma ${name.text}`, flags: 0, pos: o.pos, chain: o.chain, chars };
    this.base = o;
    this.segs.push({ start: 0, tok: header });
    this.text = header.text;
    this.lastTok = header;
    this.prev = header;
    this.source = null;
    this.avoid = false;
    this.printed = true;
    for (const t of args) {
      if (t.kind === 'padding') this.padding(t);
      else this.token(t);
    }
    this.endLine();
  }

  padding(tok: Token): void {
    this.avoid = true;
    if (this.source === null || (!(this.source.flags & PREV_WHITE) && tok.source == null)) this.source = tok.source ?? null;
  }

  token(tok: Token): void {
    if (this.avoid) {
      const source = this.source ?? tok;
      if (source.flags & PREV_WHITE || (this.prev && avoidPaste(this.prev, tok)) || (this.prev === null && isPunct(tok, '#'))) this.space(tok);
    } else if (tok.flags & PREV_WHITE) this.space(tok);
    this.avoid = false;
    this.source = null;
    this.prev = tok;
    if (tok.text.length > 0) {
      this.segs.push({ start: this.text.length, tok });
      this.text += tok.text;
      this.lastTok = tok;
    }
    if (!this.base) this.base = charOrigin(tok, 0);
    this.printed = true;
  }

  finish(): SourceLine[] {
    this.endLine();
    return this.lines;
  }
}
