/**
 * C expressions, plus (in debugger mode) the AT&T spellings a user hovers in `.S` source.
 *
 * How C and AT&T are told apart (debugger mode):
 *  - `%name` is always a register; `$name` is a register when `name` is one (gdb's `$rsp`),
 *    otherwise the immediate `$sym` / `$5` / `$(expr)` (the number itself, a symbol's address);
 *    a bare `name` is a register when it is a register name, otherwise a C name.
 *  - A memory operand `disp(base, index, scale)` is recognised wherever a C operand may start:
 *    the parser first tries an assembler displacement (numbers, symbols, `+ - * / % << >> & ^ |`,
 *    parentheses; no registers, casts or dereferences) followed by a `(` whose contents begin
 *    with a `%` register or with `,`. Everything before that `(` is the displacement, as in GAS:
 *    `-8(%rbp)` is the quadword at rbp-8 (not the negation of 8(%rbp)), `foo+8(%rax)` is at
 *    foo+8+rax. If that fails, the tokens are read again as C. So `(%rax)` is memory while
 *    `(rax)` is the value of rax, and `(u32)8(%rsp)` casts the memory operand.
 *  - `%seg:` (es cs ss ds fs gs) prefixes a displacement and/or base-index group:
 *    `%gs:cpu_tss_rw+0x14`, `%gs:0x14`, `%gs:(cpu_tss_rw + 20)`, `%fs:8(%rax)`.
 *  - Inside displacements and `$` immediates names denote symbol values (addresses), as the
 *    assembler reads them, never the C objects.
 */
import { charConstantValue, lexC, type CToken } from './c-lexer.js';
import { INT, LONG, UINT, ULONG, type CType } from './ctype-model.js';

export class ParseError extends Error {
  constructor(
    message: string,
    /** Offset (0-based) in the lexed text, and the lexer line, of the offending token. */
    readonly start: number,
    readonly line: number,
  ) {
    super(message);
  }
}

export type SegmentName = 'es' | 'cs' | 'ss' | 'ds' | 'fs' | 'gs';
export const SEGMENT_NAMES: readonly SegmentName[] = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

interface At {
  /** Offset of the node's first (or operator) token in the text, for error columns. */
  pos: number;
  line: number;
}

export type Expr = At &
  (
    | { k: 'num'; value: bigint; type: CType }
    | { k: 'ident'; name: string }
    | { k: 'reg'; name: string; sigil: '%' | '$' | '' }
    | { k: 'unary'; op: '-' | '+' | '~' | '!' | '*' | '&'; arg: Expr }
    | { k: 'binary'; op: string; left: Expr; right: Expr }
    | { k: 'cond'; test: Expr; then: Expr; else: Expr }
    | { k: 'cast'; type: CType; arg: Expr }
    | { k: 'sizeof'; type?: CType; arg?: Expr }
    | { k: 'alignof'; type: CType }
    | { k: 'offsetof'; type: CType; path: string[] }
    | { k: 'member'; obj: Expr; field: string; arrow: boolean; fieldPos: number }
    | { k: 'index'; obj: Expr; index: Expr }
    | { k: 'call'; name: string; args: Expr[] }
    | { k: 'mem'; segment?: SegmentName; disp?: Expr; base?: Expr; index?: Expr; scale: number }
    | { k: 'imm'; arg: Expr }
    | { k: 'string'; text: string }
  );

export interface ExprParserOptions {
  /** AT&T operands, registers and `$` immediates (the debugger's language). */
  debugger: boolean;
  /** Register names a bare or `$` identifier may denote. */
  isRegister?: (name: string) => boolean;
}

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};
/** Operators allowed in an assembler displacement (GAS expression operators). */
const DISPLACEMENT_OPERATORS = new Set(['|', '^', '&', '<<', '>>', '+', '-', '*', '/', '%']);

/** Recursive-descent C expression parser; type names come from the subclass. */
export abstract class ExprParser {
  protected i = 0;

  constructor(
    protected tokens: CToken[],
    protected options: ExprParserOptions,
  ) {}

  /** True if the tokens at the cursor begin a type name (for casts, sizeof). */
  protected abstract atTypeName(): boolean;
  /** Parses a type name (`struct pt_regs *`, `unsigned long`, `u8 [16]`). */
  protected abstract parseTypeName(): CType;

  protected get tok(): CToken {
    return this.tokens[this.i];
  }
  protected peek(n = 1): CToken {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)];
  }
  protected is(text: string, t: CToken = this.tok): boolean {
    return (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
  }
  protected next(): CToken {
    const t = this.tok;
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  protected accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.i++;
    return true;
  }
  protected expect(text: string, what = `'${text}'`): CToken {
    if (!this.is(text)) throw this.error(`expected ${what}${this.tok.kind === 'eof' ? ' at end of input' : ` before '${this.tok.text}'`}`);
    return this.next();
  }
  protected error(message: string, t: CToken = this.tok): ParseError {
    return new ParseError(message, t.start, t.line);
  }
  protected at(t: CToken): At {
    return { pos: t.start, line: t.line };
  }

  parseExpression(): Expr {
    return this.parseConditional();
  }

  /** `a , b` is not supported (no side effects to sequence); callers parse one expression. */
  protected parseConditional(): Expr {
    const test = this.parseBinary(1);
    if (!this.is('?')) return test;
    const q = this.next();
    const then = this.parseExpression();
    this.expect(':');
    const otherwise = this.parseConditional();
    return { k: 'cond', test, then, else: otherwise, ...this.at(q) };
  }

  protected parseBinary(minPrecedence: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.tok;
      const prec = t.kind === 'punct' ? BINARY_PRECEDENCE[t.text] : undefined;
      if (prec === undefined || prec < minPrecedence) return left;
      this.next();
      const right = this.parseBinary(prec + 1);
      left = { k: 'binary', op: t.text, left, right, ...this.at(t) };
    }
  }

  protected parseUnary(): Expr {
    if (this.options.debugger) {
      const operand = this.tryMemoryOperand();
      if (operand) return this.parsePostfix(operand);
    }
    const t = this.tok;
    if (t.kind === 'punct' && ['-', '+', '~', '!', '*', '&'].includes(t.text)) {
      this.next();
      return { k: 'unary', op: t.text as '-', arg: this.parseUnary(), ...this.at(t) };
    }
    if (this.is('sizeof') || this.is('_Alignof') || this.is('__alignof__') || this.is('__alignof')) {
      this.next();
      if (this.is('(') && this.lookingAtTypeNameAfterParen()) {
        this.next();
        const type = this.parseTypeName();
        this.expect(')');
        return t.text === 'sizeof' ? { k: 'sizeof', type, ...this.at(t) } : { k: 'alignof', type, ...this.at(t) };
      }
      if (t.text !== 'sizeof') throw this.error(`${t.text} needs a type name in parentheses`);
      return { k: 'sizeof', arg: this.parseUnary(), ...this.at(t) };
    }
    if (this.is('(') && this.lookingAtTypeNameAfterParen()) {
      this.next();
      const type = this.parseTypeName();
      this.expect(')');
      return { k: 'cast', type, arg: this.parseUnary(), ...this.at(t) };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private lookingAtTypeNameAfterParen(): boolean {
    const save = this.i;
    this.i++;
    const yes = this.atTypeName();
    this.i = save;
    return yes;
  }

  protected parsePostfix(e: Expr): Expr {
    for (;;) {
      const t = this.tok;
      if (this.accept('[')) {
        const index = this.parseExpression();
        this.expect(']');
        e = { k: 'index', obj: e, index, ...this.at(t) };
      } else if (this.is('.') || this.is('->')) {
        this.next();
        const name = this.tok;
        if (name.kind !== 'ident') throw this.error(`expected a field name after '${t.text}'`);
        this.next();
        e = { k: 'member', obj: e, field: name.text, arrow: t.text === '->', fieldPos: name.start, ...this.at(t) };
      } else if (this.is('(') && e.k === 'ident') {
        this.next();
        const args: Expr[] = [];
        if (!this.is(')')) {
          do args.push(this.parseConditional());
          while (this.accept(','));
        }
        this.expect(')');
        e = { k: 'call', name: e.name, args, pos: e.pos, line: e.line };
      } else return e;
    }
  }

  protected parsePrimary(): Expr {
    const t = this.tok;
    if (t.kind === 'number') {
      this.next();
      return { k: 'num', ...parseIntegerLiteral(t), ...this.at(t) };
    }
    if (t.kind === 'char') {
      this.next();
      const value = charConstantValue(t.text);
      if (value === undefined) throw this.error(`invalid character constant ${t.text}`, t);
      return { k: 'num', value, type: INT, ...this.at(t) };
    }
    if (t.kind === 'string') {
      this.next();
      return { k: 'string', text: t.text.slice(1, -1), ...this.at(t) };
    }
    if (this.accept('(')) {
      const e = this.parseExpression();
      this.expect(')');
      return e;
    }
    if (this.is('__builtin_offsetof') || this.is('offsetof')) return this.parseOffsetof();
    if (this.options.debugger && this.is('%')) {
      const name = this.peek();
      if (name.kind !== 'ident' || name.start !== t.end) throw this.error(`expected a register name after '%'`, name);
      this.i += 2;
      return { k: 'reg', name: name.text.toLowerCase(), sigil: '%', ...this.at(t) };
    }
    if (this.options.debugger && this.is('$')) {
      const name = this.peek();
      this.next();
      if (name.kind === 'ident' && name.start === t.end && this.options.isRegister?.(name.text.toLowerCase())) {
        this.next();
        return { k: 'reg', name: name.text.toLowerCase(), sigil: '$', ...this.at(t) };
      }
      return { k: 'imm', arg: this.parseDisplacementOperand(), ...this.at(t) };
    }
    if (t.kind === 'ident') {
      this.next();
      if (this.options.debugger && this.options.isRegister?.(t.text.toLowerCase()) && !this.is('(')) {
        return { k: 'reg', name: t.text.toLowerCase(), sigil: '', ...this.at(t) };
      }
      return { k: 'ident', name: t.text, ...this.at(t) };
    }
    throw this.error(t.kind === 'eof' ? 'expected an expression at end of input' : `expected an expression before '${t.text}'`);
  }

  private parseOffsetof(): Expr {
    const t = this.next();
    this.expect('(');
    const type = this.parseTypeName();
    this.expect(',');
    const path: string[] = [];
    do {
      const name = this.tok;
      if (name.kind !== 'ident') throw this.error('expected a field name in offsetof');
      this.next();
      path.push(name.text);
    } while (this.accept('.'));
    this.expect(')');
    return { k: 'offsetof', type, path, ...this.at(t) };
  }

  // ---- AT&T operands (debugger mode) ----

  /** `(` followed by `%reg` then `,` or `)`, or by `,`: the base-index part of a memory operand. */
  private atBaseIndexGroup(): boolean {
    if (!this.is('(')) return false;
    const a = this.peek(1);
    if (this.is(',', a)) return true;
    return this.is('%', a) && this.peek(2).kind === 'ident' && (this.is(')', this.peek(3)) || this.is(',', this.peek(3)));
  }

  private tryMemoryOperand(): Expr | undefined {
    const start = this.tok;
    const save = this.i;
    let segment: SegmentName | undefined;
    if (this.is('%') && this.peek().kind === 'ident' && this.is(':', this.peek(2))) {
      const name = this.peek().text.toLowerCase() as SegmentName;
      if (SEGMENT_NAMES.includes(name)) {
        segment = name;
        this.i += 3;
      }
    }
    let disp: Expr | undefined;
    if (!this.atBaseIndexGroup()) {
      if (!segment && !this.couldStartDisplacement()) return undefined;
      try {
        disp = this.parseDisplacement(1);
      } catch (e) {
        if (segment) throw e;
        this.i = save;
        return undefined;
      }
    }
    if (!this.atBaseIndexGroup()) {
      if (segment) return { k: 'mem', segment, disp, scale: 1, ...this.at(start) };
      this.i = save;
      return undefined;
    }
    return this.parseBaseIndexGroup(segment, disp, start);
  }

  private couldStartDisplacement(): boolean {
    const t = this.tok;
    return t.kind === 'number' || t.kind === 'char' || t.kind === 'ident' || this.is('(') || this.is('-') || this.is('~') || this.is('+');
  }

  private parseBaseIndexGroup(segment: SegmentName | undefined, disp: Expr | undefined, start: CToken): Expr {
    this.expect('(');
    let base: Expr | undefined;
    let index: Expr | undefined;
    let scale = 1;
    if (!this.is(',')) base = this.parseAtRegister();
    if (this.accept(',')) {
      if (!this.is(')') && !this.is(',')) index = this.parseAtRegister();
      if (this.accept(',')) {
        const s = this.tok;
        if (s.kind !== 'number' || !['1', '2', '4', '8'].includes(s.text)) throw this.error('scale factor must be 1, 2, 4 or 8', s);
        this.next();
        scale = Number(s.text);
      }
    }
    this.expect(')');
    return { k: 'mem', segment, disp, base, index, scale, ...this.at(start) };
  }

  private parseAtRegister(): Expr {
    const t = this.tok;
    const name = this.peek();
    if (!this.is('%') || name.kind !== 'ident') throw this.error(`expected a %register`);
    this.i += 2;
    return { k: 'reg', name: name.text.toLowerCase(), sigil: '%', ...this.at(t) };
  }

  /** An assembler displacement expression (see the file comment). */
  private parseDisplacement(minPrecedence: number): Expr {
    let left = this.parseDisplacementOperand();
    for (;;) {
      const t = this.tok;
      const prec = t.kind === 'punct' && DISPLACEMENT_OPERATORS.has(t.text) ? BINARY_PRECEDENCE[t.text] : undefined;
      if (prec === undefined || prec < minPrecedence) return left;
      this.next();
      const right = this.parseDisplacement(prec + 1);
      left = { k: 'binary', op: t.text, left, right, ...this.at(t) };
    }
  }

  private parseDisplacementOperand(): Expr {
    const t = this.tok;
    if (this.is('-') || this.is('~') || this.is('+')) {
      this.next();
      return { k: 'unary', op: t.text as '-', arg: this.parseDisplacementOperand(), ...this.at(t) };
    }
    if (t.kind === 'number' || t.kind === 'char') return this.parsePrimary();
    if (t.kind === 'ident') {
      if (this.atTypeName()) throw this.error(`a type name cannot be part of an address`);
      this.next();
      return { k: 'ident', name: t.text, ...this.at(t) };
    }
    if (this.is('(') && !this.atBaseIndexGroup()) {
      this.next();
      const e = this.parseDisplacement(1);
      this.expect(')');
      return e;
    }
    throw this.error(`expected an address expression`);
  }
}

/** C integer literal with its type (C11 6.4.4.1), plus `0b` and the debugger's `0o` octal. */
export function parseIntegerLiteral(t: CToken): { value: bigint; type: CType } {
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)([uU]?(?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU])$/.exec(t.text);
  if (!m) throw new ParseError(`invalid number '${t.text}'`, t.start, t.line);
  const digits = m[1];
  const value = /^0[oO]/.test(digits) ? BigInt('0o' + digits.slice(2)) : /^0[0-7]+$/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
  const suffix = m[2].toLowerCase();
  const unsigned = suffix.includes('u');
  const long = suffix.includes('l');
  const decimal = /^[1-9]/.test(digits) || digits === '0';
  if (value >= 1n << 64n) throw new ParseError(`integer constant '${t.text}' is too large`, t.start, t.line);
  // Candidates in order; decimal literals without `u` never become unsigned int (but GCC makes
  // a too-large one unsigned long, with a warning).
  const candidates: CType[] = long
    ? unsigned ? [ULONG] : decimal ? [LONG, ULONG] : [LONG, ULONG]
    : unsigned ? [UINT, ULONG] : decimal ? [INT, LONG, ULONG] : [INT, UINT, LONG, ULONG];
  const fits = (c: CType) => c.kind === 'int' && value < (c.signed ? 1n << BigInt(c.size * 8 - 1) : 1n << BigInt(c.size * 8));
  return { value, type: candidates.find(fits) ?? ULONG };
}

/** Tokens of one debugger expression (columns are offsets + 1). */
export function lexExpression(text: string): { tokens: CToken[]; problem?: ParseError } {
  const problems: Array<{ message: string; start: number; line: number }> = [];
  const tokens = lexC(text, 0, problems);
  const p = problems[0];
  return { tokens, problem: p ? new ParseError(p.message, p.start, 0) : undefined };
}
