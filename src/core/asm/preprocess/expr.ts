/**
 * `#if` / `#elif` expressions, evaluated the way cpplib does (expr.cc): intmax_t/uintmax_t
 * (64-bit) arithmetic with the usual arithmetic conversions, an operator-precedence parser with
 * GCC's messages, short-circuit evaluation that suppresses division-by-zero errors, `defined`,
 * character constants (signed char, multi-character int constants), U/L/LL suffixes, and
 * unknown identifiers as 0.
 */
import { isPunct, type Token } from './tokens.js';

export interface Num {
  /** The value's 64 bits, 0 <= v < 2^64. */
  v: bigint;
  unsigned: boolean;
  overflow?: boolean;
}

export interface ExprHost {
  /** Next token of the directive, macro-expanded (EOF at the end of the line). */
  next(): Token;
  /** Next token without macro expansion (the operand of `defined`). */
  nextRaw(): Token;
  /** `at` is the name token (hosts may record the use). */
  isDefined(name: string, at?: Token): boolean;
  /** `#pred(answer)` assertion test; the `#` has been read. */
  testAssertion(hash: Token): Num;
  error(message: string, at: Token): void;
  warning(message: string, at: Token): void;
  /** Non-zero while evaluating an operand whose value cannot matter. */
  skipEval: number;
}

const MASK = (1n << 64n) - 1n;
const SIGN = 1n << 63n;

const trim = (v: bigint) => v & MASK;
const positive = (n: Num) => n.unsigned || (n.v & SIGN) === 0n;
const zerop = (n: Num) => n.v === 0n;
const signedVal = (v: bigint) => BigInt.asIntN(64, v);
const num = (v: bigint, unsigned: boolean, overflow = false): Num => ({ v: trim(v), unsigned, overflow });

function negate(n: Num): Num {
  const r = trim(-n.v);
  return { v: r, unsigned: n.unsigned, overflow: !n.unsigned && r === n.v && r !== 0n };
}

// ---------------------------------------------------------------------------------------------
// Numbers and character constants

type Classified =
  | { kind: 'int'; radix: number; digits: string; unsigned: boolean; imaginary: boolean }
  | { kind: 'float' }
  | { kind: 'invalid' };

function hexValue(c: string): number {
  return parseInt(c, 16);
}

/** cpp_classify_number (integers and enough of floats to reject them with GCC's messages). */
export function classifyNumber(text: string, at: Token, host: Pick<ExprHost, 'error'>): Classified {
  let radix = 10;
  let i = 0;
  if (text[0] === '0') {
    radix = 8;
    i = 1;
    if ((text[1] === 'x' || text[1] === 'X') && (text[2] === '.' || /[0-9a-fA-F]/.test(text[2] ?? ''))) {
      radix = 16;
      i = 2;
    } else if ((text[1] === 'b' || text[1] === 'B') && (text[2] === '0' || text[2] === '1')) {
      radix = 2;
      i = 2;
    }
  }
  const digitsStart = i;
  let float: 'no' | 'point' | 'expon' = 'no';
  let maxDigit = 0;
  let seenDigit = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (/[0-9]/.test(c) || (radix === 16 && /[a-fA-F]/.test(c))) {
      seenDigit = true;
      maxDigit = Math.max(maxDigit, hexValue(c));
    } else if (c === '.') {
      if (float === 'no') float = 'point';
      else {
        host.error('too many decimal points in number', at);
        return { kind: 'invalid' };
      }
    } else if ((radix <= 10 && (c === 'e' || c === 'E')) || (radix === 16 && (c === 'p' || c === 'P'))) {
      float = 'expon';
      i++;
      break;
    } else break;
  }
  let digitsEnd = i;
  if (float !== 'no' && radix === 8) radix = 10;
  if (maxDigit >= radix) {
    host.error(`invalid digit "${maxDigit}" in ${radix === 2 ? 'binary' : 'octal'} constant`, at);
    return { kind: 'invalid' };
  }
  if (float !== 'no') {
    if (radix === 2) {
      host.error('invalid prefix "0b" for floating constant', at);
      return { kind: 'invalid' };
    }
    if (radix === 16 && !seenDigit) {
      host.error('no digits in hexadecimal floating constant', at);
      return { kind: 'invalid' };
    }
    if (float === 'expon') {
      if (text[i] === '+' || text[i] === '-') i++;
      if (!/[0-9]/.test(text[i] ?? '')) {
        host.error('exponent has no digits', at);
        return { kind: 'invalid' };
      }
      while (/[0-9]/.test(text[i] ?? '')) i++;
    } else if (radix === 16) {
      host.error('hexadecimal floating constants require an exponent', at);
      return { kind: 'invalid' };
    }
    const suffix = text.slice(i);
    if (!/^(|[fFlL]|[fF](16|32|64|128)x?|[dD][fFdDlL]|[wWqQ]|[iIjJ][fFlL]?|[fFlL][iIjJ])$/.test(suffix)) {
      host.error(`invalid suffix "${suffix}" on floating constant`, at);
      return { kind: 'invalid' };
    }
    return { kind: 'float' };
  }
  const suffix = text.slice(i);
  let u = 0;
  let l = 0;
  let im = 0;
  let ok = true;
  for (let k = suffix.length - 1; k >= 0; k--) {
    const c = suffix[k];
    if (c === 'u' || c === 'U') u++;
    else if (c === 'i' || c === 'I' || c === 'j' || c === 'J') im++;
    else if (c === 'l' || c === 'L') {
      l++;
      if (l === 2 && suffix[k + 1] !== c) ok = false;
    } else ok = false;
  }
  if (!ok || l > 2 || u > 1 || im > 1) {
    host.error(`invalid suffix "${suffix}" on integer constant`, at);
    return { kind: 'invalid' };
  }
  if (radix === 8) digitsEnd = i;
  return { kind: 'int', radix, digits: text.slice(radix === 8 ? 0 : digitsStart, digitsEnd), unsigned: u > 0, imaginary: im > 0 };
}

/** cpp_interpret_integer. */
function interpretInteger(c: Extract<Classified, { kind: 'int' }>, at: Token, host: Pick<ExprHost, 'error' | 'warning'>): Num {
  let v = 0n;
  const base = BigInt(c.radix);
  let overflow = false;
  for (const ch of c.digits) {
    v = v * base + BigInt(hexValue(ch));
    if (v > MASK) overflow = true;
  }
  const r: Num = { v: trim(v), unsigned: c.unsigned };
  if (overflow) host.warning('integer constant is too large for its type', at);
  else if (!r.unsigned && !positive(r)) {
    if (c.radix === 10) host.warning('integer constant is so large that it is unsigned', at);
    r.unsigned = true;
  }
  return r;
}

function utf8(s: string): number[] {
  return Array.from(new TextEncoder().encode(s));
}

/**
 * The values a character constant's body denotes: bytes for narrow constants, code points for
 * wide ones (cpp_interpret_string with escape conversion).
 */
function charValues(body: string, wide: boolean, at: Token, host: Pick<ExprHost, 'error' | 'warning'>): number[] {
  const out: number[] = [];
  const max = wide ? 0xffffffff : 0xff;
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      i += s.length;
      if (wide) out.push(cp);
      else out.push(...utf8(s));
      continue;
    }
    const e = body[i + 1] ?? '';
    i += 2;
    const simple: Record<string, number> = { '\\': 92, "'": 39, '"': 34, '?': 63, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, e: 27, E: 27 };
    if (e in simple) {
      out.push(simple[e]);
    } else if (e === 'x') {
      let j = i;
      while (j < body.length && /[0-9a-fA-F]/.test(body[j])) j++;
      if (j === i) {
        host.error('\\x used with no following hex digits', at);
        continue;
      }
      let v = BigInt('0x' + body.slice(i, j));
      if (v > BigInt(max)) {
        host.warning('hex escape sequence out of range', at);
        v &= BigInt(max);
      }
      out.push(Number(v));
      i = j;
    } else if (/[0-7]/.test(e)) {
      let j = i - 1;
      const k = j;
      while (j < body.length && j < k + 3 && /[0-7]/.test(body[j])) j++;
      let v = parseInt(body.slice(k, j), 8);
      if (v > max) {
        host.warning('octal escape sequence out of range', at);
        v &= max;
      }
      out.push(v);
      i = j;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      host.warning('universal character names are only valid in C++ and C99', at);
      const hex = body.slice(i, i + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) {
        host.error(`incomplete universal character name \\${e}${hex}`, at);
        i += hex.length;
        continue;
      }
      i += n;
      const cp = parseInt(hex, 16);
      if (wide) out.push(cp);
      else out.push(...utf8(String.fromCodePoint(Math.min(cp, 0x10ffff))));
    } else {
      host.warning(`unknown escape sequence: '\\${e}'`, at);
      out.push(e.charCodeAt(0));
    }
  }
  return out;
}

/** cpp_interpret_charconst + eval_token's sign extension. */
export function interpretChar(tok: Token, host: Pick<ExprHost, 'error' | 'warning'>): Num {
  const wide = tok.kind === 'wchar';
  const body = tok.text.slice(wide ? 2 : 1, -1);
  const vals = charValues(body, wide, tok, host);
  if (vals.length === 0) {
    host.error('empty character constant', tok);
    return num(0n, false);
  }
  let result: number;
  if (wide) {
    if (vals.length > 1) host.warning('character constant too long for its type', tok);
    result = vals[vals.length - 1] | 0; // wchar_t is a signed 32-bit int
    return num(BigInt(result), false);
  }
  let r = 0;
  for (const b of vals) r = ((r << 8) | (b & 0xff)) >>> 0;
  let n = vals.length;
  if (n > 4) {
    n = 4;
    host.warning('character constant too long for its type', tok);
  } else if (n > 1) host.warning('multi-character character constant', tok);
  if (n > 1) result = r | 0;
  else result = r & 0x80 ? (r & 0xff) - 0x100 : r & 0xff; // plain char is signed on x86-64
  return num(BigInt(result), false);
}

// ---------------------------------------------------------------------------------------------
// The operator-precedence parser (cpplib's _cpp_parse_expr / reduce)

/** cpplib's optab: priorities; NO_L: takes no left operand; LEFT: left-associative. */
const NO_L = 1;
const LEFT = 2;

const OPTAB: Record<string, { prio: number; flags: number }> = {
  '!': { prio: 16, flags: NO_L },
  '>': { prio: 12, flags: LEFT },
  '<': { prio: 12, flags: LEFT },
  '+': { prio: 14, flags: LEFT },
  '-': { prio: 14, flags: LEFT },
  '*': { prio: 15, flags: LEFT },
  '/': { prio: 15, flags: LEFT },
  '%': { prio: 15, flags: LEFT },
  '&': { prio: 9, flags: LEFT },
  '|': { prio: 7, flags: LEFT },
  '^': { prio: 8, flags: LEFT },
  '>>': { prio: 13, flags: LEFT },
  '<<': { prio: 13, flags: LEFT },
  '~': { prio: 16, flags: NO_L },
  '&&': { prio: 6, flags: LEFT },
  '||': { prio: 5, flags: LEFT },
  '?': { prio: 4, flags: 0 },
  ':': { prio: 4, flags: LEFT },
  ',': { prio: 4, flags: LEFT },
  '(': { prio: 1, flags: NO_L },
  ')': { prio: 0, flags: 0 },
  EOF: { prio: 0, flags: 0 },
  '==': { prio: 11, flags: LEFT },
  '!=': { prio: 11, flags: LEFT },
  '>=': { prio: 12, flags: LEFT },
  '<=': { prio: 12, flags: LEFT },
  'U+': { prio: 16, flags: NO_L },
  'U-': { prio: 16, flags: NO_L },
};

interface Op {
  op: string;
  value: Num;
  token: Token;
}

class SyntaxError_ {}

function compare(a: Num, b: Num): number {
  const unsigned = a.unsigned || b.unsigned;
  const x = unsigned ? a.v : signedVal(a.v);
  const y = unsigned ? b.v : signedVal(b.v);
  return x < y ? -1 : x > y ? 1 : 0;
}

function lshift(n: Num, count: bigint): Num {
  if (count >= 64n) return { v: 0n, unsigned: n.unsigned, overflow: !n.unsigned && n.v !== 0n };
  const r = trim(n.v << count);
  if (n.unsigned) return { v: r, unsigned: true };
  const back = rshift({ v: r, unsigned: false }, count);
  return { v: r, unsigned: false, overflow: back.v !== n.v };
}

function rshift(n: Num, count: bigint): Num {
  const neg = !positive(n);
  if (count >= 64n) return { v: neg ? MASK : 0n, unsigned: n.unsigned };
  if (neg) return { v: trim(signedVal(n.v) >> count), unsigned: n.unsigned };
  return { v: n.v >> count, unsigned: n.unsigned };
}

export function evaluate(host: ExprHost, isIf: boolean): boolean {
  const directive = isIf ? '#if' : '#elif';
  const stack: Op[] = [];
  let wantValue = true;
  const fail = (message: string, at: Token): never => {
    host.error(message, at);
    throw new SyntaxError_();
  };
  const binary = (op: string, lhs: Num, rhs: Num, at: Token): Num => {
    const unsigned = lhs.unsigned || rhs.unsigned;
    switch (op) {
      case '+':
      case '-': {
        const r = trim(op === '+' ? lhs.v + rhs.v : lhs.v - rhs.v);
        const res: Num = { v: r, unsigned };
        if (!unsigned) {
          const lp = positive(lhs);
          const rp = positive(rhs);
          const resp = positive(res);
          res.overflow = op === '+' ? lp === rp && lp !== resp : lp !== rp && lp !== resp;
        }
        return res;
      }
      case ',':
        return rhs;
      case '<<':
      case '>>': {
        let o = op;
        let count = rhs.v;
        if (!rhs.unsigned && !positive(rhs)) {
          o = op === '<<' ? '>>' : '<<';
          count = negate(rhs).v;
        }
        return o === '<<' ? lshift(lhs, count) : rshift(lhs, count);
      }
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const c = compare(lhs, rhs);
        const t = op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
        return num(t ? 1n : 0n, false);
      }
      case '==':
        return num(lhs.v === rhs.v ? 1n : 0n, false);
      case '!=':
        return num(lhs.v !== rhs.v ? 1n : 0n, false);
      case '&':
        return num(lhs.v & rhs.v, unsigned);
      case '|':
        return num(lhs.v | rhs.v, unsigned);
      case '^':
        return num(lhs.v ^ rhs.v, unsigned);
      case '*': {
        if (unsigned) return num(lhs.v * rhs.v, true);
        const exact = signedVal(lhs.v) * signedVal(rhs.v);
        const r = trim(exact);
        return { v: r, unsigned: false, overflow: signedVal(r) !== exact };
      }
      case '/':
      case '%': {
        if (rhs.v === 0n) {
          if (!host.skipEval) host.error('division by zero in #if', at);
          if (!unsigned && !positive(lhs)) return { v: negate(lhs).v, unsigned };
          return { v: lhs.v, unsigned };
        }
        if (unsigned) return num(op === '/' ? lhs.v / rhs.v : lhs.v % rhs.v, true);
        const a = signedVal(lhs.v);
        const b = signedVal(rhs.v);
        const exact = op === '/' ? a / b : a % b;
        const r = trim(exact);
        return { v: r, unsigned: false, overflow: op === '/' && signedVal(r) !== exact };
      }
    }
    throw new Error(`impossible operator '${op}'`);
  };

  const unary = (op: string, n: Num): Num => {
    switch (op) {
      case 'U+':
        return { v: n.v, unsigned: n.unsigned };
      case 'U-':
        return negate(n);
      case '~':
        return { v: trim(~n.v), unsigned: n.unsigned };
      default: // '!'
        return num(zerop(n) ? 1n : 0n, false);
    }
  };

  /** Reduces the stack before pushing `op`; returns the new top index. */
  const reduce = (top: number, op: string, opTok: Token): number => {
    if (op === '(') return top;
    const prio = OPTAB[op].prio - (OPTAB[op].flags & LEFT ? 1 : 0);
    while (prio < OPTAB[stack[top].op].prio) {
      const t = stack[top];
      // cpplib's check_promotion ("... changes sign when promoted") only runs with
      // -Wtraditional, which is off by default; so it is not done here.
      switch (t.op) {
        case 'U+':
        case 'U-':
        case '!':
        case '~':
          stack[top - 1].value = unary(t.op, t.value);
          break;
        case '||': {
          top--;
          const l = stack[top].value;
          if (!zerop(l)) host.skipEval--;
          stack[top].value = num(!zerop(l) || !zerop(t.value) ? 1n : 0n, false);
          stack.length = top + 1;
          continue;
        }
        case '&&': {
          top--;
          const l = stack[top].value;
          if (zerop(l)) host.skipEval--;
          stack[top].value = num(!zerop(l) && !zerop(t.value) ? 1n : 0n, false);
          stack.length = top + 1;
          continue;
        }
        case '(':
          if (op !== ')') fail("missing ')' in expression", t.token);
          top--;
          stack[top].value = t.value;
          stack.length = top + 1;
          return top;
        case ':': {
          top -= 2;
          const cond = stack[top].value;
          const a = stack[top + 1].value;
          const b = t.value;
          let v: Num;
          if (!zerop(cond)) {
            host.skipEval--;
            v = a;
          } else v = b;
          stack[top].value = { v: v.v, unsigned: a.unsigned || b.unsigned };
          stack.length = top + 1;
          continue;
        }
        case '?':
          if (op === ',' || op === ':') return top;
          fail("'?' without following ':'", opTok);
          break;
        default:
          stack[top - 1].value = binary(t.op, stack[top - 1].value, t.value, t.token);
          break;
      }
      top--;
      stack.length = top + 1;
      if (stack[top].value.overflow && !host.skipEval) host.warning('integer overflow in preprocessor expression', opTok);
    }
    if (op === ')') fail("missing '(' in expression", opTok);
    return top;
  };

  const zero: Num = num(0n, false);
  try {
    stack.push({ op: 'EOF', value: zero, token: undefined as unknown as Token });
    let top = 0;
    for (;;) {
      const tok = host.next();
      if (tok.kind === 'padding') continue;
      let op: string;
      switch (tok.kind) {
        case 'number':
        case 'char':
        case 'wchar':
        case 'name':
          if (!wantValue) fail(`missing binary operator before token "${tok.text}"`, tok);
          wantValue = false;
          stack[top].value = evalToken(tok, host);
          continue;
        case 'eof':
          op = 'EOF';
          break;
        case 'punct':
          if (tok.text === '#') {
            if (!wantValue) fail(`missing binary operator before token "${tok.text}"`, tok);
            wantValue = false;
            stack[top].value = host.testAssertion(tok);
            continue;
          }
          op = tok.text;
          if (op === '+' && wantValue) op = 'U+';
          else if (op === '-' && wantValue) op = 'U-';
          if (!(op in OPTAB) || op === 'EOF') fail(`token "${tok.text}" is not valid in preprocessor expressions`, tok);
          break;
        default:
          fail(`token "${tok.text}" is not valid in preprocessor expressions`, tok);
          op = '';
      }

      if (OPTAB[op].flags & NO_L) {
        if (!wantValue) fail(`missing binary operator before token "${tok.text}"`, tok);
      } else if (wantValue) {
        const prev = stack[top];
        if (op === ')' && prev.op === '(') fail("missing expression between '(' and ')'", tok);
        if (op === 'EOF' && prev.op === 'EOF') fail(`${directive} with no expression`, tok);
        if (prev.op !== 'EOF' && prev.op !== '(') fail(`operator '${prev.token.text}' has no right operand`, tok);
        else if (op !== ')' && op !== 'EOF') fail(`operator '${tok.text}' has no left operand`, tok);
      }

      top = reduce(top, op, tok);
      if (op === 'EOF') break;
      if (op === ')') continue;
      if (op === '||') {
        if (!zerop(stack[top].value)) host.skipEval++;
      } else if (op === '&&' || op === '?') {
        if (zerop(stack[top].value)) host.skipEval++;
      } else if (op === ':') {
        if (stack[top].op !== '?') fail(" ':' without preceding '?'", tok); // sic: GCC's message starts with a space
        if (!zerop(stack[top - 1].value)) host.skipEval++;
        else host.skipEval--;
      }
      wantValue = true;
      top++;
      stack[top] = { op, value: zero, token: tok };
      stack.length = top + 1;
    }
    if (top !== 0) return false;
    return !zerop(stack[0].value);
  } catch (e) {
    if (e instanceof SyntaxError_) return false;
    throw e;
  }
}

function evalToken(tok: Token, host: ExprHost): Num {
  switch (tok.kind) {
    case 'number': {
      const c = classifyNumber(tok.text, tok, host);
      if (c.kind === 'float') host.error('floating constant in preprocessor expression', tok);
      else if (c.kind === 'int') {
        if (!c.imaginary) return interpretInteger(c, tok, host);
        host.error('imaginary number in preprocessor expression', tok);
      }
      return num(0n, false);
    }
    case 'char':
    case 'wchar':
      return interpretChar(tok, host);
    default: {
      if (tok.text === 'defined') return parseDefined(host);
      return num(0n, false);
    }
  }
}

function parseDefined(host: ExprHost): Num {
  let tok = host.nextRaw();
  const paren = isPunct(tok, '(');
  if (paren) tok = host.nextRaw();
  let name: string | undefined;
  if (tok.kind === 'name') {
    name = tok.text;
    if (paren) {
      const close = host.nextRaw();
      if (!isPunct(close, ')')) {
        host.error('missing \')\' after "defined"', close);
        name = undefined;
      }
    }
  } else {
    host.error('operator "defined" requires an identifier', tok);
  }
  return num(name !== undefined && host.isDefined(name, tok) ? 1n : 0n, false);
}
