/**
 * Expressions: a cursor over a statement, the GAS expression grammar, and the AST.
 *
 * Precedence (GNU as, measured against 2.40), all binary operators left-associative:
 *   5: * / % << >>      4: | & ^ ! (or-not)      3: + -
 *   2: == != <> < > <= >=   (true is -1)         1: &&        0: ||
 * Unary: - ~ ! +. Arithmetic is 64-bit; `>>` is a logical shift.
 */
import type { Stmt } from './source.js';

export type BinOp =
  | '*' | '/' | '%' | '<<' | '>>' | '|' | '&' | '^' | '!'
  | '+' | '-' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '&&' | '||';
export type UnOp = '-' | '~' | '!' | '+';

interface Span {
  pos: number;
  end: number;
}
export type Expr =
  | ({ k: 'num'; v: bigint } & Span)
  | ({ k: 'sym'; name: string } & Span)
  | ({ k: 'dot' } & Span)
  | ({ k: 'local'; label: string; dir: 'b' | 'f' } & Span)
  | ({ k: 'un'; op: UnOp; e: Expr } & Span)
  | ({ k: 'bin'; op: BinOp; l: Expr; r: Expr } & Span);

const RANK: Record<BinOp, number> = {
  '*': 5, '/': 5, '%': 5, '<<': 5, '>>': 5,
  '|': 4, '&': 4, '^': 4, '!': 4,
  '+': 3, '-': 3,
  '==': 2, '!=': 2, '<': 2, '>': 2, '<=': 2, '>=': 2,
  '&&': 1, '||': 0,
};

export const isNameStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_.]/.test(c);
export const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_.$]/.test(c);

export type Reporter = (severity: 'error' | 'warning', start: number, end: number, message: string) => void;

/** A position in a statement's text, with helpers for the little parsers of the front end. */
export class Cursor {
  constructor(
    readonly stmt: Stmt,
    public pos: number,
    readonly end: number = stmt.text.length,
  ) {}
  get text(): string {
    return this.stmt.text;
  }
  peek(o = 0): string | undefined {
    const i = this.pos + o;
    return i < this.end ? this.stmt.text[i] : undefined;
  }
  eof(): boolean {
    this.skipWs();
    return this.pos >= this.end;
  }
  skipWs(): void {
    while (this.pos < this.end && (this.stmt.text[this.pos] === ' ' || this.stmt.text[this.pos] === '\t')) this.pos++;
  }
  /** Consumes `s` (after blanks) if it is next. */
  eat(s: string): boolean {
    this.skipWs();
    if (this.stmt.text.startsWith(s, this.pos) && this.pos + s.length <= this.end) {
      this.pos += s.length;
      return true;
    }
    return false;
  }
  /** Reads a symbol name (after blanks), or undefined. */
  name(): string | undefined {
    this.skipWs();
    if (!isNameStart(this.peek())) return undefined;
    const start = this.pos;
    while (this.pos < this.end && isNameChar(this.stmt.text[this.pos])) this.pos++;
    return this.stmt.text.slice(start, this.pos);
  }
  rest(): string {
    return this.stmt.text.slice(this.pos, this.end);
  }
}

/** Parses an integer literal or local-label reference at the cursor (no sign). */
function parseNumber(cur: Cursor, report: Reporter): Expr {
  const t = cur.text;
  const start = cur.pos;
  let i = start;
  const end = cur.end;
  const lower = (k: number) => (k < end ? t[k].toLowerCase() : '');
  let v: bigint;
  if (t[i] === '0' && lower(i + 1) === 'x') {
    i += 2;
    const s = i;
    while (i < end && /[0-9a-fA-F]/.test(t[i])) i++;
    if (i === s) {
      report('error', start, i, 'bad expression');
      cur.pos = i;
      return { k: 'num', v: 0n, pos: start, end: i };
    }
    v = BigInt('0x' + t.slice(s, i));
  } else if (t[i] === '0' && lower(i + 1) === 'b' && /[01]/.test(t[i + 2] ?? '') && i + 2 < end) {
    i += 2;
    const s = i;
    while (i < end && /[01]/.test(t[i])) i++;
    v = BigInt('0b' + t.slice(s, i));
  } else {
    const s = i;
    while (i < end && /[0-9]/.test(t[i])) i++;
    const digits = t.slice(s, i);
    const next = lower(i);
    if ((next === 'b' || next === 'f') && (i + 1 >= end || !isNameChar(t[i + 1]))) {
      cur.pos = i + 1;
      return { k: 'local', label: String(BigInt(digits)), dir: next as 'b' | 'f', pos: start, end: i + 1 };
    }
    if (digits.length > 1 && digits[0] === '0') {
      if (/[89]/.test(digits)) report('error', start, i, `bad octal number \`${digits}'`);
      v = BigInt('0o' + digits.replace(/[89]/g, '0'));
    } else v = BigInt(digits);
  }
  if (isNameChar(t[i]) && i < end) {
    // e.g. `12abc` — GNU as reports junk after the number
    let j = i;
    while (j < end && isNameChar(t[j])) j++;
    report('error', start, j, `invalid number \`${t.slice(start, j)}'`);
    i = j;
  }
  cur.pos = i;
  return { k: 'num', v, pos: start, end: i };
}

function readBinOp(cur: Cursor): BinOp | undefined {
  cur.skipWs();
  const t = cur.text;
  const i = cur.pos;
  if (i >= cur.end) return undefined;
  const two = t.slice(i, Math.min(i + 2, cur.end));
  switch (two) {
    case '<<': case '>>': case '==': case '!=': case '<=': case '>=': case '&&': case '||':
      return two as BinOp;
    case '<>':
      return '!=';
  }
  const c = t[i];
  if ('*/%|&^!+-<>'.includes(c)) return c as BinOp;
  return undefined;
}

function opLength(cur: Cursor, op: BinOp): number {
  const t = cur.text.slice(cur.pos, cur.pos + 2);
  if (op === '!=' && t === '<>') return 2;
  return op.length;
}

/**
 * Parses an expression at the cursor. Stops (without error) at a comma, closing parenthesis or
 * anything that cannot continue an expression; the caller checks what follows.
 */
export function parseExpr(cur: Cursor, report: Reporter): Expr {
  return parseBinary(cur, report, 0);
}

function parseBinary(cur: Cursor, report: Reporter, minRank: number): Expr {
  let left = parseUnary(cur, report);
  for (;;) {
    const save = cur.pos;
    const op = readBinOp(cur);
    if (op === undefined || RANK[op] < minRank) {
      cur.pos = save;
      return left;
    }
    // `%reg` is not an operator; a register after an expression ends it.
    if (op === '%' && isNameStart(cur.peek(1)) && looksLikeRegister(cur.text.slice(cur.pos + 1, cur.end))) {
      cur.pos = save;
      return left;
    }
    cur.pos += opLength(cur, op);
    const right = parseBinary(cur, report, RANK[op] + 1);
    left = { k: 'bin', op, l: left, r: right, pos: left.pos, end: right.end };
  }
}

const REG_RE = /^(?:[re]?[abcd]x|[abcd][lh]|[re]?(?:si|di|sp|bp|ip)|(?:si|di|sp|bp)l|r(?:[89]|1[0-5])[dwb]?|[c-gs]s|cr\d+|dr\d+|st|mm\d|[xyz]mm\d+|k[0-7])\b/i;
export const looksLikeRegister = (s: string): boolean => REG_RE.test(s);

function parseUnary(cur: Cursor, report: Reporter): Expr {
  cur.skipWs();
  const c = cur.peek();
  const start = cur.pos;
  if (c === '-' || c === '~' || c === '!' || c === '+') {
    cur.pos++;
    const e = parseUnary(cur, report);
    return { k: 'un', op: c, e, pos: start, end: e.end };
  }
  if (c === '(') {
    cur.pos++;
    const e = parseExpr(cur, report);
    cur.skipWs();
    if (cur.peek() === ')') cur.pos++;
    else {
      const f = cur.peek();
      report('error', cur.pos, cur.pos + 1, f === undefined ? `missing ')'` : `found '${f}', expected: ')'`);
    }
    return { ...e, pos: start, end: cur.pos };
  }
  if (c !== undefined && /[0-9]/.test(c)) return parseNumber(cur, report);
  if (c === '.' && !isNameChar(cur.peek(1))) {
    cur.pos++;
    return { k: 'dot', pos: start, end: cur.pos };
  }
  if (isNameStart(c)) {
    const name = cur.name()!;
    if (cur.peek() === '@') {
      let j = cur.pos + 1;
      while (j < cur.end && isNameChar(cur.text[j])) j++;
      report('error', cur.pos, j, `relocation specifier \`${cur.text.slice(cur.pos, j)}' is not supported`);
      cur.pos = j;
    }
    return { k: 'sym', name, pos: start, end: cur.pos };
  }
  if (c === '"') {
    // A quoted symbol name ("foo bar").
    let j = cur.pos + 1;
    let name = '';
    while (j < cur.end && cur.text[j] !== '"') {
      if (cur.text[j] === '\\' && j + 1 < cur.end) j++;
      name += cur.text[j++];
    }
    cur.pos = Math.min(j + 1, cur.end);
    return { k: 'sym', name, pos: start, end: cur.pos };
  }
  if (c === '%') {
    const m = /^%[A-Za-z0-9_]+/.exec(cur.text.slice(cur.pos, cur.end));
    if (m) {
      report('error', start, start + m[0].length, `register \`${m[0]}' is not allowed in an expression`);
      cur.pos += m[0].length;
      return { k: 'num', v: 0n, pos: start, end: cur.pos };
    }
  }
  report('warning', start, start + 1, 'missing operand; zero assumed');
  return { k: 'num', v: 0n, pos: start, end: start };
}

/** 64-bit two's complement wrap, as GNU as computes with offsetT. */
export const wrap64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Applies a binary operator to two constants with GNU as semantics (warnings via `warn`). */
export function applyBinary(op: BinOp, a: bigint, b: bigint, warn: (msg: string) => void): bigint {
  switch (op) {
    case '+': return wrap64(a + b);
    case '-': return wrap64(a - b);
    case '*': return wrap64(a * b);
    case '/':
      if (b === 0n) {
        warn('division by zero');
        return 0n;
      }
      return wrap64(wrap64(a) / wrap64(b));
    case '%':
      if (b === 0n) {
        warn('division by zero');
        return 0n;
      }
      return wrap64(wrap64(a) % wrap64(b));
    case '<<': return b >= 64n || b < 0n ? 0n : wrap64(a << b);
    case '>>': return b >= 64n || b < 0n ? 0n : wrap64(BigInt.asUintN(64, a) >> b);
    case '|': return wrap64(a | b);
    case '&': return wrap64(a & b);
    case '^': return wrap64(a ^ b);
    case '!': return wrap64(a | ~b);
    case '==': return wrap64(a) === wrap64(b) ? -1n : 0n;
    case '!=': return wrap64(a) !== wrap64(b) ? -1n : 0n;
    case '<': return wrap64(a) < wrap64(b) ? -1n : 0n;
    case '>': return wrap64(a) > wrap64(b) ? -1n : 0n;
    case '<=': return wrap64(a) <= wrap64(b) ? -1n : 0n;
    case '>=': return wrap64(a) >= wrap64(b) ? -1n : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
  }
}

export function applyUnary(op: UnOp, a: bigint): bigint {
  switch (op) {
    case '-': return wrap64(-a);
    case '~': return wrap64(~a);
    case '!': return a === 0n ? 1n : 0n;
    case '+': return a;
  }
}
