// A small AT&T line parser for the encoder tests (the real front end lives elsewhere): enough
// for the corpus — prefixes, mnemonic, registers, $immediates, memory operands, branch targets.
import type { AsmOperand, EncodeRequest } from '../../src/core/asm/encoder/index.js';
import type { AsmValue } from '../../src/core/asm/object.js';

const PREFIX_WORDS = new Set([
  'lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'xacquire', 'xrelease', 'bnd', 'notrack',
  'data16', 'addr32', 'cs', 'ds', 'es', 'fs', 'gs', 'ss',
]);

/** Parses `sym`, `sym+8`, `-0x10`, `123`, `L__5` (resolved through `labels`). */
export function parseValue(text: string, labels?: Map<string, bigint>): AsmValue {
  const s = text.trim();
  const num = /^([+-]?)(0x[0-9a-f]+|\d+)$/i.exec(s);
  if (num) {
    const v = BigInt(num[2]);
    return { kind: 'constant', value: num[1] === '-' ? -v : v };
  }
  const sym = /^([A-Za-z_.][\w.$]*)\s*(?:([+-])\s*(0x[0-9a-f]+|\d+))?$/i.exec(s);
  if (!sym) throw new Error(`cannot parse expression '${text}'`);
  const addend = sym[3] ? (sym[2] === '-' ? -BigInt(sym[3]) : BigInt(sym[3])) : 0n;
  const known = labels?.get(sym[1]);
  if (known !== undefined) return { kind: 'constant', value: known + addend };
  return { kind: 'symbol', symbol: sym[1], addend };
}

function splitOperands(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const BRANCHES = /^(j[a-z]+|call[wlq]?|loop[a-z]*|jrcxz|jecxz|xbegin)$/;

function parseOperand(text: string, branch: boolean, labels?: Map<string, bigint>): AsmOperand {
  let s = text.trim();
  if (s.startsWith('%') && !s.includes(':') && !s.includes('(')) return { kind: 'reg', name: s.slice(1).toLowerCase() };
  if (s.startsWith('$')) return { kind: 'imm', value: parseValue(s.slice(1), labels) };
  let segment: string | undefined;
  const seg = /^%([a-z]s)\s*:\s*(.*)$/i.exec(s);
  if (seg) {
    segment = seg[1].toLowerCase();
    s = seg[2];
  }
  const m = /^(.*?)\(([^)]*)\)$/.exec(s);
  if (!m) {
    if (branch && !segment) return { kind: 'target', value: parseValue(s, labels) };
    return { kind: 'mem', segment, disp: parseValue(s, labels) };
  }
  const parts = m[2].split(',').map((p) => p.trim());
  const reg = (p: string | undefined) => (p ? p.replace(/^%/, '').toLowerCase() : undefined);
  const op: AsmOperand = { kind: 'mem', segment };
  if (m[1].trim()) op.disp = parseValue(m[1], labels);
  if (parts[0]) op.base = reg(parts[0]);
  if (parts.length > 1 && parts[1]) op.index = reg(parts[1]);
  if (parts.length > 2 && parts[2]) op.scale = Number(parts[2]) as 1 | 2 | 4 | 8;
  return op;
}

/** Parses one instruction line into an encoder request. */
export function parseLine(line: string, address = 0n, labels?: Map<string, bigint>): EncodeRequest {
  const words = line.trim().split(/\s+/);
  const prefixes: string[] = [];
  while (words.length > 1 && (PREFIX_WORDS.has(words[0].toLowerCase()) || /^rex(\.[wrxb]+)?$/i.test(words[0]) || /^\{\w+\}$/.test(words[0]))) {
    prefixes.push(words.shift()!.toLowerCase());
  }
  const mnemonic = words.shift()!.toLowerCase();
  const rest = words.join(' ').trim();
  let indirect = false;
  const ops = splitOperands(rest).map((o) => {
    if (o.startsWith('*')) {
      indirect = true;
      return o.slice(1);
    }
    return o;
  });
  const branch = BRANCHES.test(mnemonic);
  return {
    mnemonic,
    prefixes,
    operands: ops.map((o) => parseOperand(o, branch && !indirect, labels)),
    indirect,
    address,
  };
}
