/**
 * Presenting values: one-line text (`formatValue`), expandable children for the Variables and
 * Watch trees (`childrenOf`, `childCount`), and completions for the Debug Console.
 */
import { formatType, isScalar, sizeOf, visibleFields, type CType } from './ctype-model.js';
import { EvalError, Evaluator, hex64, type Term } from './expression-eval.js';
import { registerNames } from './expression-registers.js';
import { typeOf, type EvalContext, type LValue, type Value } from './expression.js';

const hexWidth = (v: bigint, bytes: number) => '0x' + BigInt.asUintN(bytes * 8, v).toString(16).padStart(bytes * 2, '0');
const CHAR_NAMES = new Set(['char', 'signed char', 'unsigned char']);

/**
 * Unsigned integers in hex at their width (`0x` + 16 digits for 64-bit), with the decimal in
 * parentheses when it differs and is small enough to mean something; signed integers in decimal
 * with the hex in parentheses; `char` with the character; pointers with `<symbol+off>` when the context can name the address; aggregates `{…}`.
 */
export function formatValue(v: Value, ctx: EvalContext): string {
  if (v.error !== undefined) return `<${v.error}>`;
  if (v.text !== undefined) return v.text;
  const t = v.type;
  switch (t.kind) {
    case 'bool':
      return v.bits === 0n ? 'false' : v.bits === 1n ? 'true' : String(v.bits);
    case 'enum': {
      const named = t.values.find((e) => e.value === v.bits);
      return named ? `${named.name} (${v.bits})` : String(v.bits);
    }
    case 'int': {
      const hex = hexWidth(v.bits, t.size);
      if (t.size === 1 && CHAR_NAMES.has(t.name) && t.alias === undefined) {
        const code = Number(BigInt.asUintN(8, v.bits));
        return code >= 0x20 && code < 0x7f ? `${hex} '${String.fromCharCode(code)}'` : hex;
      }
      // Signed types hold counts and ids (preempt_count, pid): decimal first. Unsigned ones hold
      // addresses and masks: hex first. The other base follows when it says something more.
      if (t.signed) return v.bits < 0n || v.bits >= 10n ? `${v.bits} (${hex})` : String(v.bits);
      return v.bits >= 10n && (t.size <= 4 || v.bits < 0x10000n) ? `${hex} (${v.bits})` : hex;
    }
    case 'pointer': {
      const hex = hex64(v.bits);
      const where = v.bits !== 0n ? ctx.describeAddress?.(v.bits) : undefined;
      return where ? `${hex} <${where}>` : hex;
    }
    case 'float':
      return formatFloat(v, ctx);
    case 'struct':
    case 'union':
      return '{…}';
    case 'array':
      return t.length === undefined ? '[…]' : `[${t.length}]`;
    case 'void':
      return 'void';
    case 'function':
      return '<function>';
  }
}

function formatFloat(v: Value, ctx: EvalContext): string {
  const size = v.type.kind === 'float' ? v.type.size : 0;
  if (v.lvalue?.kind !== 'memory' || (size !== 4 && size !== 8)) return `<${formatType(v.type)}>`;
  const bytes = ctx.readMemory(v.lvalue.address, size);
  if (!bytes || bytes.length < size) return '<not mapped>';
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  return String(size === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true));
}

export interface Child {
  name: string;
  value: Value;
  /** An expression that evaluates to this child (for Watch, setVariable, hover). */
  evaluateName: string;
}

export interface ChildrenOptions {
  /** The expression of the parent; children's evaluateName extends it. */
  evaluateName?: string;
  /** First array element (default 0) and how many (default 100). */
  start?: number;
  count?: number;
}

const DEFAULT_PAGE = 100;

/** Parenthesises an expression unless it is a plain postfix chain (`a.b->c[2]`). */
function operand(expr: string): string {
  return /^[%$]?[A-Za-z_]\w*((\.|->)[A-Za-z_]\w*|\[\d+\])*$/.test(expr) ? expr : `(${expr})`;
}

function loaded(ev: Evaluator, term: Term): Value {
  const value: Value = { type: term.type, bits: 0n, lvalue: term.lvalue };
  try {
    if (isScalar(term.type)) value.bits = ev.load(term, 0);
    else if (term.lvalue?.kind === 'memory') ev.read(term.lvalue.address, 1, term, 0);
  } catch (e) {
    value.error = e instanceof EvalError ? e.message : String(e);
  }
  return value;
}

function fieldChildren(ctx: EvalContext, type: CType, base: bigint, prefix: string): Child[] {
  if ((type.kind !== 'struct' && type.kind !== 'union') || !type.complete) return [];
  const ev = new Evaluator(ctx);
  return visibleFields(type).map(({ name, offset, field }) => {
    const address = BigInt.asUintN(64, base + BigInt(offset));
    const lvalue: LValue = field.bitWidth !== undefined ? { kind: 'memory', address, bitOffset: field.bitOffset ?? 0, bitWidth: field.bitWidth } : { kind: 'memory', address };
    return { name, value: loaded(ev, { type: field.type, lvalue, dereferenced: true }), evaluateName: prefix + name };
  });
}

/** Pointers that have something to show behind them (not void, not functions, not null). */
function pointee(v: Value): CType | undefined {
  if (v.type.kind !== 'pointer' || v.bits === 0n || v.error !== undefined) return undefined;
  const to = v.type.to;
  return to.kind === 'void' || to.kind === 'function' || sizeOf(to) === undefined ? undefined : to;
}

/**
 * Children of a value: struct/union fields (anonymous members flattened, as C names them), the
 * fields of a pointed-to struct, the target of another pointer, or a page of array elements.
 * Unreadable children carry `value.error` instead of failing the whole list.
 */
export function childrenOf(v: Value, ctx: EvalContext, opts: ChildrenOptions = {}): Child[] {
  const parent = operand(opts.evaluateName ?? '?');
  const t = v.type;
  if ((t.kind === 'struct' || t.kind === 'union') && v.lvalue?.kind === 'memory') {
    return fieldChildren(ctx, t, v.lvalue.address, `${parent}.`);
  }
  const to = pointee(v);
  if (to) {
    if (to.kind === 'struct' || to.kind === 'union') return fieldChildren(ctx, to, v.bits, `${parent}->`);
    const ev = new Evaluator(ctx);
    return [{ name: `*${opts.evaluateName ?? ''}`, value: loaded(ev, { type: to, lvalue: { kind: 'memory', address: v.bits }, dereferenced: true }), evaluateName: `*${parent}` }];
  }
  if (t.kind === 'array' && v.lvalue?.kind === 'memory') {
    const size = sizeOf(t.of);
    if (size === undefined) return [];
    const start = Math.max(0, opts.start ?? 0);
    const end = Math.min(t.length ?? Infinity, start + (opts.count ?? DEFAULT_PAGE));
    const ev = new Evaluator(ctx);
    const out: Child[] = [];
    for (let i = start; i < end; i++) {
      const address = BigInt.asUintN(64, v.lvalue.address + BigInt(i * size));
      out.push({ name: `[${i}]`, value: loaded(ev, { type: t.of, lvalue: { kind: 'memory', address }, dereferenced: true }), evaluateName: `${parent}[${i}]` });
    }
    return out;
  }
  return [];
}

/** How many children `childrenOf` can produce in all (arrays: their length; unknown length: 0). */
export function childCount(v: Value): number {
  const t = v.type;
  if (t.kind === 'struct' || t.kind === 'union') return t.complete && v.lvalue?.kind === 'memory' ? visibleFields(t).length : 0;
  const to = pointee(v);
  if (to) return to.kind === 'struct' || to.kind === 'union' ? (to.complete ? visibleFields(to).length : 0) : 1;
  if (t.kind === 'array' && v.lvalue?.kind === 'memory') return t.length ?? 0;
  return 0;
}

const FUNCTIONS = ['per_cpu', 'per_cpu_ptr', 'this_cpu_ptr', 'pagewalk', 'sizeof'];

/** Start of the postfix expression that ends at `end` (`((struct x *)p)->a[2]`). */
function postfixStart(text: string, end: number): number {
  let i = end;
  while (i > 0) {
    const c = text[i - 1];
    if (/[\w%$.]/.test(c)) i--;
    else if (c === '>' && text[i - 2] === '-') i -= 2;
    else if (c === ')' || c === ']') {
      const open = c === ')' ? '(' : '[';
      let depth = 0;
      let j = i - 1;
      for (; j >= 0; j--) {
        if (text[j] === c) depth++;
        else if (text[j] === open && --depth === 0) break;
      }
      if (j < 0) break;
      i = j;
    } else break;
  }
  return i;
}

/**
 * Words that complete the identifier being typed at the end of `textBeforeCursor` (the word is
 * the trailing run of letters, digits and `_`; a `%`/`$` before it is not part of it): fields
 * after `.`/`->`, registers after `%`, otherwise registers, symbols, C variables, enumerators
 * and the language's functions.
 */
export function completions(textBeforeCursor: string, ctx: EvalContext): string[] {
  const word = /[A-Za-z_]\w*$/.exec(textBeforeCursor)?.[0] ?? '';
  const before = textBeforeCursor.slice(0, textBeforeCursor.length - word.length);
  const matching = (names: Iterable<string>) => [...new Set([...names].filter((n) => n.startsWith(word)))].sort();
  const member = /(\.|->)\s*$/.exec(before);
  if (member) {
    const objectEnd = before.length - member[0].length;
    const objectText = before.slice(postfixStart(before, objectEnd), objectEnd).trim();
    let type = objectText ? typeOf(objectText, ctx) : undefined;
    if (type?.kind === 'pointer') type = type.to;
    if (!type || (type.kind !== 'struct' && type.kind !== 'union')) return [];
    return matching(visibleFields(type).map((f) => f.name));
  }
  const registers = registerNames().filter((r) => ctx.register(r) !== undefined);
  if (before.endsWith('%')) return matching(registers);
  return matching([...registers, ...ctx.symbolNames(), ...ctx.types.variableNames(), ...ctx.types.enumConstantNames(), ...FUNCTIONS]);
}
