/**
 * The evaluator behind `evaluate`/`assign`: walks the parsed expression over an EvalContext.
 * Memory is read lazily (a struct or array is an address until something needs its bytes), so
 * `&p->field` and `sizeof *p` do not touch memory and `a && *p` does not read `*p` when `a` is 0.
 */
import type { Expr } from './c-expr-parser.js';
import { evaluateConstant } from './c-const.js';
import {
  INT, LONG, U64, ULONG, alignOf, findField, formatType, isIntegral, isScalar, sizeOf, visibleFields,
  type CIntType, type CRecordType, type CType,
} from './ctype-model.js';
import { registerType } from './expression-registers.js';
import type { EvalContext, LValue } from './expression.js';

export class EvalError extends Error {
  constructor(
    message: string,
    readonly pos: number,
    /** The failure is an unknown name: worth retrying after macro expansion. */
    readonly unknownName = false,
  ) {
    super(message);
  }
}

/** An intermediate result: a typed value, a typed place, or both. */
export interface Term {
  type: CType;
  /** Known value (scalars); undefined means "read it from `lvalue` when needed". */
  bits?: bigint;
  lvalue?: LValue;
  text?: string;
  /** Produced by an AT&T memory operand: a cast re-reads the same memory with the new type. */
  atOperand?: boolean;
  /** Produced by a dereference (`*`, `->`, `[]`, memory operand): a failed read says "cannot dereference". */
  dereferenced?: boolean;
}

export const hex64 = (v: bigint) => '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');

/** Brings `bits` into the range of `t` (sign- or zero-extended as the type says). */
export function normalize(bits: bigint, t: CType): bigint {
  switch (t.kind) {
    case 'int':
    case 'enum':
      return t.signed ? BigInt.asIntN(t.size * 8, bits) : BigInt.asUintN(t.size * 8, bits);
    case 'bool':
      return bits !== 0n ? 1n : 0n;
    case 'pointer':
      return BigInt.asUintN(64, bits);
    default:
      return bits;
  }
}

function unsignedOf(size: number): CIntType {
  return size === 8 ? ULONG : { kind: 'int', name: 'unsigned int', size, signed: false };
}

/** Integer promotion: anything narrower than int becomes int. */
function promote(t: CType): CType {
  if (t.kind === 'bool') return INT;
  if (t.kind === 'enum') return t.size === 8 ? (t.signed ? LONG : ULONG) : t.signed ? INT : unsignedOf(4);
  if (t.kind === 'int' && t.size < 4) return INT;
  return t;
}

/** The usual arithmetic conversions; keeps an operand's own type object (so `u64` stays `u64`). */
function commonType(a: CType, b: CType): CType {
  const pa = promote(a) as CIntType;
  const pb = promote(b) as CIntType;
  if (pa.size !== pb.size) {
    const [wide, narrow] = pa.size > pb.size ? [pa, pb] : [pb, pa];
    return wide.signed || !narrow.signed || wide.size > narrow.size ? wide : unsignedOf(wide.size);
  }
  if (pa.signed === pb.signed) return pa;
  return pa.signed ? pb : pa;
}

const MAX_FIELDS_IN_MESSAGE = 8;

export interface EvaluatorOptions {
  /** Loads yield 0 instead of reading (types only: completions, sizeof). */
  noMemory?: boolean;
}

export class Evaluator {
  /** The CPU whose copy a per-CPU name denotes (per_cpu(x, n) switches it while evaluating x). */
  private cpu: number;
  private perCpuUses = 0;

  constructor(
    private ctx: EvalContext,
    private options: EvaluatorOptions = {},
  ) {
    this.cpu = ctx.cpu;
  }

  // ---- loading ----

  /** The term's value as bits (reads memory or the register if needed). */
  load(t: Term, at: Expr | number): bigint {
    if (t.bits !== undefined) return t.bits;
    const pos = typeof at === 'number' ? at : at.pos;
    if (t.text !== undefined) throw new EvalError(`a text value has no number`, pos);
    if (!isScalar(t.type)) throw new EvalError(`${formatType(t.type)} is not a number`, pos);
    const lv = t.lvalue;
    if (!lv) throw new EvalError(`no value`, pos);
    if (this.options.noMemory) return 0n;
    if (lv.kind === 'register') {
      const v = this.ctx.register(lv.name);
      if (v === undefined) throw new EvalError(`unknown register %${lv.name}`, pos);
      return normalize(v, t.type);
    }
    if (lv.bitWidth !== undefined) {
      const n = Math.ceil(((lv.bitOffset ?? 0) + lv.bitWidth) / 8);
      const bytes = this.read(lv.address, n, t, pos);
      let raw = 0n;
      for (let i = n - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(bytes[i]);
      const field = BigInt.asUintN(lv.bitWidth, raw >> BigInt(lv.bitOffset ?? 0));
      return t.type.kind === 'bool' ? (field !== 0n ? 1n : 0n) : isSignedType(t.type) ? BigInt.asIntN(lv.bitWidth, field) : field;
    }
    const size = sizeOf(t.type) ?? 8;
    const bytes = this.read(lv.address, size, t, pos);
    let raw = 0n;
    for (let i = size - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(bytes[i]);
    return normalize(raw, t.type);
  }

  /** Reads bytes or fails with the address that is not mapped. */
  read(address: bigint, size: number, t: Term | undefined, pos: number): Uint8Array {
    const bytes = this.ctx.readMemory(BigInt.asUintN(64, address), size);
    if (bytes && bytes.length >= size) return bytes;
    const hole = BigInt.asUintN(64, address + BigInt(bytes?.length ?? 0));
    throw new EvalError(t?.dereferenced || !t ? `cannot dereference: ${hex64(hole)} is not mapped` : `cannot read ${formatType(t.type)} at ${hex64(address)}: ${hex64(hole)} is not mapped`, pos);
  }

  /** Value for arithmetic: arrays decay to a pointer to their first element. */
  private rvalue(t: Term, at: Expr): { type: CType; bits: bigint } {
    if (t.type.kind === 'array') {
      if (t.lvalue?.kind !== 'memory') throw new EvalError(`array has no address`, at.pos);
      return { type: { kind: 'pointer', to: t.type.of }, bits: t.lvalue.address };
    }
    if (t.type.kind === 'function') {
      if (t.lvalue?.kind !== 'memory') throw new EvalError(`function has no address`, at.pos);
      return { type: { kind: 'pointer', to: t.type }, bits: t.lvalue.address };
    }
    if (!isScalar(t.type)) throw new EvalError(`${formatType(t.type)} cannot be used as a number here`, at.pos);
    return { type: t.type, bits: this.load(t, at) };
  }

  // ---- names ----

  private perCpuAddress(offset: bigint, name: string, pos: number): bigint {
    this.perCpuUses++;
    if (this.cpu < 0 || this.cpu >= this.ctx.cpuCount) throw new EvalError(`CPU ${this.cpu} does not exist (there are ${this.ctx.cpuCount})`, pos);
    const base = this.ctx.perCpuBase(this.cpu);
    if (base === undefined) throw new EvalError(`per-CPU area of CPU ${this.cpu} is not known (${name} is a per-CPU variable; __per_cpu_offset[${this.cpu}] is not set up)`, pos);
    return BigInt.asUintN(64, base + offset);
  }

  private identifier(name: string, pos: number): Term {
    const variable = this.ctx.types.variable(name);
    const symbol = this.ctx.symbol(name);
    if (variable) {
      if (symbol === undefined) throw new EvalError(`'${name}' is declared in the headers but is not in the symbol table`, pos, true);
      const perCpu = variable.perCpu || this.ctx.isPerCpuSymbol(name);
      const address = perCpu ? this.perCpuAddress(symbol, name, pos) : symbol;
      return { type: variable.type, lvalue: { kind: 'memory', address } };
    }
    if (symbol !== undefined) {
      const address = this.ctx.isPerCpuSymbol(name) ? this.perCpuAddress(symbol, name, pos) : symbol;
      return { type: U64, bits: BigInt.asUintN(64, address) };
    }
    const constant = this.ctx.types.enumConstant(name);
    if (constant) return { type: INT, bits: normalize(constant.value, INT) };
    throw new EvalError(`unknown symbol '${name}'`, pos, true);
  }

  private register(name: string, pos: number, sigil: string): Term {
    const value = this.ctx.register(name);
    if (value === undefined) {
      if (sigil === '') return this.identifier(name, pos);
      throw new EvalError(`unknown register %${name}`, pos);
    }
    const type = registerType(name);
    return { type, bits: normalize(value, type), lvalue: { kind: 'register', name } };
  }

  /** An assembler displacement or immediate: symbols are their values (addresses/offsets). */
  private address(e: Expr): bigint {
    switch (e.k) {
      case 'ident': {
        const s = this.ctx.symbol(e.name);
        if (s !== undefined) return s;
        const c = this.ctx.types.enumConstant(e.name);
        if (c) return c.value;
        throw new EvalError(`unknown symbol '${e.name}'`, e.pos, true);
      }
      case 'num':
        return e.value;
      case 'unary': {
        const v = this.address(e.arg);
        return e.op === '-' ? -v : e.op === '~' ? ~v : v;
      }
      case 'binary': {
        const a = this.address(e.left);
        const b = this.address(e.right);
        switch (e.op) {
          case '+': return a + b;
          case '-': return a - b;
          case '*': return a * b;
          case '/':
          case '%':
            if (b === 0n) throw new EvalError(`division by zero`, e.pos);
            return e.op === '/' ? BigInt.asIntN(64, a) / BigInt.asIntN(64, b) : BigInt.asIntN(64, a) % BigInt.asIntN(64, b);
          case '<<': return a << (b & 63n);
          case '>>': return BigInt.asUintN(64, a) >> (b & 63n);
          case '&': return a & b;
          case '|': return a | b;
          case '^': return a ^ b;
        }
        break;
      }
    }
    throw new EvalError(`not an address expression`, e.pos);
  }

  // ---- expressions ----

  eval(e: Expr): Term {
    switch (e.k) {
      case 'num':
        return { type: e.type, bits: normalize(e.value, e.type) };
      case 'string':
        throw new EvalError(`string literals are not supported (they have no address in the debugged program)`, e.pos);
      case 'ident':
        return this.identifier(e.name, e.pos);
      case 'reg':
        return this.register(e.name, e.pos, e.sigil);
      case 'imm': {
        const bits = this.address(e.arg);
        const type = e.arg.k === 'num' ? e.arg.type : U64;
        return { type, bits: normalize(bits, type) };
      }
      case 'mem':
        return this.memoryOperand(e);
      case 'unary':
        return this.unary(e);
      case 'binary':
        return this.binary(e);
      case 'cond': {
        const test = this.rvalue(this.eval(e.test), e.test);
        return this.eval(test.bits !== 0n ? e.then : e.else);
      }
      case 'cast':
        return this.cast(this.eval(e.arg), e.type, e);
      case 'sizeof': {
        const type = e.type ?? new Evaluator(this.ctx, { noMemory: true }).eval(e.arg!).type;
        const size = sizeOf(type);
        if (size === undefined) throw new EvalError(`sizeof an incomplete type ${formatType(type)}`, e.pos);
        return { type: ULONG, bits: BigInt(size) };
      }
      case 'alignof':
        return { type: ULONG, bits: BigInt(alignOf(e.type)) };
      case 'offsetof':
        try {
          return { type: ULONG, bits: evaluateConstant(e, this.ctx.types) };
        } catch (err) {
          throw new EvalError(err instanceof Error ? err.message : String(err), e.pos);
        }
      case 'member':
        return this.member(e);
      case 'index':
        return this.index(e);
      case 'call':
        return this.call(e);
    }
  }

  private memoryOperand(e: Extract<Expr, { k: 'mem' }>): Term {
    let linear = e.segment ? this.ctx.segmentBase(e.segment) : 0n;
    if (e.disp) linear += this.address(e.disp);
    for (const [reg, scale] of [[e.base, 1n], [e.index, BigInt(e.scale)]] as const) {
      if (!reg || reg.k !== 'reg') continue;
      // `sym(%rip)` is how position-independent code names `sym`: the assembler subtracts the
      // next instruction's address, which the CPU adds back, so the operand is `sym` itself.
      // (A plain number is an offset from the current rip: the next instruction is unknown here.)
      if (reg.name === 'rip' && e.disp && mentionsSymbol(e.disp)) continue;
      const v = this.ctx.register(reg.name);
      if (v === undefined) throw new EvalError(`unknown register %${reg.name}`, reg.pos);
      linear += BigInt.asUintN(64, v) * scale;
    }
    return { type: U64, lvalue: { kind: 'memory', address: BigInt.asUintN(64, linear) }, atOperand: true, dereferenced: true };
  }

  /** `*p`: the object p points to (an integer is taken as the address of a u64). */
  private dereference(p: { type: CType; bits: bigint }, pos: number): Term {
    let to: CType = U64;
    if (p.type.kind === 'pointer') {
      to = p.type.to;
      if (to.kind === 'void') throw new EvalError(`cannot dereference a void pointer (cast it first, e.g. *(u64 *)p)`, pos);
    } else if (!isIntegral(p.type)) throw new EvalError(`cannot dereference ${formatType(p.type)}`, pos);
    return { type: to, lvalue: { kind: 'memory', address: BigInt.asUintN(64, p.bits) }, dereferenced: true };
  }

  private unary(e: Extract<Expr, { k: 'unary' }>): Term {
    if (e.op === '&') {
      if (e.arg.k === 'ident' && !this.ctx.types.variable(e.arg.name) && this.ctx.symbol(e.arg.name) !== undefined) {
        // An untyped symbol already stands for its address; &sym is that address as a u64 *.
        const t = this.identifier(e.arg.name, e.arg.pos);
        return { type: { kind: 'pointer', to: U64 }, bits: t.bits! };
      }
      const t = this.eval(e.arg);
      if (t.lvalue?.kind === 'register') throw new EvalError(`cannot take the address of register %${t.lvalue.name}`, e.pos);
      if (t.lvalue?.kind !== 'memory') throw new EvalError(`cannot take the address of a value`, e.pos);
      if (t.lvalue.bitWidth !== undefined) throw new EvalError(`cannot take the address of a bit-field`, e.pos);
      return { type: { kind: 'pointer', to: t.type }, bits: t.lvalue.address };
    }
    const t = this.eval(e.arg);
    if (e.op === '*') {
      if (t.type.kind === 'struct' || t.type.kind === 'union') throw new EvalError(`cannot dereference ${formatType(t.type)}`, e.pos);
      return this.dereference(this.rvalue(t, e.arg), e.pos);
    }
    const v = this.rvalue(t, e.arg);
    if (e.op === '!') return { type: INT, bits: v.bits === 0n ? 1n : 0n };
    if (!isIntegral(v.type)) throw new EvalError(`'${e.op}' needs an integer, not ${formatType(v.type)}`, e.pos);
    const type = promote(v.type);
    const bits = e.op === '-' ? -v.bits : e.op === '~' ? ~v.bits : v.bits;
    return { type, bits: normalize(bits, type) };
  }

  private binary(e: Extract<Expr, { k: 'binary' }>): Term {
    if (e.op === '&&' || e.op === '||') {
      const left = this.rvalue(this.eval(e.left), e.left).bits !== 0n;
      if (e.op === '&&' ? !left : left) return { type: INT, bits: left ? 1n : 0n };
      return { type: INT, bits: this.rvalue(this.eval(e.right), e.right).bits !== 0n ? 1n : 0n };
    }
    const a = this.rvalue(this.eval(e.left), e.left);
    const b = this.rvalue(this.eval(e.right), e.right);
    const aPtr = a.type.kind === 'pointer';
    const bPtr = b.type.kind === 'pointer';
    if (aPtr || bPtr) return this.pointerArithmetic(e, a, b);
    if (!isIntegral(a.type) || !isIntegral(b.type)) throw new EvalError(`'${e.op}' needs numbers`, e.pos);
    if (e.op === '<<' || e.op === '>>') {
      const type = promote(a.type);
      const count = b.bits & 0xffn;
      return { type, bits: normalize(e.op === '<<' ? a.bits << count : a.bits >> count, type) };
    }
    const type = commonType(a.type, b.type);
    const x = normalize(a.bits, type);
    const y = normalize(b.bits, type);
    const truth = (c: boolean): Term => ({ type: INT, bits: c ? 1n : 0n });
    switch (e.op) {
      case '+': return { type, bits: normalize(x + y, type) };
      case '-': return { type, bits: normalize(x - y, type) };
      case '*': return { type, bits: normalize(x * y, type) };
      case '/':
      case '%':
        if (y === 0n) throw new EvalError(`division by zero`, e.pos);
        return { type, bits: normalize(e.op === '/' ? x / y : x % y, type) };
      case '&': return { type, bits: normalize(x & y, type) };
      case '|': return { type, bits: normalize(x | y, type) };
      case '^': return { type, bits: normalize(x ^ y, type) };
      case '<': return truth(x < y);
      case '<=': return truth(x <= y);
      case '>': return truth(x > y);
      case '>=': return truth(x >= y);
      case '==': return truth(x === y);
      case '!=': return truth(x !== y);
    }
    throw new EvalError(`unsupported operator '${e.op}'`, e.pos);
  }

  private pointerArithmetic(e: Extract<Expr, { k: 'binary' }>, a: { type: CType; bits: bigint }, b: { type: CType; bits: bigint }): Term {
    const stride = (p: CType) => {
      const size = p.kind === 'pointer' ? sizeOf(p.to) : undefined;
      if (size === undefined) throw new EvalError(`arithmetic on a pointer to an incomplete type ${formatType(p)}`, e.pos);
      return BigInt(size);
    };
    const aPtr = a.type.kind === 'pointer';
    const bPtr = b.type.kind === 'pointer';
    const ua = BigInt.asUintN(64, a.bits);
    const ub = BigInt.asUintN(64, b.bits);
    const truth = (c: boolean): Term => ({ type: INT, bits: c ? 1n : 0n });
    switch (e.op) {
      case '+':
        if (aPtr && bPtr) break;
        return aPtr ? { type: a.type, bits: normalize(ua + b.bits * stride(a.type), a.type) } : { type: b.type, bits: normalize(ub + a.bits * stride(b.type), b.type) };
      case '-':
        if (aPtr && bPtr) return { type: LONG, bits: BigInt.asIntN(64, ua - ub) / stride(a.type) };
        if (aPtr) return { type: a.type, bits: normalize(ua - b.bits * stride(a.type), a.type) };
        break;
      case '<': return truth(ua < ub);
      case '<=': return truth(ua <= ub);
      case '>': return truth(ua > ub);
      case '>=': return truth(ua >= ub);
      case '==': return truth(ua === ub);
      case '!=': return truth(ua !== ub);
      case '&': return { type: ULONG, bits: ua & ub };
      case '|': return { type: ULONG, bits: ua | ub };
    }
    throw new EvalError(`invalid operands to '${e.op}' (${formatType(a.type)} and ${formatType(b.type)})`, e.pos);
  }

  private cast(t: Term, type: CType, e: Expr): Term {
    if (t.atOperand && t.lvalue) {
      // `(struct pt_regs)(%rsp)`, `(u32)8(%rsp)`: view the operand's memory as the new type.
      if (type.kind === 'void' || type.kind === 'function') throw new EvalError(`cannot view memory as ${formatType(type)}`, e.pos);
      return { type, lvalue: t.lvalue, dereferenced: true };
    }
    if (type.kind === 'void') return { type, bits: 0n };
    if (!isScalar(type)) throw new EvalError(`cannot cast to ${formatType(type)} (only a memory operand can be viewed as one: (${formatType(type)})(%rsp))`, e.pos);
    const v = this.rvalue(t, e);
    return { type, bits: normalize(v.bits, type) };
  }

  private record(t: Term, e: Extract<Expr, { k: 'member' }>): { record: CRecordType; base: bigint } {
    let obj = t;
    if (obj.type.kind === 'pointer') {
      // `->`, and gdb's leniency: `.` through a pointer dereferences it.
      obj = this.dereference(this.rvalue(obj, e.obj), e.pos);
    } else if (e.arrow && !(obj.type.kind === 'struct' || obj.type.kind === 'union')) {
      throw new EvalError(`'->' needs a pointer to a struct, not ${formatType(obj.type)}`, e.pos);
    }
    const type = obj.type;
    if (type.kind !== 'struct' && type.kind !== 'union') throw new EvalError(`'${e.field}' is not a field: ${formatType(type)} is not a struct or union`, e.fieldPos);
    if (!type.complete) throw new EvalError(`${formatType(type)} is incomplete (declared but not defined in the headers)`, e.fieldPos);
    if (obj.lvalue?.kind !== 'memory') throw new EvalError(`${formatType(type)} has no address`, e.pos);
    return { record: type, base: obj.lvalue.address };
  }

  private member(e: Extract<Expr, { k: 'member' }>): Term {
    const obj = this.eval(e.obj);
    const { record, base } = this.record(obj, e);
    const found = findField(record, e.field);
    if (!found) {
      const names = visibleFields(record).map((f) => f.name);
      const list = names.slice(0, MAX_FIELDS_IN_MESSAGE).join(', ') + (names.length > MAX_FIELDS_IN_MESSAGE ? ', …' : '');
      throw new EvalError(`no field '${e.field}' in ${formatType(record)} (fields: ${list})`, e.fieldPos);
    }
    const f = found.field;
    const address = BigInt.asUintN(64, base + BigInt(found.offset));
    const lvalue: LValue = f.bitWidth !== undefined ? { kind: 'memory', address, bitOffset: f.bitOffset ?? 0, bitWidth: f.bitWidth } : { kind: 'memory', address };
    return { type: f.type, lvalue, dereferenced: obj.dereferenced || obj.type.kind === 'pointer' };
  }

  private index(e: Extract<Expr, { k: 'index' }>): Term {
    let base = this.eval(e.obj);
    let index = this.eval(e.index);
    if (isIntegral(base.type) && (index.type.kind === 'pointer' || index.type.kind === 'array')) [base, index] = [index, base];
    const i = this.rvalue(index, e.index);
    if (!isIntegral(i.type)) throw new EvalError(`array index must be an integer`, e.index.pos);
    let p = this.rvalue(base, e.obj);
    if (isIntegral(p.type)) p = { type: { kind: 'pointer', to: U64 }, bits: p.bits };
    if (p.type.kind !== 'pointer') throw new EvalError(`cannot index ${formatType(p.type)}`, e.pos);
    const size = sizeOf(p.type.to);
    if (size === undefined) throw new EvalError(`cannot index: ${formatType(p.type.to)} is incomplete`, e.pos);
    const address = BigInt.asUintN(64, p.bits + BigInt.asIntN(64, i.bits) * BigInt(size));
    return { type: p.type.to, lvalue: { kind: 'memory', address }, dereferenced: base.type.kind !== 'array' || base.dereferenced };
  }

  private call(e: Extract<Expr, { k: 'call' }>): Term {
    const arity = (n: number[]) => {
      if (!n.includes(e.args.length)) throw new EvalError(`${e.name}() takes ${n.join(' or ')} argument${n[n.length - 1] === 1 ? '' : 's'}`, e.pos);
    };
    switch (e.name) {
      case 'per_cpu':
      case 'per_cpu_ptr': {
        arity([2]);
        const cpu = Number(this.rvalue(this.eval(e.args[1]), e.args[1]).bits);
        const saved = [this.cpu, this.perCpuUses];
        this.cpu = cpu;
        try {
          const t = this.eval(e.args[0]);
          if (this.perCpuUses === saved[1]) throw new EvalError(`${e.name}: the first argument does not name a per-CPU variable`, e.args[0].pos);
          return e.name === 'per_cpu' ? t : { ...this.rvalue(t, e.args[0]) };
        } finally {
          this.cpu = saved[0];
        }
      }
      case 'this_cpu_ptr': {
        arity([1]);
        const before = this.perCpuUses;
        const t = this.eval(e.args[0]);
        if (this.perCpuUses === before) throw new EvalError(`this_cpu_ptr: the argument does not name a per-CPU variable`, e.args[0].pos);
        return { ...this.rvalue(t, e.args[0]) };
      }
      case 'pagewalk': {
        arity([1, 2]);
        if (!this.ctx.pagewalk) throw new EvalError(`page walks are not available here`, e.pos);
        const addr = this.rvalue(this.eval(e.args[0]), e.args[0]).bits;
        const cr3 = e.args[1] ? this.rvalue(this.eval(e.args[1]), e.args[1]).bits : undefined;
        const text = this.ctx.pagewalk(BigInt.asUintN(64, addr), cr3 === undefined ? undefined : BigInt.asUintN(64, cr3));
        return { type: { kind: 'void' }, bits: 0n, text };
      }
    }
    throw new EvalError(`unknown function '${e.name}' (functions: per_cpu, per_cpu_ptr, this_cpu_ptr, pagewalk, sizeof)`, e.pos, true);
  }
}

function mentionsSymbol(e: Expr): boolean {
  if (e.k === 'ident') return true;
  if (e.k === 'unary') return mentionsSymbol(e.arg);
  if (e.k === 'binary') return mentionsSymbol(e.left) || mentionsSymbol(e.right);
  return false;
}

function isSignedType(t: CType): boolean {
  return (t.kind === 'int' || t.kind === 'enum') && t.signed;
}
