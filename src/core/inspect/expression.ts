/**
 * The debugger's expression language (Watch, hover, REPL, breakpoint conditions, setVariable):
 * C expressions over the program's header types, registers (`%rsp`, `$rsp`, `rsp`), symbols,
 * per-CPU variables, and AT&T operands exactly as written in `.S` source (`8(%rsp)`,
 * `%gs:cpu_tss_rw+0x14`, `$5`). See c-expr-parser.ts for how C and AT&T readings are told apart.
 *
 * Names:
 *  - a symbol with a C declaration denotes the object (`pcpu_hot.top_of_stack`);
 *  - a symbol without one denotes its address as a u64 (`*sym` reads the u64 there);
 *  - a per-CPU symbol (declared with DECLARE_PER_CPU*, or in the per-CPU section) denotes the
 *    current CPU's copy at `perCpuBase(cpu) + symbol`; `per_cpu(x, n)` is CPU n's copy;
 *  - enumerators of the headers are ints; anything else may be a macro: when evaluation fails on
 *    an unknown name and `expandMacros` changes the text, the expansion is evaluated instead.
 * Dereferencing an integer reads a u64 there (`*rsp`, `rsp[1]`), as `*8(%rsp)` does in GAS.
 * A cast applied directly to an AT&T memory operand views that memory as the type:
 * `(struct pt_regs)(%rsp)`, `(u32)8(%rsp)`. `cond ? a : b` has the type of the branch taken.
 */
import { DeclParser } from './c-decl-parser.js';
import { lexExpression, ParseError, type Expr } from './c-expr-parser.js';
import { isScalar, sizeOf, type CType } from './ctype-model.js';
import type { CTypeTable } from './ctypes.js';
import { EvalError, Evaluator, normalize, type Term } from './expression-eval.js';
import { isRegisterName } from './expression-registers.js';

export { childCount, childrenOf, completions, formatValue, type Child, type ChildrenOptions } from './expression-format.js';

export type SegmentRegister = 'es' | 'cs' | 'ss' | 'ds' | 'fs' | 'gs';

/** What the expression language needs from the debugged machine (the adapter implements it). */
export interface EvalContext {
  /** Lower-case name without `%`/`$` (rax, eax, al, r8d, rip, rflags, cs, fs_base, cr3, ...); undefined if it does not exist here. */
  register(name: string): bigint | undefined;
  /** Error message, or undefined on success. */
  setRegister(name: string, value: bigint): string | undefined;
  symbol(name: string): bigint | undefined;
  symbolNames(): Iterable<string>;
  /** The symbol lives in the per-CPU section: its value is an offset into each CPU's area. */
  isPerCpuSymbol(name: string): boolean;
  /** What `__per_cpu_offset[cpu]` holds. */
  perCpuBase(cpu: number): bigint | undefined;
  cpu: number;
  cpuCount: number;
  segmentBase(seg: SegmentRegister): bigint;
  /** Linear read under the current CR3 without side effects; undefined (or fewer bytes) = not mapped. */
  readMemory(address: bigint, size: number): Uint8Array | undefined;
  /** Error message, or undefined on success. */
  writeMemory(address: bigint, bytes: Uint8Array): string | undefined;
  types: CTypeTable;
  /** The program's #defines applied to a text (`PER_CPU_VAR(x)` → `%gs:x`). */
  expandMacros?(text: string): string;
  /** Explains the translation of `addr` (under `cr3`, default the current one). */
  pagewalk?(addr: bigint, cr3?: bigint): string;
  /** Names an address for display: `pcpu_hot+0x18`, `user stack`. */
  describeAddress?(address: bigint): string | undefined;
}

export type LValue =
  | { kind: 'memory'; address: bigint; bitOffset?: number; bitWidth?: number }
  | { kind: 'register'; name: string };

export interface Value {
  type: CType;
  /** The value of a scalar (integers and enums in their type's signedness, pointers unsigned); 0 for aggregates. */
  bits: bigint;
  lvalue?: LValue;
  /** Text results (`pagewalk(...)`). */
  text?: string;
  /** Set on children whose memory could not be read (childrenOf never fails as a whole). */
  error?: string;
}

export type EvalResult = { ok: true; value: Value } | { ok: false; message: string; column: number };

/** Parses one expression of the debugger language (1-based columns in errors). */
export function parseDebuggerExpression(text: string, types: CTypeTable): { ok: true; expr: Expr } | { ok: false; message: string; column: number } {
  const { tokens, problem } = lexExpression(text);
  try {
    if (problem) throw problem;
    if (tokens.length === 1) throw new ParseError('empty expression', 0, 0);
    const parser = new DeclParser(tokens, types, { debugger: true, isRegister: isRegisterName }, true);
    const expr = parser.parseExpression();
    if (!parser.atEnd) throw new ParseError(`unexpected '${parser.cursor.text}'`, parser.cursor.start, 0);
    return { ok: true, expr };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, message: e.message, column: e.start + 1 };
    return { ok: false, message: `internal error: ${e instanceof Error ? e.message : String(e)}`, column: 1 };
  }
}

type Attempt = { ok: true; term: Term; evaluator: Evaluator } | { ok: false; message: string; column: number; unknownName: boolean };

function attempt(text: string, ctx: EvalContext, body: (term: Term, evaluator: Evaluator, expr: Expr) => Term = (t) => t): Attempt {
  const parsed = parseDebuggerExpression(text, ctx.types);
  if (!parsed.ok) return { ...parsed, unknownName: false };
  const evaluator = new Evaluator(ctx);
  try {
    return { ok: true, term: body(evaluator.eval(parsed.expr), evaluator, parsed.expr), evaluator };
  } catch (e) {
    if (e instanceof EvalError) return { ok: false, message: e.message, column: e.pos + 1, unknownName: e.unknownName };
    if (e instanceof ParseError) return { ok: false, message: e.message, column: e.start + 1, unknownName: false };
    return { ok: false, message: `internal error: ${e instanceof Error ? e.message : String(e)}`, column: 1, unknownName: false };
  }
}

/** Evaluates as written; on an unknown name, evaluates the macro expansion of the text instead. */
function attemptWithMacros(text: string, ctx: EvalContext, body?: (term: Term, evaluator: Evaluator, expr: Expr) => Term): Attempt {
  const first = attempt(text, ctx, body);
  if (first.ok || !ctx.expandMacros) return first;
  let expanded: string;
  try {
    expanded = ctx.expandMacros(text).trim();
  } catch {
    return first;
  }
  if (expanded === text.trim()) return first;
  const second = attempt(expanded, ctx, body);
  if (second.ok || !first.unknownName) return second.ok ? second : first;
  return { ...second, message: `${second.message} (in the macro expansion "${expanded}")` };
}

const withColumn = (r: { message: string; column: number }) => ({ ok: false as const, message: `${r.message} at column ${r.column}`, column: r.column });

/** Reads the term's value (scalars) or checks that its memory exists (aggregates). */
function finish(term: Term, evaluator: Evaluator, expr: Expr): Term {
  if (term.text !== undefined) return term;
  if (isScalar(term.type)) return { ...term, bits: evaluator.load(term, expr) };
  if (term.lvalue?.kind === 'memory') {
    const size = Math.min(Math.max(sizeOf(term.type) ?? 1, 1), 4096);
    evaluator.read(term.lvalue.address, size, term, expr.pos);
  }
  return term;
}

function toValue(t: Term): Value {
  return { type: t.type, bits: t.bits ?? 0n, lvalue: t.lvalue, text: t.text };
}

/** Evaluates an expression; never throws. Errors say what and where (`... at column N`). */
export function evaluate(text: string, ctx: EvalContext): EvalResult {
  const r = attemptWithMacros(text, ctx, finish);
  return r.ok ? { ok: true, value: toValue(r.term) } : withColumn(r);
}

/** The type of an expression without reading memory (for completions and hovers on types). */
export function typeOf(text: string, ctx: EvalContext): CType | undefined {
  const parsed = parseDebuggerExpression(text, ctx.types);
  if (!parsed.ok) return undefined;
  try {
    return new Evaluator(ctx, { noMemory: true }).eval(parsed.expr).type;
  } catch {
    return undefined;
  }
}

/**
 * `target = valueText`: writes a register, memory, a struct field or a bit-field with the
 * target's size (the value is converted to the target's type as C assignment does). Returns
 * the target's new value.
 */
export function assign(target: string, valueText: string, ctx: EvalContext): EvalResult {
  const place = attemptWithMacros(target, ctx);
  if (!place.ok) return withColumn(place);
  const lv = place.term.lvalue;
  if (!lv) return withColumn({ message: `cannot assign to '${target.trim()}': it is a value, not a register or memory`, column: 1 });
  const type = place.term.type;
  const source = evaluate(valueText, ctx);
  if (!source.ok) return { ok: false, message: `in the value: ${source.message}`, column: source.column };
  const value = source.value;
  let error: string | undefined;
  if (isScalar(type)) {
    if (!isScalar(value.type)) return withColumn({ message: `cannot assign a ${value.type.kind} to a number`, column: 1 });
    const bits = normalize(value.bits, type);
    if (lv.kind === 'register') error = ctx.setRegister(lv.name, BigInt.asUintN(((sizeOf(type) ?? 8) * 8), bits));
    else if (lv.bitWidth !== undefined) error = writeBitField(ctx, lv.address, lv.bitOffset ?? 0, lv.bitWidth, bits);
    else error = ctx.writeMemory(lv.address, littleEndian(bits, sizeOf(type) ?? 8));
  } else if ((type.kind === 'struct' || type.kind === 'union') && value.type === type && value.lvalue?.kind === 'memory' && lv.kind === 'memory') {
    const size = sizeOf(type) ?? 0;
    const bytes = ctx.readMemory(value.lvalue.address, size);
    error = bytes && bytes.length === size ? ctx.writeMemory(lv.address, bytes) : 'the source struct is not readable';
  } else {
    return withColumn({ message: `cannot assign to ${place.term.type.kind === 'array' ? 'an array' : `a ${place.term.type.kind}`}; assign its elements or fields`, column: 1 });
  }
  if (error) return withColumn({ message: `cannot write '${target.trim()}': ${error}`, column: 1 });
  return evaluate(target, ctx);
}

function littleEndian(bits: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(size * 8, bits);
  for (let i = 0; i < size; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function writeBitField(ctx: EvalContext, address: bigint, bitOffset: number, width: number, bits: bigint): string | undefined {
  const n = Math.ceil((bitOffset + width) / 8);
  const bytes = ctx.readMemory(address, n);
  if (!bytes || bytes.length < n) return 'not mapped';
  let word = 0n;
  for (let i = n - 1; i >= 0; i--) word = (word << 8n) | BigInt(bytes[i]);
  const mask = ((1n << BigInt(width)) - 1n) << BigInt(bitOffset);
  word = (word & ~mask) | ((BigInt.asUintN(width, bits) << BigInt(bitOffset)) & mask);
  return ctx.writeMemory(address, littleEndian(word, n));
}
