/**
 * AT&T operand syntax: `%reg`, `$expr`, `[*][%seg:]disp(base,index,scale)`, bare expressions.
 * Produces raw operands whose expressions the assembler binds and evaluates.
 */
import { Cursor, parseExpr, type Expr, type Reporter } from './expr.js';
import type { Stmt } from './source.js';

export type RawOperand =
  | { kind: 'reg'; name: string; pos: number; end: number }
  | { kind: 'imm'; expr: Expr; pos: number; end: number }
  | {
      kind: 'mem';
      segment?: string;
      disp?: Expr;
      base?: string;
      index?: string;
      scale?: Expr;
      pos: number;
      end: number;
    }
  /** A bare expression: a direct branch target, or an absolute memory address. */
  | { kind: 'expr'; expr: Expr; pos: number; end: number };

const GPR = new Set<string>();
for (const r of ['ax', 'bx', 'cx', 'dx', 'si', 'di', 'sp', 'bp']) {
  GPR.add('r' + r).add('e' + r).add(r);
}
for (const r of ['al', 'bl', 'cl', 'dl', 'ah', 'bh', 'ch', 'dh', 'sil', 'dil', 'spl', 'bpl']) GPR.add(r);
for (let n = 8; n < 16; n++) for (const s of ['', 'd', 'w', 'b']) GPR.add(`r${n}${s}`);

/** Register names GNU as knows in 64-bit mode (lower case, without `%`). */
export function isRegisterName(name: string): boolean {
  if (GPR.has(name)) return true;
  if (['rip', 'eip', 'es', 'cs', 'ss', 'ds', 'fs', 'gs', 'st'].includes(name)) return true;
  let m = /^(cr|dr)(\d+)$/.exec(name);
  if (m) return Number(m[2]) < 16;
  m = /^st\(([0-7])\)$/.exec(name);
  if (m) return true;
  m = /^mm([0-7])$/.exec(name);
  if (m) return true;
  m = /^[xyz]mm(\d+)$/.exec(name);
  if (m) return Number(m[1]) < 32;
  if (/^k[0-7]$/.test(name)) return true;
  if (/^bnd[0-3]$/.test(name)) return true;
  if (/^tr[0-7]$/.test(name)) return true;
  return false;
}

export const SEGMENTS = new Set(['es', 'cs', 'ss', 'ds', 'fs', 'gs']);

/** Splits `text[start,end)` at commas outside parentheses and strings. */
export function splitOperands(text: string, start: number, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0;
  let s = start;
  let inStr = false;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push([s, i]);
      s = i + 1;
    }
  }
  out.push([s, end]);
  return out;
}

const trimRange = (t: string, a: number, b: number): [number, number] => {
  while (a < b && (t[a] === ' ' || t[a] === '\t')) a++;
  while (b > a && (t[b - 1] === ' ' || t[b - 1] === '\t')) b--;
  return [a, b];
};

/** Reads `%name` (with `%st(N)`) at `i`; returns the lower-case name and end, or undefined. */
function readRegister(t: string, i: number, end: number): [string, number] | undefined {
  if (t[i] !== '%') return undefined;
  let j = i + 1;
  while (j < end && /[A-Za-z0-9_.]/.test(t[j])) j++;
  let name = t.slice(i + 1, j).toLowerCase();
  if (name === 'st') {
    const m = /^\(\s*([0-7])\s*\)/.exec(t.slice(j, end));
    if (m) {
      name = `st(${m[1]})`;
      j += m[0].length;
    }
  }
  return [name, j];
}

/** Parses one operand in `stmt.text[start,end)`. */
export function parseOperand(
  stmt: Stmt,
  start: number,
  end: number,
  report: Reporter,
): { op: RawOperand; indirect: boolean } | undefined {
  const t = stmt.text;
  let [a, b] = trimRange(t, start, end);
  if (a >= b) {
    report('error', start, end, 'missing operand');
    return undefined;
  }
  let indirect = false;
  if (t[a] === '*') {
    indirect = true;
    [a, b] = trimRange(t, a + 1, b);
  }
  const exprIn = (s: number, e: number): Expr | undefined => {
    const cur = new Cursor(stmt, s, e);
    const x = parseExpr(cur, report);
    cur.skipWs();
    if (cur.pos < e) {
      report('error', cur.pos, e, `junk \`${t.slice(cur.pos, e)}' after expression`);
      return undefined;
    }
    return x;
  };
  if (t[a] === '$') {
    const x = exprIn(a + 1, b);
    return x ? { op: { kind: 'imm', expr: x, pos: a, end: b }, indirect } : undefined;
  }
  let segment: string | undefined;
  if (t[a] === '%') {
    const r = readRegister(t, a, b);
    if (!r || !isRegisterName(r[0])) {
      report('error', a, r ? r[1] : a + 1, `bad register name \`${t.slice(a, r ? r[1] : a + 1)}'`);
      return undefined;
    }
    let j = r[1];
    while (j < b && (t[j] === ' ' || t[j] === '\t')) j++;
    if (j >= b) return { op: { kind: 'reg', name: r[0], pos: a, end: b }, indirect };
    if (t[j] === ':' && SEGMENTS.has(r[0])) {
      segment = r[0];
      [a] = trimRange(t, j + 1, b);
    } else {
      report('error', j, b, `junk \`${t.slice(j, b)}' after register`);
      return undefined;
    }
  }
  // Memory: find a trailing (base,index,scale) group.
  let disp: Expr | undefined;
  let base: string | undefined;
  let index: string | undefined;
  let scale: Expr | undefined;
  let exprEnd = b;
  if (t[b - 1] === ')') {
    let depth = 0;
    let open = -1;
    for (let i = b - 1; i >= a; i--) {
      if (t[i] === ')') depth++;
      else if (t[i] === '(') {
        depth--;
        if (depth === 0) {
          open = i;
          break;
        }
      }
    }
    if (open >= 0) {
      const [ia] = trimRange(t, open + 1, b - 1);
      if (t[ia] === '%' || t[ia] === ',') {
        exprEnd = open;
        const parts = splitOperands(t, open + 1, b - 1);
        if (parts.length > 3) {
          report('error', open, b, `too many commas in memory operand \`${t.slice(open, b)}'`);
          return undefined;
        }
        const regAt = (p: [number, number], what: string): string | undefined | null => {
          const [s, e] = trimRange(t, p[0], p[1]);
          if (s >= e) return undefined;
          const r = readRegister(t, s, e);
          if (!r || r[1] !== e || !isRegisterName(r[0])) {
            report('error', s, e, `bad ${what} register name \`${t.slice(s, e)}'`);
            return null;
          }
          return r[0];
        };
        const bb = regAt(parts[0], 'base');
        if (bb === null) return undefined;
        base = bb;
        if (parts.length > 1) {
          const ii = regAt(parts[1], 'index');
          if (ii === null) return undefined;
          index = ii;
        }
        if (parts.length > 2) {
          const [s, e] = trimRange(t, parts[2][0], parts[2][1]);
          if (s < e) {
            scale = exprIn(s, e);
            if (!scale) return undefined;
          }
        }
      }
    }
  }
  const [da, db] = trimRange(t, a, exprEnd);
  if (da < db) {
    disp = exprIn(da, db);
    if (!disp) return undefined;
  }
  if (base === undefined && index === undefined && segment === undefined && exprEnd === b && disp) {
    return { op: { kind: 'expr', expr: disp, pos: a, end: b }, indirect };
  }
  if (!disp && base === undefined && index === undefined) {
    report('error', a, b, `bad memory operand \`${t.slice(start, end).trim()}'`);
    return undefined;
  }
  return { op: { kind: 'mem', segment, disp, base, index, scale, pos: a, end: b }, indirect };
}
