/**
 * Evaluating bound expressions. A value is linear — a constant plus symbol terms with integer
 * coefficients — which covers everything a relocation can express (`sym + 4`, `a - b`,
 * `ext - .`). Other operators need constant operands.
 *
 * Symbols are placed either by "run" (parse mode: only offsets inside one run of fixed
 * fragments are known, as in GNU as while it reads the source) or by section offset (final
 * mode, after layout, or during relaxation with the current estimates).
 */
import { applyBinary, applyUnary, wrap64 } from './expr.js';
import type { BExpr, Sym } from './model.js';

export type Mode = 'parse' | 'final';

export interface Term {
  sym: Sym;
  coeff: bigint;
}
export interface Val {
  c: bigint;
  terms: Term[];
}
export type EvalResult = { ok: true; val: Val } | { ok: false; message: string };

export interface Group {
  /** A Run (parse mode) or a Section (final mode). */
  base: object;
  coeff: bigint;
  terms: Term[];
}
export interface Reduced {
  /** Constant part, including the offsets of every placed term. */
  c: bigint;
  groups: Group[];
  /** Terms on undefined symbols (merged by symbol). */
  undef: Term[];
}

export interface EvalContext {
  mode: Mode;
  warn?: (message: string) => void;
}

const constant = (c: bigint): Val => ({ c, terms: [] });

const shadows = new WeakMap<Sym, Sym>();
/** A local stand-in for a defined global symbol: same place, no binding. */
function shadow(sym: Sym): Sym {
  let s = shadows.get(sym);
  if (!s) {
    s = { name: sym.name, def: sym.def, type: sym.type, referenced: true, temp: true };
    shadows.set(sym, s);
  }
  return s;
}

/** True when a global or weak symbol must stay a symbol (not be expanded) in a relocation. */
export function isExternal(sym: Sym): boolean {
  return sym.binding === 'global' || sym.binding === 'weak';
}

export function evaluate(b: BExpr, ctx: EvalContext): EvalResult {
  switch (b.k) {
    case 'num':
      return { ok: true, val: constant(b.v) };
    case 'sym': {
      const s = b.sym;
      const d = s.def;
      if (d.kind === 'label' || d.kind === 'undef') return { ok: true, val: { c: 0n, terms: [{ sym: s, coeff: 1n }] } };
      if (d.kind === 'eqv') return { ok: false, message: `symbol \`${s.name}' cannot be evaluated here` };
      if (s.evaluating) return { ok: false, message: `symbol definition loop encountered at \`${s.name}'` };
      s.evaluating = true;
      let r: EvalResult;
      try {
        r = evaluate(d.expr, ctx);
      } finally {
        s.evaluating = false;
      }
      if (r.ok && ctx.mode === 'final') {
        if (isExternal(s)) {
          // A global alias stays a symbol in relocations; a global absolute symbol is a number.
          const k = asConstant(r.val, ctx.mode);
          return { ok: true, val: k !== undefined ? constant(k) : { c: 0n, terms: [{ sym: s, coeff: 1n }] } };
        }
        // Through a local alias, a defined global is just a place (GNU as relocates against the
        // section then), while an undefined one stays the symbol.
        if (r.val.terms.some((t) => isExternal(t.sym) && t.sym.def.kind !== 'undef')) {
          return { ok: true, val: { c: r.val.c, terms: r.val.terms.map((t) => (isExternal(t.sym) && t.sym.def.kind !== 'undef' ? { sym: shadow(t.sym), coeff: t.coeff } : t)) } };
        }
      }
      return r;
    }
    case 'un': {
      const r = evaluate(b.e, ctx);
      if (!r.ok) return r;
      if (b.op === '+') return r;
      if (b.op === '-') return { ok: true, val: { c: wrap64(-r.val.c), terms: r.val.terms.map((t) => ({ sym: t.sym, coeff: -t.coeff })) } };
      const k = asConstant(r.val, ctx.mode);
      if (k === undefined) return { ok: false, message: 'expression is not constant' };
      return { ok: true, val: constant(applyUnary(b.op, k)) };
    }
    case 'bin': {
      const l = evaluate(b.l, ctx);
      if (!l.ok) return l;
      const r = evaluate(b.r, ctx);
      if (!r.ok) return r;
      if (b.op === '+' || b.op === '-') {
        const sign = b.op === '+' ? 1n : -1n;
        return {
          ok: true,
          val: {
            c: wrap64(l.val.c + sign * r.val.c),
            terms: [...l.val.terms, ...r.val.terms.map((t) => ({ sym: t.sym, coeff: sign * t.coeff }))],
          },
        };
      }
      const a = asConstant(l.val, ctx.mode);
      const c = asConstant(r.val, ctx.mode);
      if (a === undefined || c === undefined) return { ok: false, message: 'expression is not constant' };
      return { ok: true, val: constant(applyBinary(b.op, a, c, ctx.warn ?? (() => {}))) };
    }
  }
}

/** Where a symbol is, in the given mode: base and offset, or undefined (undefined symbol). */
export function placeOf(sym: Sym, mode: Mode): { base: object; off: bigint } | undefined {
  const d = sym.def;
  if (d.kind === 'label') {
    const f = d.frag;
    if (mode === 'parse') return { base: f.run, off: BigInt(f.runOffset + d.offset) };
    return { base: f.section, off: BigInt(f.address + d.offset) };
  }
  if (d.kind === 'equ') {
    if (sym.evaluating) return undefined;
    sym.evaluating = true;
    try {
      const r = evaluate(d.expr, { mode });
      if (!r.ok) return undefined;
      const red = reduceInner(r.val, mode);
      if (red.undef.length === 0 && red.groups.length === 1 && red.groups[0].coeff === 1n) {
        return { base: red.groups[0].base, off: red.c };
      }
      return undefined;
    } finally {
      sym.evaluating = false;
    }
  }
  return undefined;
}

function reduceInner(val: Val, mode: Mode): Reduced {
  let c = val.c;
  const groups = new Map<object, Group>();
  const undef = new Map<Sym, bigint>();
  for (const t of val.terms) {
    const p = placeOf(t.sym, mode);
    if (p) {
      c += t.coeff * p.off;
      let g = groups.get(p.base);
      if (!g) groups.set(p.base, (g = { base: p.base, coeff: 0n, terms: [] }));
      g.coeff += t.coeff;
      g.terms.push(t);
    } else {
      undef.set(t.sym, (undef.get(t.sym) ?? 0n) + t.coeff);
    }
  }
  return {
    c: wrap64(c),
    groups: [...groups.values()].filter((g) => g.coeff !== 0n),
    undef: [...undef].filter(([, k]) => k !== 0n).map(([sym, coeff]) => ({ sym, coeff })),
  };
}

/** Folds placed terms whose coefficients cancel into the constant. */
export function reduce(val: Val, mode: Mode): Reduced {
  return reduceInner(val, mode);
}

/** The value as a constant in this mode, or undefined. */
export function asConstant(val: Val, mode: Mode): bigint | undefined {
  if (val.terms.length === 0) return val.c;
  const r = reduce(val, mode);
  return r.groups.length === 0 && r.undef.length === 0 ? r.c : undefined;
}

/** Evaluates to a constant (or undefined when not constant in this mode / on error). */
export function constantOf(b: BExpr, ctx: EvalContext): bigint | undefined {
  const r = evaluate(b, ctx);
  return r.ok ? asConstant(r.val, ctx.mode) : undefined;
}
