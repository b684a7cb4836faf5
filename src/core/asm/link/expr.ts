/**
 * Linker-script expression values and evaluation with GNU ld's "expression section" rules:
 * a value is a plain number, an absolute address, or an offset relative to an output section.
 * Arithmetic between a relative value and a number works on the offset; mixing sections or
 * absolute addresses converts to absolute first; comparisons and logic give numbers.
 */
import type { SourceLocation } from '../types.js';
import { alignUp, u64 } from './bytes.js';
import type { Expr } from './script.js';

/** The parts of an output section the evaluator needs. */
export interface SectionRef {
  name: string;
  vma: bigint;
  lma: bigint;
  size: bigint;
  align: bigint;
}

export type Val =
  | { kind: 'num'; v: bigint }
  | { kind: 'abs'; v: bigint }
  | { kind: 'rel'; v: bigint; sec: SectionRef };

export function num(v: bigint): Val {
  return { kind: 'num', v: u64(v) };
}
export function abs(v: bigint): Val {
  return { kind: 'abs', v: u64(v) };
}
export function toAbs(x: Val): bigint {
  return x.kind === 'rel' ? u64(x.sec.vma + x.v) : x.v;
}

export interface EvalContext {
  /** `.`: relative inside an output section, absolute outside. */
  dot(loc: SourceLocation): Val;
  /** `.` as an absolute address. */
  dotAbs(): bigint;
  symbol(name: string, loc: SourceLocation): Val;
  defined(name: string): boolean;
  section(name: string, fn: string, loc: SourceLocation): SectionRef | undefined;
  memory(name: string, fn: 'ORIGIN' | 'LENGTH', loc: SourceLocation): Val;
  sizeofHeaders(): bigint;
  dataSegmentAlign(maxPage: bigint, commonPage: bigint, loc: SourceLocation): bigint;
  dataSegmentRelroEnd(offset: bigint, value: bigint, loc: SourceLocation): bigint;
  dataSegmentEnd(value: bigint, loc: SourceLocation): bigint;
  assertion(ok: boolean, message: string, loc: SourceLocation): void;
  error(message: string, loc: SourceLocation): void;
  /** True inside an output section description (ld's number-vs-address rule depends on it). */
  inSection(): boolean;
}

export const MAXPAGESIZE = 0x1000n;
export const COMMONPAGESIZE = 0x1000n;

function signed(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

function applyBinary(op: string, a: bigint, b: bigint, ctx: EvalContext, loc: SourceLocation): bigint {
  switch (op) {
    case '+':
      return u64(a + b);
    case '-':
      return u64(a - b);
    case '*':
      return u64(a * b);
    case '/':
      if (b === 0n) {
        ctx.error('division by zero', loc);
        return 0n;
      }
      return u64(signed(a) / signed(b));
    case '%':
      if (b === 0n) {
        ctx.error('division by zero', loc);
        return 0n;
      }
      return u64(signed(a) % signed(b));
    case '<<':
      return b >= 64n ? 0n : u64(a << b);
    case '>>':
      return b >= 64n ? 0n : a >> b;
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '==':
      return a === b ? 1n : 0n;
    case '!=':
      return a !== b ? 1n : 0n;
    case '<':
      return a < b ? 1n : 0n;
    case '<=':
      return a <= b ? 1n : 0n;
    case '>':
      return a > b ? 1n : 0n;
    case '>=':
      return a >= b ? 1n : 0n;
    case '&&':
      return a !== 0n && b !== 0n ? 1n : 0n;
    case '||':
      return a !== 0n || b !== 0n ? 1n : 0n;
    case 'MAX':
      return a > b ? a : b;
    case 'MIN':
      return a < b ? a : b;
  }
  ctx.error(`unknown operator ${op}`, loc);
  return 0n;
}

const NUMBER_RESULT = new Set(['==', '!=', '<', '<=', '>', '>=', '&&', '||']);

function binary(op: string, l: Val, r: Val, ctx: EvalContext, loc: SourceLocation): Val {
  if (NUMBER_RESULT.has(op)) {
    // Same-section relative values and relative-vs-number compare offsets; anything else absolute.
    if (l.kind === 'rel' && r.kind === 'rel' && l.sec === r.sec) return num(applyBinary(op, l.v, r.v, ctx, loc));
    if ((l.kind === 'rel' && r.kind === 'num') || (l.kind === 'num' && r.kind === 'rel')) return num(applyBinary(op, l.v, r.v, ctx, loc));
    return num(applyBinary(op, toAbs(l), toAbs(r), ctx, loc));
  }
  if (l.kind === 'num' && r.kind === 'num') return num(applyBinary(op, l.v, r.v, ctx, loc));
  if (l.kind === 'rel' && r.kind === 'rel' && l.sec === r.sec) {
    const v = applyBinary(op, l.v, r.v, ctx, loc);
    // ld: a number inside an output section definition, an absolute address outside.
    return ctx.inSection() ? num(v) : abs(v);
  }
  if (l.kind === 'rel' && r.kind === 'num') return { kind: 'rel', v: applyBinary(op, l.v, r.v, ctx, loc), sec: l.sec };
  if (l.kind === 'num' && r.kind === 'rel') return { kind: 'rel', v: applyBinary(op, l.v, r.v, ctx, loc), sec: r.sec };
  return abs(applyBinary(op, toAbs(l), toAbs(r), ctx, loc));
}

/** ld: outside output section definitions numbers count as absolute addresses; inside, as numbers. */
export function number(v: bigint, ctx: EvalContext): Val {
  return ctx.inSection() ? num(v) : abs(v);
}

export function evaluate(e: Expr, ctx: EvalContext): Val {
  switch (e.k) {
    case 'num':
      return number(e.v, ctx);
    case 'str':
      ctx.error('a string is not a value', e.loc);
      return num(0n);
    case 'dot':
      return ctx.dot(e.loc);
    case 'sym':
      return ctx.symbol(e.name, e.loc);
    case 'un': {
      const x = evaluate(e.e, ctx);
      const f = (v: bigint): bigint => (e.op === '-' ? u64(-v) : e.op === '~' ? u64(~v) : v === 0n ? 1n : 0n);
      if (e.op === '!') return num(f(toAbs(x)));
      if (x.kind === 'rel') return { kind: 'rel', v: f(x.v), sec: x.sec };
      return { kind: x.kind, v: f(x.v) };
    }
    case 'bin':
      if (e.op === '&&' || e.op === '||') {
        const l = toAbs(evaluate(e.l, ctx));
        if (e.op === '&&' && l === 0n) return num(0n);
        if (e.op === '||' && l !== 0n) return num(1n);
        return num(toAbs(evaluate(e.r, ctx)) !== 0n ? 1n : 0n);
      }
      return binary(e.op, evaluate(e.l, ctx), evaluate(e.r, ctx), ctx, e.loc);
    case 'cond': {
      const c = evaluate(e.c, ctx);
      const cv = c.kind === 'rel' ? c.v : c.v;
      return cv !== 0n ? evaluate(e.t, ctx) : evaluate(e.f, ctx);
    }
    case 'call':
      return call(e, ctx);
  }
}

function call(e: Extract<Expr, { k: 'call' }>, ctx: EvalContext): Val {
  const arg = (i: number) => evaluate(e.args[i], ctx);
  switch (e.fn) {
    case 'ADDR': {
      const s = ctx.section(e.name!, e.fn, e.loc);
      return s ? { kind: 'rel', v: 0n, sec: s } : abs(0n);
    }
    case 'LOADADDR': {
      const s = ctx.section(e.name!, e.fn, e.loc);
      return abs(s ? s.lma : 0n);
    }
    case 'SIZEOF': {
      const s = ctx.section(e.name!, e.fn, e.loc);
      return number(s ? s.size : 0n, ctx);
    }
    case 'ALIGNOF': {
      const s = ctx.section(e.name!, e.fn, e.loc);
      return number(s ? s.align : 0n, ctx);
    }
    case 'DEFINED':
      return num(ctx.defined(e.name!) ? 1n : 0n);
    case 'ORIGIN':
    case 'LENGTH':
      return ctx.memory(e.name!, e.fn, e.loc);
    case 'CONSTANT':
      return number(e.name === 'MAXPAGESIZE' ? MAXPAGESIZE : COMMONPAGESIZE, ctx);
    case 'SEGMENT_START':
      // No -Ttext-segment style options: the default argument is the answer.
      return arg(0);
    case 'SIZEOF_HEADERS':
      return number(ctx.sizeofHeaders(), ctx);
    case 'ALIGN':
    case 'BLOCK':
    case 'NEXT': {
      if (e.args.length === 1) {
        const a = toAbs(arg(0));
        return abs(alignUp(ctx.dotAbs(), a === 0n ? 1n : a));
      }
      const x = arg(0);
      const a = toAbs(arg(1));
      const n = a === 0n ? 1n : a;
      if (x.kind === 'rel') return { kind: 'rel', v: u64(alignUp(x.v, n)), sec: x.sec };
      return { kind: x.kind, v: u64(alignUp(x.v, n)) };
    }
    case 'ABSOLUTE':
      return abs(toAbs(arg(0)));
    case 'MAX':
    case 'MIN':
      return binary(e.fn, arg(0), arg(1), ctx, e.loc);
    case 'LOG2CEIL': {
      const v = toAbs(arg(0));
      let n = 0n;
      while (1n << n < v) n++;
      return number(n, ctx);
    }
    case 'DATA_SEGMENT_ALIGN':
      return abs(ctx.dataSegmentAlign(toAbs(arg(0)), toAbs(arg(1)), e.loc));
    case 'DATA_SEGMENT_RELRO_END':
      return abs(ctx.dataSegmentRelroEnd(toAbs(arg(0)), toAbs(arg(1)), e.loc));
    case 'DATA_SEGMENT_END':
      return abs(ctx.dataSegmentEnd(toAbs(arg(0)), e.loc));
    case 'ASSERT': {
      const v = arg(0);
      ctx.assertion(toAbs(v) !== 0n, e.name ?? 'assertion failed', e.loc);
      return v;
    }
  }
  ctx.error(`unsupported function \`${e.fn}'`, e.loc);
  return num(0n);
}
