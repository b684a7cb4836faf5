/**
 * Preprocessing tokens, modelled on GCC's cpplib (the behaviour we reproduce is
 * `gcc -E -x assembler-with-cpp`). Every token knows where each of its characters came from, so
 * the output lines can map any column back to the user's text.
 */
import type { ExpansionFrame, SourceLocation } from '../types.js';

export type TokKind =
  | 'name'
  | 'number'
  | 'char'
  | 'wchar'
  | 'string'
  | 'wstring'
  | 'header'
  | 'punct'
  | 'other'
  | 'eof'
  | 'padding'
  /** A macro parameter reference inside a function-like macro body. */
  | 'arg';

/** Whitespace (or a comment) preceded the token. */
export const PREV_WHITE = 1;
/** First token of a logical line. */
export const BOL = 2;
/** An identifier that must never be expanded (it named a macro inside its own expansion). */
export const NO_EXPAND = 4;
/** The token is the left operand of `##`. */
export const PASTE_LEFT = 8;
/** A parameter operand of `#` (or `#__VA_OPT__`). */
export const STRINGIFY_ARG = 16;

/** Where one character came from. */
export interface CharOrigin {
  pos: SourceLocation;
  chain: ExpansionFrame[];
}

export interface Token {
  kind: TokKind;
  /** Spelling (backslash-newlines removed). */
  text: string;
  flags: number;
  /** Origin of the first character (for tokens without `chars`, character i is at column + i). */
  pos: SourceLocation;
  chain: ExpansionFrame[];
  /** Per-character origins, for tokens that are not one contiguous run of source text. */
  chars?: CharOrigin[];
  /** Padding tokens: the token whose spacing decides whether a space is printed (cpplib's val.source). */
  source?: Token | null;
  /** 'arg' tokens: parameter index. */
  argIndex?: number;
  /** EOF tokens: this one ends an argument being pre-expanded (cpplib's &pfile->eof). */
  argEnd?: boolean;
  /** EOF tokens from the lexer at the end of a file (rather than of a directive line). */
  fileEnd?: boolean;
}

export function charOrigin(tok: Token, i: number): CharOrigin {
  if (tok.chars && tok.chars.length > 0) return tok.chars[Math.max(0, Math.min(i, tok.chars.length - 1))];
  return { pos: { file: tok.pos.file, line: tok.pos.line, column: tok.pos.column + i }, chain: tok.chain };
}

/** All character origins of a token (materialised). */
export function charOrigins(tok: Token): CharOrigin[] {
  if (tok.chars) return tok.chars;
  const out: CharOrigin[] = [];
  for (let i = 0; i < tok.text.length; i++) out.push(charOrigin(tok, i));
  return out;
}

export function padding(source: Token | null): Token {
  return { kind: 'padding', text: '', flags: 0, pos: source?.pos ?? NOWHERE, chain: source?.chain ?? [], source };
}

export const NOWHERE: SourceLocation = { file: '<built-in>', line: 0, column: 0 };

/** cpplib's &pfile->avoid_paste: padding with no source, inserted where two tokens must not merge. */
export const AVOID_PASTE: Token = { kind: 'padding', text: '', flags: 0, pos: NOWHERE, chain: [], source: null };

export function isPunct(tok: Token, text: string): boolean {
  return tok.kind === 'punct' && tok.text === text;
}

/** Operators that can be followed by '=' to form another operator (cpplib: types <= CPP_LAST_EQ). */
const PASTES_WITH_EQ = new Set(['=', '!', '>', '<', '+', '-', '*', '/', '%', '&', '|', '^', '>>', '<<']);

/**
 * cpp_avoid_paste: would printing `b` right after `a` change the tokenisation? (Conservative,
 * exactly as GCC decides, so the output text matches `gcc -E` character for character.)
 */
export function avoidPaste(a: Token, b: Token): boolean {
  const c = b.kind === 'punct' ? b.text[0] : undefined;
  if (a.kind === 'punct') {
    if (PASTES_WITH_EQ.has(a.text) && c === '=') return true;
    switch (a.text) {
      case '>':
        return c === '>';
      case '<':
        return c === '<' || c === '%' || c === ':';
      case '+':
        return c === '+';
      case '-':
        return c === '-' || c === '>';
      case '/':
        return c === '/' || c === '*';
      case '%':
        return c === ':' || c === '%';
      case '&':
        return c === '&';
      case '|':
        return c === '|';
      case ':':
        return c === ':' || c === '>';
      case '->':
        return c === '*';
      case '.':
        return c === '.' || c === '%' || b.kind === 'number';
      case '#':
        return c === '#' || c === '%';
      case '<=':
        return c === '>';
      default:
        return false;
    }
  }
  switch (a.kind) {
    case 'name':
      return (
        (b.kind === 'number' && /^[A-Za-z0-9_]+$/.test(b.text)) ||
        b.kind === 'name' ||
        b.kind === 'char' ||
        b.kind === 'string'
      );
    case 'number':
      return b.kind === 'number' || b.kind === 'name' || b.kind === 'char' || c === '.' || c === '+' || c === '-';
    case 'other':
      return a.text[0] === '\\' && b.kind === 'name';
    default:
      return false;
  }
}
