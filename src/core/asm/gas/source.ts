/**
 * Statements as the GAS front end sees them, and the "scrubber" that produces them.
 *
 * GNU as runs every input file through a small state machine (app.c) before parsing: comments go,
 * runs of whitespace collapse, character constants become decimal numbers, and whitespace inside
 * operands survives only between two "symbol characters". That last rule decides how macro
 * arguments split (`m a + b` passes one argument, `m a -b` two), so we reproduce it. Macro
 * expansions are not scrubbed again, exactly as in GNU as.
 */
import type { ExpansionFrame, Origin, SourceLine, SourceLocation } from '../types.js';

/** One statement: the scrubbed text, where each character came from, and how we got here. */
export interface Stmt {
  text: string;
  /** 1-based column in `src.text` for every character of `text`, plus one entry for the end. */
  cols: number[];
  src: SourceLine;
  /**
   * Macro / loop expansion frames, innermost first, ending with the chain of the outermost
   * invocation. Undefined for statements read directly from the input.
   */
  frames?: ExpansionFrame[];
}

/** Where character `index` of a statement came from. */
export function originAt(stmt: Stmt, index: number): Origin {
  const i = Math.max(0, Math.min(index, stmt.cols.length - 1));
  const o = stmt.src.locate(stmt.cols[i] ?? 1);
  if (!stmt.frames) return o;
  const own: ExpansionFrame[] = [];
  for (const f of o.chain) {
    if (f.kind !== 'define') break;
    own.push(f);
  }
  return { location: o.location, chain: [...own, ...stmt.frames] };
}

/** The location of characters [start, end) of a statement (endColumn only when on one line). */
export function spanAt(stmt: Stmt, start: number, end?: number): Origin {
  const o = originAt(stmt, start);
  if (end !== undefined && end > start) {
    const last = stmt.src.locate(stmt.cols[Math.min(end - 1, stmt.cols.length - 1)] ?? 1).location;
    const loc: SourceLocation = o.location;
    if (last.file === loc.file && last.line === loc.line && last.column >= loc.column) {
      return { location: { ...loc, endColumn: last.column + 1 }, chain: o.chain };
    }
  }
  return o;
}

/** Splits physical text into SourceLines for `.s` input (one line per `\n`, CR dropped). */
export function linesOfText(text: string, fileName: string): SourceLine[] {
  const raw = text.split('\n');
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  return raw.map((t, i) => {
    const line = t.endsWith('\r') ? t.slice(0, -1) : t;
    return {
      text: line,
      locate(column: number): Origin {
        const c = Math.max(1, Math.min(column, line.length + 1));
        return { location: { file: fileName, line: i + 1, column: c }, chain: [] };
      },
    };
  });
}

const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\r';
/** Characters the scrubber treats as parts of symbols (GNU as adds `*%-([{}` and `$` for x86). */
export const isSymbolComponent = (c: string | undefined): boolean =>
  c !== undefined && /[A-Za-z0-9_.$*%\-([{}]/.test(c);

function escapeChar(c: string | undefined): string {
  switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case undefined: return '\\';
    default: return c;
  }
}

export interface ScrubWarning {
  src: SourceLine;
  column: number;
  message: string;
}

/**
 * Scrubs physical lines into statements. Keeps the `/* ... *\/` state across lines, so feed the
 * lines of one file in order.
 */
export class Scrubber {
  private inComment = false;
  readonly warnings: ScrubWarning[] = [];

  /** True while inside an unterminated block comment (for an end-of-file check). */
  get inBlockComment(): boolean {
    return this.inComment;
  }

  scrub(src: SourceLine, out: Stmt[]): void {
    const s = src.text;
    let text = '';
    let cols: number[] = [];
    // 0 statement start, 1 after leading blank, 2 in the opcode, 3 operands (drop blanks),
    // 9 after a symbol character in operands, 10 blank after one, 11 first word at start.
    let state = 0;
    const put = (ch: string, col: number) => {
      text += ch;
      cols.push(col);
    };
    const flush = (endCol: number) => {
      while (text.endsWith(' ')) {
        text = text.slice(0, -1);
        cols.pop();
      }
      if (text.length) out.push({ text, cols: [...cols, endCol], src });
      text = '';
      cols = [];
      state = 0;
    };
    const blank = (col: number) => {
      switch (state) {
        case 0: state = 1; break;
        case 2: case 11: put(' ', col); state = 3; break;
        case 9: state = 10; break;
        default: break;
      }
    };
    let i = 0;
    while (i < s.length) {
      if (this.inComment) {
        const end = s.indexOf('*/', i);
        if (end < 0) {
          i = s.length;
          break;
        }
        i = end + 2;
        this.inComment = false;
        continue;
      }
      const c = s[i];
      const col = i + 1;
      if (isWs(c)) {
        blank(col);
        i++;
        continue;
      }
      if (c === '"') {
        if (state === 10) put(' ', col);
        state = state === 0 ? 11 : state === 1 ? 2 : state === 2 || state === 11 ? state : 9;
        put(c, col);
        i++;
        let closed = false;
        while (i < s.length) {
          const d = s[i];
          put(d, i + 1);
          i++;
          if (d === '\\' && i < s.length) {
            put(s[i], i + 1);
            i++;
          } else if (d === '"') {
            closed = true;
            break;
          }
        }
        if (!closed) {
          this.warnings.push({ src, column: col, message: 'unterminated string; newline inserted' });
          put('"', s.length + 1);
        }
        continue;
      }
      if (c === "'") {
        let ch: string;
        let n = 1;
        if (i + 1 >= s.length) ch = '\n';
        else if (s[i + 1] === '\\') {
          ch = escapeChar(s[i + 2]);
          n = i + 2 < s.length ? 3 : 2;
        } else {
          ch = s[i + 1];
          n = 2;
        }
        if (s[i + n] === "'") n++;
        for (const d of String(ch.codePointAt(0) ?? 0)) put(d, col);
        if (state === 9) state = 3;
        else if (state === 0) state = 11;
        else if (state === 1) state = 2;
        i += n;
        continue;
      }
      if (c === '#') break;
      if (c === '/') {
        if (s[i + 1] === '*') {
          this.inComment = true;
          blank(col);
          i += 2;
          continue;
        }
        if (state === 0 || state === 1) break;
      }
      if (c === ';') {
        flush(col);
        i++;
        continue;
      }
      if (c === ':') {
        put(c, col);
        if (state === 9 || state === 10) state = 3;
        else if (state !== 3) state = 1;
        i++;
        continue;
      }
      if (isSymbolComponent(c)) {
        if (state === 10) {
          put(' ', col);
          state = 3;
        }
        if (state === 0) state = 11;
        else if (state === 1) state = 2;
        else if (state === 3) state = 9;
        put(c, col);
        i++;
        continue;
      }
      if (state === 0) state = 11;
      else if (state === 1) state = 2;
      else if (state === 9) state = 3;
      else if (state === 10) {
        if (c === '\\') put(' ', col);
        state = 3;
      }
      put(c, col);
      i++;
    }
    flush(s.length + 1);
  }
}

/**
 * Splits expanded (unscrubbed) text at `;` outside strings, trimming blanks; used for macro and
 * loop expansions, whose text GNU as reads without scrubbing it again.
 */
export function splitStatements(stmt: Stmt): Stmt[] {
  const t = stmt.text;
  if (!t.includes(';') && !isWs(t[0]) && !isWs(t[t.length - 1])) return t.length ? [stmt] : [];
  const out: Stmt[] = [];
  let start = 0;
  let inStr = false;
  const emit = (a: number, b: number) => {
    while (a < b && isWs(t[a])) a++;
    while (b > a && isWs(t[b - 1])) b--;
    if (b > a) out.push({ text: t.slice(a, b), cols: stmt.cols.slice(a, b + 1), src: stmt.src, frames: stmt.frames });
  };
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === ';') {
      emit(start, i);
      start = i + 1;
    }
  }
  emit(start, t.length);
  return out;
}
